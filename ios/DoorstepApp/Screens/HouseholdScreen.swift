import Doorstep
import SwiftUI

/// A person added to the household on this screen.
struct AddedPerson: Identifiable {
    let id: String
    let name: String
    let role: PersonRole
}

/// A new household in three steps, each saved by the core as it is given: the address
/// (`addHousehold`), its people (`addPerson`, each checked by the core: a child's date of birth,
/// an unborn baby's expected date), then a child's case with its plan and first rating and the
/// reason (`openCase`). The child's screen follows.
struct HouseholdScreen: View {
    @Environment(AppModel.self) private var model
    @State private var householdId: String?
    @State private var people: [AddedPerson] = []
    @State private var toCase = false
    @State private var openedCase: String?
    @State private var busy = false
    @State private var error: String?

    // The address.
    @State private var address = ""
    @State private var postcode = ""
    @State private var access = ""
    // A person.
    @State private var role: PersonRole = .child
    @State private var name = ""
    @State private var born = Date()
    @State private var relationship = ""
    // The case.
    @State private var childId: String?
    @State private var plan: PlanType = .childProtection
    @State private var rag: Rag = .amber
    @State private var ragReason = ""

    var body: some View {
        Form {
            ErrorText(message: error)
            if householdId == nil {
                Section("Address") {
                    TextField("Address", text: $address, axis: .vertical)
                    TextField("Postcode", text: $postcode).textInputAutocapitalization(.characters)
                    TextField("Access notes (gate, dog, parking)", text: $access, axis: .vertical)
                    Button("Save address", action: saveAddress).disabled(busy || address.isEmpty)
                }
            } else if !toCase {
                Section("People in the home") {
                    ForEach(people) { person in
                        Text("\(person.name) (\(Choices.label(person.role)))")
                    }
                }
                Section("Add a person") {
                    Picker("Role", selection: $role) {
                        ForEach(Choices.all.roles, id: \.value) { Text($0.label).tag($0.value) }
                    }
                    TextField("Name", text: $name)
                    if role == .child || role == .unborn {
                        DatePicker(role == .unborn ? "Expected" : "Born", selection: $born, displayedComponents: .date)
                    } else {
                        TextField("Relationship to the child", text: $relationship)
                    }
                    Button("Add person", action: savePerson).disabled(busy || name.isEmpty)
                }
                Button("Next: the child's case") { toCase = true }
                    .disabled(people.isEmpty)
            } else {
                Section("Case") {
                    Picker("Child", selection: $childId) {
                        // Everyone added; the core refuses a case for someone who is not a child.
                        ForEach(people) {
                            Text($0.name).tag(Optional($0.id))
                        }
                    }
                    Picker("Plan", selection: $plan) {
                        ForEach(Choices.all.plans, id: \.value) { Text($0.label).tag($0.value) }
                    }
                    Picker("Rating", selection: $rag) {
                        ForEach(Choices.all.rags, id: \.value) { Text($0.label).tag($0.value) }
                    }
                    .pickerStyle(.segmented)
                    TextField("Why this rating", text: $ragReason, axis: .vertical)
                    Button("Open the case", action: saveCase).disabled(busy || childId == nil || ragReason.isEmpty)
                }
            }
        }
        .navigationTitle("Add a household")
        .navigationDestination(item: $openedCase) { ChildScreen(caseId: $0) }
    }

    private func saveAddress() {
        let input = HouseholdInput(
            address: address, postcode: postcode.isEmpty ? nil : postcode,
            accessNotes: access.isEmpty ? nil : access)
        model.run(busy: $busy, error: $error) { householdId = try await $0.addHousehold(input) }
    }

    private func savePerson() {
        guard let householdId else { return }
        let day = born.formatted(Date.ISO8601FormatStyle(timeZone: .current).year().month().day())
        let input = PersonInput(
            householdId: householdId, role: role, name: name,
            dateOfBirth: role == .child ? day : nil, expectedDate: role == .unborn ? day : nil,
            relationship: relationship.isEmpty ? nil : relationship)
        let (added, addedRole) = (name, role)
        model.run(busy: $busy, error: $error) {
            let id = try await $0.addPerson(input)
            people.append(AddedPerson(id: id, name: added, role: addedRole))
            name = ""
            relationship = ""
        }
    }

    private func saveCase() {
        guard let childId else { return }
        let input = CaseInput(childId: childId, plan: plan, rag: rag, ragReason: ragReason)
        model.run(busy: $busy, error: $error) { openedCase = try await $0.openCase(input) }
    }
}

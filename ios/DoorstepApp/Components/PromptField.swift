import Doorstep
import SwiftUI

/// One question of the core's form: its words, help, the widget the core names in
/// `prompt.input`, and the core's messages for it (`prompt.messages`) underneath. Emphasised
/// questions (a plan requirement) are bold. `current` is the core's `answerOf` for the prompt.
struct PromptField: View {
    let prompt: FormPrompt
    let form: VisitForm
    let current: Answer?
    let onAnswer: (Answer) -> Void

    var body: some View {
        VStack(alignment: .leading, spacing: 6) {
            Text(prompt.required ? "\(prompt.question) *" : prompt.question)
                .font(.subheadline)
                .fontWeight(prompt.emphasised ? .bold : .regular)
            if let help = prompt.help { Text(help).font(.caption).foregroundStyle(.secondary) }
            widget
            FieldMessages(messages: prompt.messages)
        }
    }

    @ViewBuilder private var widget: some View {
        switch prompt.input {
        case .yesNo:
            Picker(prompt.question, selection: Binding<Bool?>(
                get: { current?.yesNo },
                set: { value in if let value { onAnswer(.yesNo(value: value)) } }
            )) {
                Text("Yes").tag(Bool?.some(true))
                Text("No").tag(Bool?.some(false))
            }
            .pickerStyle(.segmented)
            .labelsHidden()
        case .shortText:
            TextField("", text: textBinding).textFieldStyle(.roundedBorder)
        case .longText:
            TextField("", text: textBinding, axis: .vertical)
                .lineLimit(3...)
                .textFieldStyle(.roundedBorder)
        case .count:
            Stepper(value: Binding<Int>(
                get: { Int(current?.count ?? 0) },
                set: { onAnswer(.count(value: Int32(max(0, $0)))) }
            ), in: 0...Int(prompt.maxCount ?? maxCount())) {
                Text("\(current?.count ?? 0)")
            }
        case .choice:
            Picker(prompt.question, selection: Binding<String?>(
                get: { current?.choiceCode },
                set: { onAnswer(.choice(code: $0)) }
            )) {
                Text("—").tag(String?.none)
                ForEach(form.engagementChoices, id: \.code) { choice in
                    Text(choice.label).tag(String?.some(choice.code))
                }
            }
        case .peoplePresent:
            PeoplePresentField(form: form, max: Int(prompt.maxCount ?? maxCount()), current: current, onAnswer: onAnswer)
        case .textList:
            TextListField(values: current?.lines ?? []) { onAnswer(.textList(values: $0)) }
        }
    }

    private var textBinding: Binding<String> {
        Binding(
            get: { current?.text ?? "" },
            set: { onAnswer(.text(value: $0)) })
    }
}

/// The core's messages: blocking ones in red, warnings to reflect on in orange.
struct FieldMessages: View {
    let messages: [FieldMessage]

    var body: some View {
        ForEach(Array(messages.enumerated()), id: \.offset) { _, message in
            Text(message.message)
                .font(.caption)
                .foregroundStyle(message.blocking ? Palette.errorText : Palette.warningText)
        }
    }
}

/// Who else is in the home: known adults ticked, unknown adults counted and described.
private struct PeoplePresentField: View {
    let form: VisitForm
    /// Where the stepper stops: the core's limit for the question.
    let max: Int
    let current: Answer?
    let onAnswer: (Answer) -> Void

    private var state: (known: [PersonId], unknown: Int32, descriptions: [String]) {
        guard case .peoplePresent(let known, let unknown, let descriptions)? = current else {
            return ([], 0, [])
        }
        return (known, unknown, descriptions)
    }

    private func answer(_ known: [PersonId], _ unknown: Int32, _ descriptions: [String]) {
        onAnswer(.peoplePresent(knownAdultIds: known, unknownAdults: unknown, unknownDescriptions: descriptions))
    }

    var body: some View {
        let s = state
        VStack(alignment: .leading) {
            ForEach(form.knownAdults, id: \.personId) { adult in
                Toggle("\(adult.name) (\(adult.roleLabel))", isOn: Binding<Bool>(
                    get: { s.known.contains(adult.personId) },
                    set: { on in
                        answer(on ? s.known + [adult.personId] : s.known.filter { $0 != adult.personId },
                               s.unknown, s.descriptions)
                    }))
            }
            Stepper("Adults you did not know: \(s.unknown)", value: Binding<Int>(
                get: { Int(s.unknown) },
                set: { n in
                    let count = Swift.max(0, n)
                    answer(s.known, Int32(count), Array(s.descriptions.prefix(count)))
                }), in: 0...max)
            ForEach(0..<Int(s.unknown), id: \.self) { i in
                TextField("Describe adult \(i + 1)", text: Binding<String>(
                    get: { i < s.descriptions.count ? s.descriptions[i] : "" },
                    set: { text in
                        var list = (0..<Int(s.unknown)).map { $0 < s.descriptions.count ? s.descriptions[$0] : "" }
                        list[i] = text
                        answer(s.known, s.unknown, list)
                    }))
                .textFieldStyle(.roundedBorder)
            }
            if current == nil {
                // "Nobody else" must be said, not assumed.
                Button("Nobody else was there") { answer([], 0, []) }
                    .buttonStyle(.bordered)
            }
        }
    }
}

/// A list of free-text lines (concerns, actions agreed), with a button for one more.
private struct TextListField: View {
    let values: [String]
    let onChange: ([String]) -> Void

    var body: some View {
        VStack(alignment: .leading) {
            ForEach(values.indices, id: \.self) { i in
                TextField("", text: Binding<String>(
                    get: { i < values.count ? values[i] : "" },
                    set: { text in
                        var next = values
                        if i < next.count { next[i] = text }
                        onChange(next)
                    }), axis: .vertical)
                .textFieldStyle(.roundedBorder)
            }
            Button("Add") { onChange(values + [""]) }.buttonStyle(.bordered)
        }
    }
}

/// The value inside each shape of the core's `Answer` (pattern matching only: which prompt takes
/// which shape is the core's `prompt.input`).
private extension Answer {
    var yesNo: Bool? { if case .yesNo(let value) = self { return value }; return nil }
    var text: String? { if case .text(let value) = self { return value }; return nil }
    var count: Int32? { if case .count(let value) = self { return value }; return nil }
    var choiceCode: String? { if case .choice(let code) = self { return code }; return nil }
    var lines: [String]? { if case .textList(let values) = self { return values }; return nil }
}

//! Invented names and places for the demo. Combined at random; nothing here is a real person or
//! address. Postcodes use the non-existent "DS" area.

/// Given names, used for adults and children alike.
pub const GIVEN: &[&str] = &[
    "Amira", "Bethany", "Chloe", "Demi", "Ellie", "Faith", "Grace", "Hollie", "Imogen", "Jade",
    "Kayleigh", "Leah", "Maisie", "Nadia", "Olivia", "Poppy", "Rosie", "Sadia", "Tegan", "Zara",
    "Aaron", "Bilal", "Callum", "Dylan", "Ethan", "Finley", "George", "Harvey", "Isaac", "Jayden",
    "Kian", "Liam", "Mason", "Noah", "Oscar", "Reece", "Samir", "Tyler", "Yusuf", "Zach",
];

/// Women's given names, for mothers.
pub const MOTHERS: &[&str] = &[
    "Amy", "Becky", "Carly", "Danielle", "Emma", "Gemma", "Hayley", "Jodie", "Kirsty", "Laura",
    "Megan", "Naomi", "Priya", "Rachel", "Sian", "Stacey", "Toni", "Vicky", "Yasmin", "Zoe",
];

/// Men's given names, for fathers and partners.
pub const MEN: &[&str] = &[
    "Adam", "Ben", "Craig", "Darren", "Gary", "Imran", "Jamie", "Kyle", "Lee", "Mark", "Nathan",
    "Paul", "Ricky", "Scott", "Shane", "Steven", "Tom", "Wayne",
];

/// Family names.
pub const FAMILY: &[&str] = &[
    "Ashdown",
    "Belcombe",
    "Carrow",
    "Denholm",
    "Elstow",
    "Fennick",
    "Garside",
    "Hallam",
    "Ingleby",
    "Jessop",
    "Kettering",
    "Lowther",
    "Marchant",
    "Nettleford",
    "Oakhurst",
    "Pemberly",
    "Quarrie",
    "Redgrave",
    "Stanwick",
    "Thorley",
    "Upwell",
    "Varley",
    "Whitcombe",
    "Yelland",
];

/// Street names (invented).
pub const STREETS: &[&str] = &[
    "Alder",
    "Bramble",
    "Chestnut",
    "Dovecote",
    "Elm Tree",
    "Foxglove",
    "Gorse",
    "Hawthorn",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Meadowsweet",
    "Nightingale",
    "Orchard",
    "Primrose",
    "Quarry",
    "Rowan",
    "Sorrel",
    "Teasel",
    "Willowherb",
];

/// Street kinds.
pub const STREET_KINDS: &[&str] = &["Road", "Close", "Way", "Crescent", "Lane", "Drive", "Court"];

/// Town names (invented).
pub const TOWNS: &[&str] = &[
    "Dunmere",
    "Eastwick Vale",
    "Harrowby",
    "Kelsford",
    "Milbourne",
];

/// Access notes a visitor might need.
pub const ACCESS: &[&str] = &[
    "Use the side door; the front door is not used.",
    "Dog in the home: ask for it to be shut in the kitchen before entering.",
    "Flat on the second floor; the buzzer is broken, phone on arrival.",
    "Parking difficult: use the car park behind the shops.",
    "Mother prefers visits after 10:00 (night feeds).",
    "Lone-working: check in with the office before and after the visit.",
    "Interpreter needed (Urdu); book in advance.",
];

/// Known adults who are not parents or carers: relationship labels.
pub const KNOWN_ADULTS: &[&str] = &[
    "mother's partner (not the children's father)",
    "maternal grandmother",
    "lodger",
    "paternal uncle",
    "family friend who often stays",
];

/// Reasons for an opening RAG rating, by rating (green, amber, red).
pub const REASONS: [&[&str]; 3] = [
    &[
        "Universal offer; no concerns at the new birth visit.",
        "Development on track; parents engaging well.",
        "Routine review; no concerns identified.",
    ],
    &[
        "Maternal low mood; EPDS score raised at 6 weeks.",
        "Missed two development reviews; housing overcrowded.",
        "Historic domestic abuse reported by GP; family engaging.",
        "Parental substance misuse in the past; monitoring.",
    ],
    &[
        "Child protection plan: neglect; home conditions poor.",
        "Domestic abuse incident reported by police this month.",
        "Unexplained bruising referred by nursery; section 47 enquiry.",
        "Parental substance misuse and mental health concerns; child under 1.",
    ],
];

//! The "record visit" form: which questions to ask for this visit, given the answers so far, and
//! what is wrong with them. The shells re-ask the core on every change and draw what comes back.

use super::labels::{role_label, visit_kind_label};
use crate::domain::{
    Engagement, InputError, OthersPresent, Person, PersonId, PersonRole, ValidationIssue, Visit,
    VisitId, VisitKind, VisitOutcome,
};
use crate::planning::DueItem;

/// The largest number a count on the form takes (adults present, unknown adults): the steppers of
/// both apps stop there, and a larger or negative count is refused as input.
pub const MAX_COUNT: i32 = 20;

/// A count from the form, checked: 0 to [`MAX_COUNT`].
pub fn count(field: &'static str, value: i32) -> Result<u32, InputError> {
    if value < 0 {
        return Err(InputError::Invalid {
            field,
            reason: "cannot be negative",
        });
    }
    if value > MAX_COUNT {
        return Err(InputError::Invalid {
            field,
            reason: "is more than the form allows (20)",
        });
    }
    Ok(value.unsigned_abs())
}

/// The answers a practitioner has given so far, in the shape a form holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct VisitAnswers {
    /// The child was seen; `None` until the practitioner answers.
    pub child_seen: Option<bool>,
    /// Why not, when the child was not seen.
    pub not_seen_reason: Option<String>,
    /// What will be done to see the child, when they were not seen.
    pub follow_up_action: Option<String>,
    /// The child was seen alone.
    pub child_seen_alone: bool,
    /// The child was spoken to alone.
    pub child_spoken_to_alone: bool,
    /// Why the child was not seen or spoken to alone.
    pub not_alone_reason: Option<String>,
    /// The sleeping area was seen.
    pub sleeping_area_seen: bool,
    /// The practitioner has answered "who else is in the home" (an empty answer then means
    /// "nobody else", stated).
    pub others_present_answered: bool,
    /// Ids of known adults of the household who were present.
    pub known_adults_present: Vec<PersonId>,
    /// Adults present whom the practitioner does not know (0 to [`MAX_COUNT`]).
    pub unknown_adults: i32,
    /// How each unknown adult was described.
    pub unknown_adult_descriptions: Vec<String>,
    /// Adults present when the child was spoken to (0 to [`MAX_COUNT`]).
    pub adults_present_when_spoken_to: i32,
    /// How the family engaged: a code from [`VisitForm::engagement_choices`].
    pub engagement: Option<String>,
    /// Injuries observed, described.
    pub injuries_observed: Option<String>,
    /// Concerns raised.
    pub concerns: Vec<String>,
    /// Actions agreed.
    pub actions_agreed: Vec<String>,
}

impl VisitAnswers {
    /// The outcome these answers describe. Ids and codes that do not parse are input errors.
    pub fn to_outcome(&self) -> Result<VisitOutcome, InputError> {
        let child_seen = self.child_seen.ok_or(InputError::Required {
            field: "whether the child was seen",
        })?;
        let others_present = if self.others_present_answered {
            Some(OthersPresent {
                known_adults: self.known_adults_present.clone(),
                unknown_adults: count("unknown adults", self.unknown_adults)?,
                unknown_descriptions: self.unknown_adult_descriptions.clone(),
            })
        } else {
            None
        };
        let engagement = match self.engagement.as_deref() {
            None | Some("") => None,
            Some(code) => Some(Engagement::from_code(code).ok_or(InputError::Invalid {
                field: "engagement",
                reason: "not one of the choices",
            })?),
        };
        Ok(VisitOutcome {
            child_seen,
            not_seen_reason: self.not_seen_reason.clone(),
            follow_up_action: self.follow_up_action.clone(),
            child_seen_alone: self.child_seen_alone,
            child_spoken_to_alone: self.child_spoken_to_alone,
            not_alone_reason: self.not_alone_reason.clone(),
            sleeping_area_seen: self.sleeping_area_seen,
            others_present,
            adults_present_when_spoken_to: count(
                "adults present when spoken to",
                self.adults_present_when_spoken_to,
            )?,
            engagement,
            injuries_observed: self.injuries_observed.clone(),
            concerns: self.concerns.clone(),
            actions_agreed: self.actions_agreed.clone(),
        })
    }
}

/// How a question is answered, so both apps draw the same widget for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptInput {
    /// Yes or no (`VisitAnswers` bool field of the prompt's key).
    YesNo,
    /// A line of text.
    ShortText,
    /// Free text over several lines.
    LongText,
    /// A number from 0.
    Count,
    /// One of `VisitForm::engagement_choices`.
    Choice,
    /// Who else was present: known adults to tick, a count of unknown adults and how each was
    /// described, and "nobody else" as an explicit answer.
    PeoplePresent,
    /// A list of short entries (concerns, actions agreed).
    TextList,
}

/// One question on the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormPrompt {
    /// The answer it fills, a stable key (`child_seen`, `others_present`, ...), matching the
    /// `field_key` of validation messages.
    pub key: String,
    /// The question.
    pub question: String,
    /// How it is answered.
    pub input: PromptInput,
    /// Why it matters or how to answer, if anything.
    pub help: Option<String>,
    /// The record cannot be saved without it.
    pub required: bool,
    /// A requirement of this child's plan draws attention to it (e.g. "see the child alone").
    pub emphasised: bool,
    /// The messages to show under it.
    pub messages: Vec<FieldMessage>,
    /// The largest number a count on it takes ([`MAX_COUNT`] for `Count` and `PeoplePresent`,
    /// `None` otherwise): where the app's stepper stops.
    pub max_count: Option<i32>,
}

/// A known adult who may be named as present.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdultChoice {
    /// The person.
    pub person_id: PersonId,
    /// Their name.
    pub name: String,
    /// Their role, in words.
    pub role_label: String,
}

/// A choice in a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// The stable code to send back.
    pub code: String,
    /// Its words.
    pub label: String,
}

/// A validation message placed against its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMessage {
    /// The prompt's key it belongs to.
    pub field_key: String,
    /// A stable code of the rule (`others_present_required`, ...).
    pub code: String,
    /// The record cannot be saved until it is put right (otherwise a warning).
    pub blocking: bool,
    /// What to do, for the practitioner.
    pub message: String,
}

/// The form for one visit, given the answers so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitForm {
    /// The visit.
    pub visit_id: VisitId,
    /// The child's name.
    pub child_name: String,
    /// The kind of contact.
    pub kind: VisitKind,
    /// Its words.
    pub kind_label: String,
    /// A video or telephone contact: the room cannot be seen.
    pub remote: bool,
    /// The questions to show, in order.
    pub prompts: Vec<FormPrompt>,
    /// Known adults of the household who may be named as present.
    pub known_adults: Vec<AdultChoice>,
    /// The engagement choices.
    pub engagement_choices: Vec<Choice>,
    /// What is wrong with the answers, all of them (empty until answers are given); each
    /// prompt also carries its own.
    pub messages: Vec<FieldMessage>,
    /// Messages that belong to no question on the form: show them at the top.
    pub form_messages: Vec<FieldMessage>,
    /// The answers can be saved (no blocking message).
    pub can_save: bool,
}

fn prompt(key: &str, question: &str, help: Option<&str>, required: bool) -> FormPrompt {
    let input = match key {
        "child_seen" | "child_seen_alone" | "child_spoken_to_alone" | "sleeping_area_seen" => {
            PromptInput::YesNo
        }
        "not_alone_reason" => PromptInput::ShortText,
        "adults_present_when_spoken_to" => PromptInput::Count,
        "engagement" => PromptInput::Choice,
        "others_present" => PromptInput::PeoplePresent,
        "concerns" | "actions_agreed" => PromptInput::TextList,
        _ => PromptInput::LongText,
    };
    FormPrompt {
        key: key.into(),
        question: question.into(),
        input,
        help: help.map(Into::into),
        required,
        emphasised: false,
        messages: Vec::new(),
        max_count: matches!(input, PromptInput::Count | PromptInput::PeoplePresent)
            .then_some(MAX_COUNT),
    }
}

/// The stable key of a validation issue's field.
fn field_key(field: &str) -> String {
    match field {
        "others present" | "unknown adult description" | "unknown adults" => "others_present",
        "reason the child was not seen" | "reason" => "not_seen_reason",
        "follow-up action" => "follow_up_action",
        "reason not seen alone" => "not_alone_reason",
        "child seen alone" => "child_seen_alone",
        "adults present when spoken to" => "adults_present_when_spoken_to",
        "injuries observed" => "injuries_observed",
        "concerns" => "concerns",
        "actions agreed" => "actions_agreed",
        "engagement" => "engagement",
        "whether the child was seen" => "child_seen",
        _ => "form",
    }
    .into()
}

/// The message for a validation issue.
pub fn field_message(issue: &ValidationIssue) -> FieldMessage {
    FieldMessage {
        field_key: field_key(issue.field),
        code: serde_json::to_value(issue.code)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "invalid_field".into()),
        blocking: issue.severity == crate::domain::Severity::Error,
        message: issue.message.clone(),
    }
}

/// The message for answers that could not be read at all.
pub fn input_message(e: &InputError) -> FieldMessage {
    let field = match e {
        InputError::Required { field }
        | InputError::TooLong { field, .. }
        | InputError::Invalid { field, .. } => field,
    };
    FieldMessage {
        field_key: field_key(field),
        code: "invalid_field".into(),
        blocking: true,
        message: e.to_string(),
    }
}

impl VisitForm {
    /// The form for `visit` to `child`, with the household's `people`, what the child is `due`,
    /// and the `messages` for the answers so far.
    pub fn build(
        visit: &Visit,
        child: &Person,
        people: &[Person],
        due: &[DueItem],
        answers: Option<&VisitAnswers>,
        messages: Vec<FieldMessage>,
    ) -> Self {
        let remote = visit.kind.is_remote();
        let see_alone = due.iter().any(|d| d.see_alone);
        let see_bedroom = due.iter().any(|d| d.see_bedroom);
        let mut prompts = vec![prompt(
            "child_seen",
            if remote {
                "Did you see the child on the call?"
            } else {
                "Did you see the child?"
            },
            None,
            true,
        )];
        let not_seen = answers.is_some_and(|a| a.child_seen == Some(false));
        if not_seen {
            prompts.push(prompt(
                "not_seen_reason",
                "Why was the child not seen?",
                None,
                true,
            ));
            prompts.push(prompt(
                "follow_up_action",
                "What will you do to see the child, and by when?",
                None,
                true,
            ));
        } else {
            let mut alone = prompt(
                "child_seen_alone",
                "Did you see the child alone?",
                Some("Seeing and speaking to the child alone is how their voice is heard."),
                false,
            );
            alone.emphasised = see_alone;
            prompts.push(alone);
            let mut spoken = prompt(
                "child_spoken_to_alone",
                "Did you speak to the child alone?",
                None,
                false,
            );
            spoken.emphasised = see_alone;
            prompts.push(spoken);
            prompts.push(prompt(
                "not_alone_reason",
                "If not alone, why not?",
                None,
                false,
            ));
            prompts.push(prompt(
                "adults_present_when_spoken_to",
                "How many adults were present when you spoke to the child?",
                None,
                false,
            ));
        }
        prompts.push(prompt(
            "others_present",
            "Who else is in the home?",
            Some(if remote {
                "You cannot see the room on a call: ask who is there. Record 'nobody else' only \
                 if you are satisfied that is true."
            } else {
                "Name every adult you saw or heard, known or not. Ask about anyone else living \
                 in or visiting the home."
            }),
            remote,
        ));
        if visit.kind.is_home() && !not_seen {
            let mut bedroom = prompt(
                "sleeping_area_seen",
                "Did you see where the child sleeps?",
                None,
                false,
            );
            bedroom.emphasised = see_bedroom;
            prompts.push(bedroom);
        }
        prompts.push(prompt(
            "engagement",
            "How did the family engage?",
            None,
            false,
        ));
        prompts.push(prompt(
            "injuries_observed",
            "Any injuries or marks observed?",
            Some("Describe what you saw, where on the body, and any explanation given."),
            false,
        ));
        prompts.push(prompt("concerns", "Concerns", None, false));
        prompts.push(prompt("actions_agreed", "Actions agreed", None, false));
        let known_adults = people
            .iter()
            .filter(|p| matches!(p.role, PersonRole::ParentCarer | PersonRole::KnownAdult))
            .map(|p| AdultChoice {
                person_id: p.id,
                name: p.name.clone(),
                role_label: role_label(p.role).into(),
            })
            .collect();
        let engagement_choices = [
            (Engagement::Good, "Engaged well"),
            (Engagement::Partial, "Engaged in part"),
            (Engagement::Poor, "Did not engage"),
        ]
        .into_iter()
        .map(|(e, label)| Choice {
            code: e.code().into(),
            label: label.into(),
        })
        .collect();
        let can_save = answers.is_some() && !messages.iter().any(|m| m.blocking);
        for p in &mut prompts {
            p.messages = messages
                .iter()
                .filter(|m| m.field_key == p.key)
                .cloned()
                .collect();
        }
        let form_messages = messages
            .iter()
            .filter(|m| !prompts.iter().any(|p| p.key == m.field_key))
            .cloned()
            .collect();
        Self {
            visit_id: visit.id,
            child_name: child.name.clone(),
            kind: visit.kind,
            kind_label: visit_kind_label(visit.kind).into(),
            remote,
            prompts,
            known_adults,
            engagement_choices,
            messages,
            form_messages,
            can_save,
        }
    }
}

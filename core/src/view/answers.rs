//! One answer at a time: what a form widget reads from and writes to [`VisitAnswers`] for a
//! prompt's key, so neither app holds its own map of keys to fields.

use super::visit_form::{count, VisitAnswers};
use crate::domain::{InputError, PersonId};

/// One answer, in the shape of the prompt's [`super::PromptInput`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// A yes/no question.
    YesNo {
        /// The answer.
        value: bool,
    },
    /// Text; blank means not answered.
    Text {
        /// The text.
        value: String,
    },
    /// A number from 0.
    Count {
        /// The number (0 to [`super::MAX_COUNT`]; anything else is refused).
        value: i32,
    },
    /// A choice's code; `None` for none.
    Choice {
        /// The code.
        code: Option<String>,
    },
    /// Who else was present. Giving it, even empty ("nobody else"), records that it was asked.
    PeoplePresent {
        /// Known adults of the household who were present.
        known_adult_ids: Vec<PersonId>,
        /// Adults present whom the practitioner does not know (0 to [`super::MAX_COUNT`]).
        unknown_adults: i32,
        /// How each unknown adult was described.
        unknown_descriptions: Vec<String>,
    },
    /// The lines of a list.
    TextList {
        /// The lines.
        values: Vec<String>,
    },
}

fn text(v: &Option<String>) -> Option<Answer> {
    Some(Answer::Text {
        value: v.clone().unwrap_or_default(),
    })
}

fn non_blank(value: String) -> Option<String> {
    (!value.trim().is_empty()).then_some(value)
}

impl VisitAnswers {
    /// The current answer to the prompt `key`; `None` when not answered yet or not a prompt.
    pub fn answer(&self, key: &str) -> Option<Answer> {
        let yes_no = |value: bool| Some(Answer::YesNo { value });
        match key {
            "child_seen" => self.child_seen.map(|value| Answer::YesNo { value }),
            "child_seen_alone" => yes_no(self.child_seen_alone),
            "child_spoken_to_alone" => yes_no(self.child_spoken_to_alone),
            "sleeping_area_seen" => yes_no(self.sleeping_area_seen),
            "not_seen_reason" => text(&self.not_seen_reason),
            "follow_up_action" => text(&self.follow_up_action),
            "not_alone_reason" => text(&self.not_alone_reason),
            "injuries_observed" => text(&self.injuries_observed),
            "adults_present_when_spoken_to" => Some(Answer::Count {
                value: self.adults_present_when_spoken_to,
            }),
            "engagement" => Some(Answer::Choice {
                code: self.engagement.clone(),
            }),
            "others_present" => self.others_present_answered.then(|| Answer::PeoplePresent {
                known_adult_ids: self.known_adults_present.clone(),
                unknown_adults: self.unknown_adults,
                unknown_descriptions: self.unknown_adult_descriptions.clone(),
            }),
            "concerns" => Some(Answer::TextList {
                values: self.concerns.clone(),
            }),
            "actions_agreed" => Some(Answer::TextList {
                values: self.actions_agreed.clone(),
            }),
            _ => None,
        }
    }

    /// These answers with the prompt `key` answered `answer`. An answer of the wrong shape for
    /// the prompt, or an unknown key, is an input error (nothing changes).
    pub fn with_answer(&self, key: &str, answer: Answer) -> Result<VisitAnswers, InputError> {
        let mut a = self.clone();
        match (key, answer) {
            ("child_seen", Answer::YesNo { value }) => a.child_seen = Some(value),
            ("child_seen_alone", Answer::YesNo { value }) => a.child_seen_alone = value,
            ("child_spoken_to_alone", Answer::YesNo { value }) => a.child_spoken_to_alone = value,
            ("sleeping_area_seen", Answer::YesNo { value }) => a.sleeping_area_seen = value,
            ("not_seen_reason", Answer::Text { value }) => a.not_seen_reason = non_blank(value),
            ("follow_up_action", Answer::Text { value }) => a.follow_up_action = non_blank(value),
            ("not_alone_reason", Answer::Text { value }) => a.not_alone_reason = non_blank(value),
            ("injuries_observed", Answer::Text { value }) => a.injuries_observed = non_blank(value),
            ("adults_present_when_spoken_to", Answer::Count { value }) => {
                count("adults present when spoken to", value)?;
                a.adults_present_when_spoken_to = value
            }
            ("engagement", Answer::Choice { code }) => a.engagement = code,
            (
                "others_present",
                Answer::PeoplePresent {
                    known_adult_ids,
                    unknown_adults,
                    unknown_descriptions,
                },
            ) => {
                count("unknown adults", unknown_adults)?;
                a.others_present_answered = true;
                a.known_adults_present = known_adult_ids;
                a.unknown_adults = unknown_adults;
                a.unknown_adult_descriptions = unknown_descriptions;
            }
            ("concerns", Answer::TextList { values }) => a.concerns = values,
            ("actions_agreed", Answer::TextList { values }) => a.actions_agreed = values,
            _ => {
                return Err(InputError::Invalid {
                    field: "answer",
                    reason: "not an answer to that question",
                })
            }
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::view::MAX_COUNT;

    #[test]
    fn answers_round_trip_by_key_and_refuse_the_wrong_shape() {
        let a = VisitAnswers::default();
        assert_eq!(a.answer("child_seen"), None);
        assert_eq!(a.answer("others_present"), None);
        let a = a
            .with_answer("child_seen", Answer::YesNo { value: false })
            .unwrap()
            .with_answer(
                "others_present",
                Answer::PeoplePresent {
                    known_adult_ids: vec![],
                    unknown_adults: 0,
                    unknown_descriptions: vec![],
                },
            )
            .unwrap()
            .with_answer("not_seen_reason", Answer::Text { value: "  ".into() })
            .unwrap();
        assert_eq!(a.child_seen, Some(false));
        assert!(a.others_present_answered);
        assert_eq!(a.not_seen_reason, None);
        assert_eq!(a.answer("child_seen"), Some(Answer::YesNo { value: false }));
        assert!(a
            .with_answer("child_seen", Answer::Count { value: 1 })
            .is_err());
        assert!(a
            .with_answer("no_such", Answer::Count { value: 1 })
            .is_err());
    }

    #[test]
    fn counts_run_from_zero_to_the_forms_limit_and_nothing_else_gets_in() {
        let a = VisitAnswers::default();
        let key = "adults_present_when_spoken_to";
        for ok in [0, 1, MAX_COUNT] {
            let b = a.with_answer(key, Answer::Count { value: ok }).unwrap();
            assert_eq!(b.answer(key), Some(Answer::Count { value: ok }));
        }
        for bad in [-1, i32::MIN, MAX_COUNT + 1, i32::MAX] {
            let e = a
                .with_answer(key, Answer::Count { value: bad })
                .unwrap_err();
            assert!(
                e.to_string().starts_with("adults present when spoken to:"),
                "{e}"
            );
            let e = a
                .with_answer(
                    "others_present",
                    Answer::PeoplePresent {
                        known_adult_ids: vec![],
                        unknown_adults: bad,
                        unknown_descriptions: vec![],
                    },
                )
                .unwrap_err();
            assert!(e.to_string().starts_with("unknown adults:"), "{e}");
            // Answers built by hand are checked again when they become a record.
            let by_hand = VisitAnswers {
                child_seen: Some(true),
                others_present_answered: true,
                unknown_adults: bad,
                ..VisitAnswers::default()
            };
            assert!(by_hand.to_outcome().is_err());
            let by_hand = VisitAnswers {
                child_seen: Some(true),
                adults_present_when_spoken_to: bad,
                ..VisitAnswers::default()
            };
            assert!(by_hand.to_outcome().is_err());
        }
    }
}

//! The last check on every piece of free text before it goes into a family's copy: text the
//! practitioner marked for sharing is still withheld if it mentions an internal rating, an
//! unannounced visit, or another adult.

use super::WithheldReason;

/// Lower-case words of a text (letters and digits; everything else separates).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `needle` (a sequence of words) occurs in `hay` as whole words.
fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

const RATING_COLOURS: [&str; 3] = ["red", "amber", "green"];
const RATING_WORDS: [&str; 4] = ["rating", "rated", "rag", "status"];

fn mentions_rating(w: &[String]) -> bool {
    w.iter().any(|x| x == "rag" || x == "rags")
        || w.windows(2).any(|p| {
            RATING_COLOURS.contains(&p[0].as_str()) && RATING_WORDS.contains(&p[1].as_str())
        })
}

fn mentions_unannounced(text: &str, w: &[String]) -> bool {
    let squashed: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    squashed.contains("unannounced")
        || contains_words(w, &words("without notice"))
        || contains_words(w, &words("surprise visit"))
        || contains_words(w, &words("spot check"))
}

/// People the copy must not mention: other adults' names (full names and first names) and the
/// descriptions recorded of adults the practitioner did not know.
#[derive(Debug, Default)]
pub(crate) struct OtherAdults {
    names: Vec<Vec<String>>,
}

impl OtherAdults {
    /// Adds an adult's name: the full name and its first word are both withheld.
    pub(crate) fn add_name(&mut self, name: &str) {
        let w = words(name);
        if let Some(first) = w.first() {
            self.names.push(vec![first.clone()]);
        }
        if w.len() > 1 {
            self.names.push(w);
        }
    }

    /// Adds a description of an unknown adult ("man introduced as a friend"): withheld as a phrase.
    pub(crate) fn add_description(&mut self, description: &str) {
        let w = words(description);
        if !w.is_empty() {
            self.names.push(w);
        }
    }

    fn mentioned_in(&self, w: &[String]) -> bool {
        self.names.iter().any(|n| contains_words(w, n))
    }
}

/// Why a text marked for sharing must still be withheld, if it must.
pub(crate) fn withhold(text: &str, others: &OtherAdults) -> Option<WithheldReason> {
    let w = words(text);
    if mentions_rating(&w) {
        Some(WithheldReason::InternalRating)
    } else if mentions_unannounced(text, &w) {
        Some(WithheldReason::UnannouncedPlan)
    } else if others.mentioned_in(&w) {
        Some(WithheldReason::OtherAdult)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_caught_in_their_usual_spellings() {
        let none = OtherAdults::default();
        for t in [
            "RAG is red",
            "rated Red-rating now",
            "amber status agreed",
            "moved to GREEN rating",
        ] {
            assert_eq!(
                withhold(t, &none),
                Some(WithheldReason::InternalRating),
                "{t}"
            );
        }
        assert_eq!(withhold("We talked about the red cot.", &none), None);
    }

    #[test]
    fn unannounced_visits_are_caught_however_written() {
        let none = OtherAdults::default();
        for t in [
            "Next: unannounced visit",
            "an UN-ANNOUNCED call",
            "will come without notice",
            "a spot check next week",
        ] {
            assert_eq!(
                withhold(t, &none),
                Some(WithheldReason::UnannouncedPlan),
                "{t}"
            );
        }
        assert_eq!(withhold("We announced the new clinic times.", &none), None);
    }

    #[test]
    fn other_adults_are_caught_by_first_name_full_name_or_description() {
        let mut o = OtherAdults::default();
        o.add_name("Darren Cole");
        o.add_description("man introduced as a friend");
        assert_eq!(
            withhold("darren was there", &o),
            Some(WithheldReason::OtherAdult)
        );
        assert_eq!(
            withhold("Spoke with Darren  Cole.", &o),
            Some(WithheldReason::OtherAdult)
        );
        assert_eq!(
            withhold("A man, introduced as a friend, left.", &o),
            Some(WithheldReason::OtherAdult)
        );
        assert_eq!(withhold("Darrenby Road clinic", &o), None);
    }
}

//! What is stored in the clear tells nothing: simple classifiers are trained on every clear column
//! of one generated store and tested on another (a thief learns from stores he has labelled and
//! applies it to the phone he holds). For each safeguarding fact — a visit's status, a concern or
//! injury recorded, a significant note, a red RAG rating, a queued change that carries any of
//! them — every classifier's accuracy on the second store must stay within [`MARGIN`] of the base
//! rate (always guessing the more common answer).
//!
//! Features, per row: the sealed body's length (the "file size" of a record or a queued change),
//! the version, key id and format, the row's rank in insertion order, whether it has a day tag,
//! and how many rows share its day tag, its parent or (queued changes) its household column, the
//! queued change's lane, state, attempts and target length. The raw random ids, parents, tags and
//! household values are keyed per store and mean nothing in another store, so they enter only
//! through those group sizes.
//!
//! Classifiers: majority by value (each feature alone), the best threshold on each numeric
//! feature, and nearest centroid over all the features standardised. A second test does the same
//! with whole stores' file sizes.

use doorstep_core::domain::{
    NewCase, NewHousehold, NewPerson, NewVisit, PersonRole, PlanType, Rag, UnsuccessfulVisit,
    VisitKind, VisitOutcome,
};
use doorstep_core::Store;
use doorstep_tests::rng::Rng;
use doorstep_tests::stores;
use std::collections::HashMap;
use std::path::Path;

/// How far above the base rate a classifier may score (sampling noise on a few hundred rows is
/// about 0.03; a column that told the fact would score near 1.0).
const MARGIN: f64 = 0.10;
const HOUSEHOLDS: usize = 60;

/// One row's features and its hidden facts.
#[derive(Debug, Clone)]
struct Row {
    features: Vec<f64>,
    facts: HashMap<&'static str, bool>,
}

/// What generation knows about each record and each household, by record id.
#[derive(Default)]
struct Truth {
    records: HashMap<Vec<u8>, HashMap<&'static str, bool>>,
    /// The last outbox `seq` after each household's actions, and whether the household had a
    /// concern, an injury or a significant note.
    households: Vec<(i64, bool)>,
}

fn max_seq(dir: &Path) -> i64 {
    stores::raw_db(dir)
        .query_row("SELECT coalesce(max(seq), 0) FROM outbox", [], |r| r.get(0))
        .unwrap()
}

/// A store of `HOUSEHOLDS` families, every one with the same activity (so that counts of changes
/// tell nothing by construction): a case whose RAG is changed once, four visits in random order —
/// one left planned, two completed (each with a concern and an injury at random), one no access or
/// declined — and two notes, significant at random.
fn generate(dir: &Path, seed: u64, households: usize, concerns: Option<bool>) -> (Store, Truth) {
    let mut rng = Rng::new(seed);
    let s =
        stores::create_with_key(dir, [3; 32], stores::practitioner("Clear Columns", None)).unwrap();
    let now = stores::clock_time();
    let mut truth = Truth::default();
    let words = |rng: &mut Rng, n: u64| -> String {
        (0..rng.range(1, n))
            .map(|i| {
                ["seen", "kitchen", "cold", "bruise", "asleep", "school"]
                    [(i as usize + rng.index(6)) % 6]
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let rags = [Rag::Green, Rag::Amber, Rag::Red];
    for n in 0..households {
        let mut flagged = false;
        let h = s
            .add_household(NewHousehold {
                address: format!("{n} Generated Road"),
                ..Default::default()
            })
            .unwrap();
        let child = s
            .add_person(NewPerson {
                household_id: h.id,
                role: PersonRole::Child,
                name: format!("Child {}", words(&mut rng, 3)),
                date_of_birth: chrono::NaiveDate::from_ymd_opt(2023, 1 + rng.index(12) as u32, 5),
                expected_date: None,
                relationship: None,
            })
            .unwrap();
        let case = s
            .open_case(NewCase {
                child_id: child.id,
                plan: PlanType::ChildInNeed,
                rag: rags[rng.index(3)],
                rag_reason: words(&mut rng, 8),
                allocated_to: None,
            })
            .unwrap();
        let rag = rags[rng.index(3)];
        s.set_rag(case.id, rag, &words(&mut rng, 8)).unwrap();
        truth.records.insert(
            case.id.bytes().to_vec(),
            HashMap::from([("red RAG", rag == Rag::Red)]),
        );
        let mut plan = [0usize, 1, 1, 2];
        for i in (1..plan.len()).rev() {
            plan.swap(i, rng.index(i + 1));
        }
        for what in plan {
            // As many visits a day before today as after (a plan as busy as the past): a day
            // tag shows how many visits share a day, and nothing else.
            let at = if what == 0 {
                now + chrono::Duration::hours(rng.range(1, 24 * 30) as i64)
            } else {
                now - chrono::Duration::hours(rng.range(1, 24 * 90) as i64)
            };
            let v = s
                .plan_visit(NewVisit {
                    case_id: case.id,
                    kind: VisitKind::AnnouncedHome,
                    planned_for: at,
                    expected_minutes: 45,
                    departure_reason: None,
                })
                .unwrap();
            let (mut concern, mut injury) = (false, false);
            match what {
                1 => {
                    s.start_visit(v.id).unwrap();
                    concern = concerns.unwrap_or(rng.index(5) == 0);
                    injury = concerns.unwrap_or(rng.index(10) == 0);
                    s.complete_visit(
                        v.id,
                        VisitOutcome {
                            child_seen: true,
                            child_seen_alone: true,
                            child_spoken_to_alone: true,
                            sleeping_area_seen: true,
                            concerns: if concern {
                                vec![words(&mut rng, 12)]
                            } else {
                                vec![]
                            },
                            injuries_observed: injury.then(|| words(&mut rng, 8)),
                            actions_agreed: vec![words(&mut rng, 10)],
                            ..Default::default()
                        },
                    )
                    .unwrap();
                }
                2 => {
                    let u = UnsuccessfulVisit {
                        reason: words(&mut rng, 8),
                        follow_up_action: words(&mut rng, 8),
                    };
                    if rng.index(2) == 0 {
                        s.record_no_access(v.id, u).unwrap();
                    } else {
                        s.record_declined(v.id, u).unwrap();
                    }
                }
                _ => {}
            }
            flagged |= concern || injury;
            truth.records.insert(
                v.id.bytes().to_vec(),
                HashMap::from([
                    ("completed", what == 1),
                    ("still planned", what == 0),
                    ("concern or injury", concern || injury),
                ]),
            );
        }
        for _ in 0..2 {
            let significant = rng.index(6) == 0;
            let note = s
                .add_note(case.id, &words(&mut rng, 40), significant)
                .unwrap();
            flagged |= significant;
            truth.records.insert(
                note.id.bytes().to_vec(),
                HashMap::from([("significant note", significant)]),
            );
        }
        truth.households.push((max_seq(dir), flagged));
    }
    (s, truth)
}

/// How many of `values` are equal to each value.
fn counts(values: &[Option<Vec<u8>>]) -> HashMap<Option<Vec<u8>>, usize> {
    let mut out = HashMap::new();
    for v in values {
        *out.entry(v.clone()).or_insert(0) += 1;
    }
    out
}

/// Every record row's features, with its facts.
fn record_rows(dir: &Path, truth: &Truth) -> Vec<Row> {
    let c = stores::raw_db(dir);
    let mut stmt = c
        .prepare(
            "SELECT id, parent, tag, key_id, format, version, length(body), seq FROM records \
             ORDER BY seq",
        )
        .unwrap();
    type Raw = (
        Vec<u8>,
        Option<Vec<u8>>,
        Option<Vec<u8>>,
        i64,
        i64,
        i64,
        i64,
        i64,
    );
    let raw: Vec<Raw> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let parents = counts(&raw.iter().map(|r| r.1.clone()).collect::<Vec<_>>());
    let tags = counts(&raw.iter().map(|r| r.2.clone()).collect::<Vec<_>>());
    let n = raw.len() as f64;
    raw.iter()
        .enumerate()
        .filter_map(
            |(rank, (id, parent, tag, key_id, format, version, len, _))| {
                let facts = truth.records.get(id)?.clone();
                Some(Row {
                    features: vec![
                        *len as f64,
                        *version as f64,
                        *key_id as f64,
                        *format as f64,
                        rank as f64 / n,
                        f64::from(u8::from(tag.is_some())),
                        tags[tag] as f64,
                        parents[parent] as f64,
                    ],
                    facts,
                })
            },
        )
        .collect()
}

/// Every queued change's features, with whether its household had a concern, an injury or a
/// significant note.
fn queue_rows(dir: &Path, truth: &Truth) -> Vec<Row> {
    let c = stores::raw_db(dir);
    let mut stmt = c
        .prepare(
            "SELECT seq, household, lane, parked, attempts, length(body), length(target) \
             FROM outbox ORDER BY seq",
        )
        .unwrap();
    type Raw = (i64, Vec<u8>, i64, i64, i64, i64, Option<i64>);
    let raw: Vec<Raw> = stmt
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let households = counts(&raw.iter().map(|r| Some(r.1.clone())).collect::<Vec<_>>());
    let n = raw.len() as f64;
    raw.iter()
        .enumerate()
        .filter_map(
            |(rank, (seq, household, lane, parked, attempts, len, target))| {
                // Rows queued while setting the store up (before the first household) have no truth.
                let flagged = truth.households.iter().find(|(last, _)| seq <= last)?.1;
                Some(Row {
                    features: vec![
                        *len as f64,
                        *lane as f64,
                        *parked as f64,
                        *attempts as f64,
                        target.unwrap_or(0) as f64,
                        rank as f64 / n,
                        households[&Some(household.clone())] as f64,
                    ],
                    facts: HashMap::from([("household with a concern", flagged)]),
                })
            },
        )
        .collect()
}

fn base_rate(labels: &[bool]) -> f64 {
    let yes = labels.iter().filter(|l| **l).count() as f64;
    let n = labels.len() as f64;
    (yes / n).max(1.0 - yes / n)
}

fn majority(labels: &[bool]) -> bool {
    labels.iter().filter(|l| **l).count() * 2 >= labels.len()
}

fn accuracy(predicted: &[bool], labels: &[bool]) -> f64 {
    predicted.iter().zip(labels).filter(|(p, l)| p == l).count() as f64 / labels.len() as f64
}

/// Majority by value of one feature.
fn by_value(train: &[(Vec<f64>, bool)], test: &[(Vec<f64>, bool)], f: usize) -> Vec<bool> {
    let mut seen: HashMap<u64, (usize, usize)> = HashMap::new();
    for (x, y) in train {
        let e = seen.entry(x[f].to_bits()).or_default();
        if *y {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    let default = majority(&train.iter().map(|t| t.1).collect::<Vec<_>>());
    test.iter()
        .map(|(x, _)| {
            seen.get(&x[f].to_bits())
                .map_or(default, |(yes, no)| yes > no)
        })
        .collect()
}

/// The best threshold on one feature (either direction), chosen on the training store.
fn threshold(train: &[(Vec<f64>, bool)], test: &[(Vec<f64>, bool)], f: usize) -> Vec<bool> {
    let labels: Vec<bool> = train.iter().map(|t| t.1).collect();
    let mut cuts: Vec<f64> = train.iter().map(|t| t.0[f]).collect();
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut best = (0.0, f64::INFINITY, true);
    for cut in cuts {
        for above in [true, false] {
            let predicted: Vec<bool> = train.iter().map(|t| (t.0[f] >= cut) == above).collect();
            let a = accuracy(&predicted, &labels);
            if a > best.0 {
                best = (a, cut, above);
            }
        }
    }
    test.iter().map(|t| (t.0[f] >= best.1) == best.2).collect()
}

/// Nearest centroid over every feature, standardised on the training store.
fn nearest_centroid(train: &[(Vec<f64>, bool)], test: &[(Vec<f64>, bool)]) -> Vec<bool> {
    let d = train[0].0.len();
    let n = train.len() as f64;
    let mean: Vec<f64> = (0..d)
        .map(|i| train.iter().map(|t| t.0[i]).sum::<f64>() / n)
        .collect();
    let sd: Vec<f64> = (0..d)
        .map(|i| {
            let v = train
                .iter()
                .map(|t| (t.0[i] - mean[i]).powi(2))
                .sum::<f64>()
                / n;
            if v > 0.0 {
                v.sqrt()
            } else {
                1.0
            }
        })
        .collect();
    let z = |x: &[f64]| -> Vec<f64> { (0..d).map(|i| (x[i] - mean[i]) / sd[i]).collect() };
    let centroid = |label: bool| -> Option<Vec<f64>> {
        let members: Vec<Vec<f64>> = train
            .iter()
            .filter(|t| t.1 == label)
            .map(|t| z(&t.0))
            .collect();
        (!members.is_empty()).then(|| {
            (0..d)
                .map(|i| members.iter().map(|m| m[i]).sum::<f64>() / members.len() as f64)
                .collect()
        })
    };
    let (Some(yes), Some(no)) = (centroid(true), centroid(false)) else {
        return vec![majority(&train.iter().map(|t| t.1).collect::<Vec<_>>()); test.len()];
    };
    let dist = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>();
    test.iter()
        .map(|t| {
            let x = z(&t.0);
            dist(&x, &yes) < dist(&x, &no)
        })
        .collect()
}

/// Trains every classifier for `fact` on `train` and tests it on `test`; returns the failures.
fn attack(fact: &str, train: &[Row], test: &[Row], names: &[&str]) -> Vec<String> {
    let pick = |rows: &[Row]| -> Vec<(Vec<f64>, bool)> {
        rows.iter()
            .filter_map(|r| r.facts.get(fact).map(|y| (r.features.clone(), *y)))
            .collect()
    };
    let (tr, te) = (pick(train), pick(test));
    assert!(tr.len() >= 50 && te.len() >= 50, "{fact}: too few rows");
    let labels: Vec<bool> = te.iter().map(|t| t.1).collect();
    let base = base_rate(&labels);
    let mut failures = Vec::new();
    let mut check = |name: String, predicted: Vec<bool>| {
        let a = accuracy(&predicted, &labels);
        eprintln!(
            "{fact:>26}: {name:<28} {a:.3} (base rate {base:.3}, {} rows)",
            te.len()
        );
        if a > base + MARGIN {
            failures.push(format!(
                "{fact}: {name} scores {a:.3} against a base rate of {base:.3}"
            ));
        }
    };
    for (f, feature) in names.iter().enumerate() {
        check(format!("by value of {feature}"), by_value(&tr, &te, f));
        check(format!("threshold on {feature}"), threshold(&tr, &te, f));
    }
    check("nearest centroid".into(), nearest_centroid(&tr, &te));
    failures
}

#[test]
fn no_clear_column_tells_a_safeguarding_fact_better_than_chance() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("train"), tmp.path().join("test"));
    let (sa, ta) = generate(&a, 0xc1ea5, HOUSEHOLDS, None);
    let (sb, tb) = generate(&b, 0x7e57, HOUSEHOLDS, None);
    drop((sa, sb));
    stores::checkpoint(&a);
    stores::checkpoint(&b);
    let record_features = [
        "body length",
        "version",
        "key id",
        "format",
        "insertion rank",
        "has a day tag",
        "rows sharing its day tag",
        "rows sharing its parent",
    ];
    let queue_features = [
        "body length",
        "lane",
        "state",
        "attempts",
        "target length",
        "insertion rank",
        "rows sharing its household",
    ];
    let (ra, rb) = (record_rows(&a, &ta), record_rows(&b, &tb));
    let (qa, qb) = (queue_rows(&a, &ta), queue_rows(&b, &tb));
    let mut failures = Vec::new();
    for fact in [
        "completed",
        "still planned",
        "concern or injury",
        "significant note",
        "red RAG",
    ] {
        failures.extend(attack(fact, &ra, &rb, &record_features));
    }
    failures.extend(attack(
        "household with a concern",
        &qa,
        &qb,
        &queue_features,
    ));
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The size of every file in a store directory, after a checkpoint (as a copy would be taken).
fn file_sizes(dir: &Path) -> f64 {
    stores::checkpoint(dir);
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len() as f64)
        .sum()
}

#[test]
fn a_stores_file_sizes_do_not_tell_how_many_concerns_it_holds() {
    // Stores of forty families each, with the same activity; half of them (alternately) with a
    // concern and an injury recorded at every completed visit, half with none. Classifiers on the files' total
    // size, trained on 12 stores and tested on 12 others, must stay within 0.25 of the base rate
    // (one store in twelve is 0.083 of accuracy).
    let tmp = tempfile::tempdir().unwrap();
    let mut rows: Vec<(Vec<f64>, bool)> = Vec::new();
    for i in 0..24u64 {
        let dir = tmp.path().join(format!("s{i}"));
        let concerns = i % 2 == 0;
        let (s, _) = generate(&dir, 0x5123 + i, 40, Some(concerns));
        drop(s);
        rows.push((vec![file_sizes(&dir)], concerns));
    }
    let (train, test) = rows.split_at(12);
    let labels: Vec<bool> = test.iter().map(|t| t.1).collect();
    let base = base_rate(&labels);
    for (name, predicted) in [
        ("by value of file size", by_value(train, test, 0)),
        ("threshold on file size", threshold(train, test, 0)),
    ] {
        let a = accuracy(&predicted, &labels);
        eprintln!("store with concerns: {name} {a:.3} (base rate {base:.3})");
        assert!(a <= base + 0.25, "{name}: {a:.3} against {base:.3}");
    }
}

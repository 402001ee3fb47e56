//! Meta-tests on the rule fixtures under `testdata/rules/<CODE>/<case>/` (see
//! `tests/support/fixtures.rs`): every rule has its fixture folder with a passing and a failing
//! case, every failing case has its snapshot, and every folder names a rule.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{file_name, fixtures, root, Fixture};
use std::path::PathBuf;
use tf_elbcheck::checks::{checks, registry};
use tf_elbcheck::diagnostic::{Rule, Severity};

/// The rules that need fixtures: every rule with a check, and the notes of the registry that
/// are not load codes (`TF*`): ELB900, which the checks give for undecided requirements.
fn rules_with_fixtures() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = checks().map(|c| c.rule).collect();
    for rule in registry() {
        if rule.severity == Severity::Note && !rule.code.starts_with("TF") && !rules.contains(rule)
        {
            rules.push(rule);
        }
    }
    rules
}

#[test]
fn the_rules_with_fixtures_are_the_checks_and_elb900() {
    let codes: Vec<&str> = rules_with_fixtures().iter().map(|r| r.code).collect();
    assert!(codes.contains(&"ELB900"), "{codes:?}");
    assert!(codes.contains(&"ELB004"), "{codes:?}");
    assert!(!codes.iter().any(|c| c.starts_with("TF")), "{codes:?}");
}

#[test]
fn every_rule_has_passing_and_failing_fixtures() {
    let all = fixtures();
    let mut failures = Vec::new();
    for rule in rules_with_fixtures() {
        if !root().join(rule.code).is_dir() {
            failures.push(format!(
                "{}: no folder testdata/rules/{}/",
                rule.code, rule.code
            ));
            continue;
        }
        let mine: Vec<&Fixture> = all.iter().filter(|f| f.code == rule.code).collect();
        if !mine.iter().any(|f| !f.own_markers().is_empty()) {
            failures.push(format!("{}: no failing case", rule.code));
        }
        if !mine.iter().any(|f| f.own_markers().is_empty()) {
            failures.push(format!("{}: no passing case", rule.code));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A `fail*` case expects findings of its rule and a `pass*` case none, so that the name says
/// which cases are snapshotted.
#[test]
fn cases_are_named_for_what_they_expect() {
    let mut failures = Vec::new();
    for fx in fixtures() {
        let expects = !fx.own_markers().is_empty();
        if fx.is_fail() && !expects {
            failures.push(format!(
                "{}: a fail* case without `# expect: {}`",
                fx.test_name(),
                fx.code
            ));
        } else if fx.name.starts_with("pass") && expects {
            failures.push(format!(
                "{}: a pass* case with `# expect: {}`",
                fx.test_name(),
                fx.code
            ));
        } else if !fx.is_fail() && !fx.name.starts_with("pass") {
            failures.push(format!("{}: named neither fail* nor pass*", fx.test_name()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_failing_case_has_its_snapshot() {
    let missing: Vec<PathBuf> = fixtures()
        .iter()
        .filter(|f| f.is_fail() && !f.snapshot().is_file())
        .map(Fixture::snapshot)
        .collect();
    assert!(
        missing.is_empty(),
        "missing snapshots (record them with `INSTA_UPDATE=always cargo test --test rules` and \
         review them): {missing:?}"
    );
}

/// No snapshot is left over: every `.snap` file (or pending `.snap.new`) under testdata/rules is
/// the snapshot of a failing case.
#[test]
fn every_snapshot_belongs_to_a_failing_case() {
    let wanted: Vec<PathBuf> = fixtures()
        .iter()
        .filter(|f| f.is_fail())
        .map(Fixture::snapshot)
        .collect();
    let mut stray = Vec::new();
    let mut stack = vec![root()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let name = file_name(&p);
            if p.is_dir() {
                stack.push(p);
            } else if (name.ends_with(".snap") || name.ends_with(".snap.new"))
                && !wanted.contains(&p)
            {
                stray.push(p);
            }
        }
    }
    assert!(stray.is_empty(), "snapshots of no failing case: {stray:?}");
}

#[test]
fn every_fixture_folder_names_a_rule() {
    let mut failures = Vec::new();
    for e in std::fs::read_dir(root()).unwrap() {
        let p = e.unwrap().path();
        let code = file_name(&p);
        if !p.is_dir() {
            failures.push(format!("testdata/rules/{code} is not a rule's folder"));
        } else if !registry().iter().any(|r| r.code == code) {
            failures.push(format!("testdata/rules/{code}/ names no rule"));
        } else {
            for case in std::fs::read_dir(&p).unwrap() {
                let case = case.unwrap().path();
                if !case.is_dir() {
                    failures.push(format!("{} is not a case's folder", case.display()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

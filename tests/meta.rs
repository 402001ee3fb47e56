//! Meta-tests on the rule fixtures under `testdata/rules/<CODE>/<case>/` (see
//! `tests/support/fixtures.rs`).

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{fixtures, Fixture};

#[test]
fn every_rule_has_passing_and_failing_fixtures() {
    let all = fixtures();
    for rule in tf_elbcheck::checks::registry() {
        if rule.code.starts_with("TF") || rule.code == "ELB030" {
            continue;
        }
        let mine: Vec<&Fixture> = all.iter().filter(|f| f.code == rule.code).collect();
        assert!(
            mine.iter().any(|f| !f.markers().is_empty()),
            "{} has no failing fixture",
            rule.code
        );
        assert!(
            mine.iter().any(|f| f.markers().is_empty()),
            "{} has no passing fixture",
            rule.code
        );
    }
}

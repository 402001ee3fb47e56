//! Rule fixtures, one test per fixture directory `testdata/rules/<CODE>/<case>/`, named
//! `<CODE>::<case>` (so `cargo test ELB004` runs one rule's fixtures). Each test runs only the
//! rule `<CODE>` (`Options::only`; for ELB900, every check runs and only its notes are kept):
//! its findings must start exactly on the lines marked `# expect: <CODE>`, and nothing else may
//! be reported (no load error, no bad suppression). A marker of another code is an error: it
//! would not be checked. The human output of every `fail*` case is a
//! reviewed snapshot of that rule's findings, `<CODE>.snap` beside the case's files; re-record
//! with `INSTA_UPDATE=always cargo test --test rules` and review the diff.
//!
//! `tests/pipeline.rs` runs the fixtures with every rule; `tests/meta.rs` checks that every rule
//! has its fixtures and snapshots.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{compare, fixtures, found, render, Fixture};
use libtest_mimic::{Arguments, Failed, Trial};

fn main() {
    let args = Arguments::from_args();
    let trials = fixtures()
        .into_iter()
        .map(|fx| Trial::test(fx.test_name(), move || check_fixture(&fx)))
        .collect();
    libtest_mimic::run(&args, trials).exit();
}

fn check_fixture(fx: &Fixture) -> Result<(), Failed> {
    let rule = tf_elbcheck::checks::rule(&fx.code)
        .ok_or_else(|| format!("testdata/rules/{} names no rule", fx.code))?;
    let others: Vec<_> = fx
        .markers()
        .into_iter()
        .filter(|m| m.2 != fx.code)
        .collect();
    if !others.is_empty() {
        return Err(format!(
            "{}: markers of other rules are not checked here: {others:?}",
            fx.dir.display()
        )
        .into());
    }
    let outcome = fx.run(Some(vec![rule]));
    if let Some(diff) = compare(&fx.own_markers(), &found(&outcome, &fx.dir)) {
        return Err(format!("{} with only {}:\n{diff}", fx.dir.display(), fx.code).into());
    }
    if fx.is_fail() {
        insta::with_settings!({
            snapshot_path => &fx.dir,
            prepend_module_to_snapshot => false,
        }, {
            insta::assert_snapshot!(fx.code.as_str(), render(&outcome));
        });
    }
    Ok(())
}

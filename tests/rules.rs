//! Rule fixtures: every directory under `testdata/rules/<CODE>/` is a Terraform root. Lines
//! marked `# expect: CODE[, CODE]` must produce exactly those findings, and no other finding
//! may appear. Notes (ELB023, ELB025, ELB900) are compared only in their own rule's fixtures,
//! so that other fixtures need not repeat them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tf_elbcheck::report::{self, Format, RenderOptions};
use tf_elbcheck::run::{check, Options};

const NOTE_CODES: &[&str] = &["ELB023", "ELB025", "ELB900"];

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut out = Vec::new();
    for code in std::fs::read_dir(&root).expect("testdata/rules exists") {
        let code = code.unwrap().path();
        for case in std::fs::read_dir(&code).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                out.push((
                    code.file_name().unwrap().to_string_lossy().into_owned(),
                    case,
                ));
            }
        }
    }
    out.sort();
    out
}

/// (file name, line, code) for every marker in the case's `.tf` files.
fn expected(case: &Path) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    for entry in walk(case) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let rel = entry
            .strip_prefix(case)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for (i, line) in text.lines().enumerate() {
            if let Some(pos) = line.find("# expect:") {
                for code in line[pos + 9..].split(',') {
                    out.insert((rel.clone(), i + 1, code.trim().to_string()));
                }
            }
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "tf" || x == "tfvars") {
            out.push(p);
        }
    }
    out
}

#[test]
fn rule_fixtures_produce_exactly_the_marked_findings() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected fixtures for every rule, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for (code, case) in &cases {
        let outcome = check(&Options {
            paths: vec![case.clone()],
            today: "2026-01-01".into(),
            ..Options::default()
        });
        let case_abs = std::fs::canonicalize(case).unwrap();
        let mut got = BTreeSet::new();
        for f in &outcome.findings {
            if NOTE_CODES.contains(&f.code()) && f.code() != *code {
                continue;
            }
            let file = &outcome.sources.get(f.span.file).path;
            let rel = file
                .strip_prefix(&case_abs)
                .unwrap_or(file)
                .to_string_lossy()
                .replace('\\', "/");
            let (pos, _) = outcome.sources.range(f.span);
            got.insert((rel, pos.line, f.code().to_string()));
        }
        let want = expected(case);
        if got != want {
            failures.push(format!(
                "{}:\n  missing: {:?}\n  unexpected: {:?}",
                case.display(),
                want.difference(&got).collect::<Vec<_>>(),
                got.difference(&want).collect::<Vec<_>>()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_rule_has_passing_and_failing_fixtures() {
    let cases = cases();
    for rule in tf_elbcheck::checks::registry() {
        if rule.code.starts_with("TF") || rule.code == "ELB030" {
            continue;
        }
        let mine: Vec<_> = cases.iter().filter(|(c, _)| c == rule.code).collect();
        assert!(
            mine.iter().any(|(_, p)| !expected(p).is_empty()),
            "{} has no failing fixture",
            rule.code
        );
        assert!(
            mine.iter().any(|(_, p)| expected(p).is_empty()),
            "{} has no passing fixture",
            rule.code
        );
    }
}

/// The rendered human output of every failing fixture is a reviewed snapshot, so that a change
/// in wording, labels or suggested fixes shows up in review.
#[test]
fn failing_fixtures_render_as_snapshotted() {
    for (code, case) in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if !name.starts_with("fail") {
            continue;
        }
        let outcome = check(&Options {
            paths: vec![case.clone()],
            today: "2026-01-01".into(),
            ..Options::default()
        });
        let text = report::render(
            Format::Human,
            &outcome,
            &RenderOptions {
                color: false,
                srcroot: None,
            },
        );
        insta::assert_snapshot!(format!("{code}__{name}"), text);
    }
}

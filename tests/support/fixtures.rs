//! The rule fixtures: every directory `testdata/rules/<CODE>/<case>/` is a Terraform root that
//! exercises the rule `<CODE>`. Lines marked `# expect: CODE[, CODE]` are where that rule's
//! findings start; a `fail*` case has such markers and a reviewed snapshot of its rule's
//! findings, `<CODE>.snap`, beside its files; a `pass*` case has none.
//!
//! Shared by `tests/rules.rs` (one test per fixture), `tests/pipeline.rs` (every rule at once)
//! and `tests/meta.rs` (every rule has its fixtures) through `#[path]`.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tf_elbcheck::diagnostic::Outcome;
use tf_elbcheck::diagnostic::Rule;
use tf_elbcheck::report::{self, Format, RenderOptions};
use tf_elbcheck::run::{check, Options};

/// One fixture directory.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// The folder name: the code of the rule the fixture exercises.
    pub code: String,
    /// The case's folder name (`fail_*` or `pass_*`).
    pub name: String,
    /// The case's directory (absolute).
    pub dir: PathBuf,
}

/// (file relative to the case, line, code): one expected or found finding.
pub type Marker = (String, usize, String);

/// `testdata/rules`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules")
}

/// Every fixture, sorted by code and case.
pub fn fixtures() -> Vec<Fixture> {
    let mut out = Vec::new();
    for code in std::fs::read_dir(root()).expect("testdata/rules exists") {
        let code = code.unwrap().path();
        if !code.is_dir() {
            continue;
        }
        for case in std::fs::read_dir(&code).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                out.push(Fixture {
                    code: file_name(&code),
                    name: file_name(&case),
                    dir: case,
                });
            }
        }
    }
    out.sort_by(|a, b| (&a.code, &a.name).cmp(&(&b.code, &b.name)));
    out
}

pub fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

impl Fixture {
    /// `ELB004::fail_no_ingress`: the test's name, so that `cargo test ELB004` selects a rule.
    pub fn test_name(&self) -> String {
        format!("{}::{}", self.code, self.name)
    }

    /// Whether the case is named as a failing one.
    pub fn is_fail(&self) -> bool {
        self.name.starts_with("fail")
    }

    /// Where the snapshot of a failing case lives: `<case>/<CODE>.snap`.
    pub fn snapshot(&self) -> PathBuf {
        self.dir.join(format!("{}.snap", self.code))
    }

    /// Every `# expect:` marker in the case's files, of any code.
    pub fn markers(&self) -> BTreeSet<Marker> {
        markers(&self.dir)
    }

    /// The markers of the fixture's own rule.
    pub fn own_markers(&self) -> BTreeSet<Marker> {
        self.markers()
            .into_iter()
            .filter(|m| m.2 == self.code)
            .collect()
    }

    /// Runs the tool on the case: only `only` when given, else every rule.
    pub fn run(&self, only: Option<Vec<&'static Rule>>) -> Outcome {
        check(&Options {
            paths: vec![self.dir.clone()],
            today: "2026-01-01".into(),
            only,
            ..Options::default()
        })
    }
}

/// (file name, line, code) for every marker in the `.tf` and `.tfvars` files under `case`.
pub fn markers(case: &Path) -> BTreeSet<Marker> {
    let mut out = BTreeSet::new();
    for entry in walk(case) {
        let text = std::fs::read_to_string(&entry).unwrap();
        let rel = relative(&entry, case);
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

/// (file name, line, code) for every finding of the outcome: its first line.
pub fn found(outcome: &Outcome, case: &Path) -> BTreeSet<Marker> {
    let case_abs = std::fs::canonicalize(case).unwrap();
    outcome
        .findings
        .iter()
        .map(|f| {
            let file = &outcome.sources.get(f.span.file).path;
            let (pos, _) = outcome.sources.range(f.span);
            (relative(file, &case_abs), pos.line, f.code().to_string())
        })
        .collect()
}

/// The human output, without colours or a source root, as a reviewer reads it.
pub fn render(outcome: &Outcome) -> String {
    report::render(
        Format::Human,
        outcome,
        &RenderOptions {
            color: false,
            srcroot: None,
            link_base: None,
        },
    )
}

/// `missing: …` and `unexpected: …` lines, or nothing when the two sets agree.
pub fn compare(want: &BTreeSet<Marker>, got: &BTreeSet<Marker>) -> Option<String> {
    (want != got).then(|| {
        format!(
            "missing: {:?}\nunexpected: {:?}",
            want.difference(got).collect::<Vec<_>>(),
            got.difference(want).collect::<Vec<_>>()
        )
    })
}

fn relative(file: &Path, base: &Path) -> String {
    file.strip_prefix(base)
        .unwrap_or(file)
        .to_string_lossy()
        .replace('\\', "/")
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

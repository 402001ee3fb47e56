//! Scale-test fixtures end to end: a small synthetic monorepo from the benchmark generator
//! (`tests/support/monorepo.rs`) must produce exactly its injected faults, as (root, code) pairs,
//! and nothing else; and the output must not depend on the number of threads.

#[path = "support/monorepo.rs"]
mod monorepo;

use monorepo::{generate, FaultKind, GenOptions};
use std::collections::BTreeSet;
use std::path::Path;
use tf_elbcheck::diagnostic::Outcome;
use tf_elbcheck::report::{self, Format, RenderOptions};
use tf_elbcheck::run::{check, Options};

fn run(dir: &Path, jobs: usize) -> Outcome {
    check(&Options {
        paths: vec![dir.to_path_buf()],
        jobs,
        today: "2026-01-01".into(),
        ..Options::default()
    })
}

/// (root relative to `dir`, code) of every finding.
fn reported(dir: &Path, outcome: &Outcome) -> BTreeSet<(String, String)> {
    let base = std::fs::canonicalize(dir).unwrap();
    outcome
        .findings
        .iter()
        .map(|f| {
            let file = &outcome.sources.get(f.span.file).path;
            let root = file
                .parent()
                .and_then(|p| p.strip_prefix(&base).ok())
                .map(|p| p.to_string_lossy().replace('\\', "/"))
                .unwrap_or_else(|| file.display().to_string());
            (root, f.code().to_string())
        })
        .collect()
}

/// (root, code) of every injected fault.
fn injected(generated: &monorepo::Generated) -> BTreeSet<(String, String)> {
    generated
        .faults
        .iter()
        .flat_map(|f| {
            f.kind
                .codes()
                .iter()
                .map(move |c| (f.root.clone(), c.to_string()))
        })
        .collect()
}

#[test]
fn generated_monorepo_reports_exactly_the_injected_faults() {
    let dir = tempfile::tempdir().unwrap();
    // 32 stacks with a quarter faulty: every fault kind exactly once.
    let generated = generate(
        dir.path(),
        &GenOptions {
            stacks: 32,
            fault_rate: 0.25,
            seed: 7,
            shared_module: false,
        },
    )
    .unwrap();
    assert_eq!(generated.roots.len(), 32);
    assert_eq!(generated.files, 32 * 5);
    let kinds: BTreeSet<&str> = generated.faults.iter().map(|f| f.kind.name()).collect();
    assert_eq!(
        kinds.len(),
        FaultKind::ALL.len(),
        "every fault kind is used"
    );

    let expected = injected(&generated);
    let outcome = run(dir.path(), 0);
    let got = reported(dir.path(), &outcome);
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "injected faults not reported: {missing:?}\nfindings that were not injected: {extra:?}"
    );

    // The manifest says the same as the generator.
    let manifest = std::fs::read_to_string(dir.path().join("FAULTS.txt")).unwrap();
    let listed: BTreeSet<(String, String)> = manifest
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| {
            let mut parts = l.split_whitespace();
            let root = parts.next().unwrap().to_string();
            let codes = parts.next().unwrap().to_string();
            codes
                .split(',')
                .map(|c| (root.clone(), c.to_string()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(listed, expected);
}

/// Stacks that take their tags from a shared local module report the same faults, the module
/// is no root, its tags reach the resources, and the output does not depend on threads.
#[test]
fn stacks_calling_a_shared_module_report_exactly_the_injected_faults() {
    let dir = tempfile::tempdir().unwrap();
    let generated = generate(
        dir.path(),
        &GenOptions {
            stacks: 32,
            fault_rate: 0.25,
            seed: 7,
            shared_module: true,
        },
    )
    .unwrap();
    assert_eq!(generated.files, 32 * 6 + 1);
    let expected = injected(&generated);
    let outcome = run(dir.path(), 1);
    assert_eq!(reported(dir.path(), &outcome), expected);
    let render =
        |outcome: &Outcome| report::render(Format::Json, outcome, &RenderOptions::default());
    let one = render(&outcome);
    for jobs in [2, 8] {
        assert_eq!(
            render(&run(dir.path(), jobs)),
            one,
            "-j {jobs} differs from -j 1"
        );
    }
    // The module's output is what the stacks' resources are tagged with.
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let project = tf_elbcheck::frontend::discover(
        std::slice::from_ref(&root),
        &mut tf_elbcheck::source::SourceTable::new(),
        &tf_elbcheck::frontend::Limits::default(),
        &|_| false,
    );
    assert!(!project.roots.contains(&root.join("modules/tags")));
    assert_eq!(project.roots.len(), 32);
    let eval = tf_elbcheck::eval::evaluate_root(
        &project,
        &root.join(&generated.roots[0]),
        &Default::default(),
    );
    let vpc = eval
        .resources
        .iter()
        .find(|r| &*r.rtype == "aws_vpc")
        .unwrap();
    let tags = vpc.body.get("tags").map(|a| a.value.to_string());
    assert!(
        tags.as_deref()
            .is_some_and(|t| t.contains("ManagedBy") && t.contains("terraform")),
        "{tags:?}"
    );
}

#[test]
fn output_is_the_same_for_any_number_of_threads() {
    let dir = tempfile::tempdir().unwrap();
    generate(
        dir.path(),
        &GenOptions {
            stacks: 24,
            fault_rate: 0.5,
            seed: 3,
            shared_module: false,
        },
    )
    .unwrap();
    let render = |jobs| {
        let outcome = run(dir.path(), jobs);
        report::render(Format::Json, &outcome, &RenderOptions::default())
    };
    let one = render(1);
    assert!(one.contains("ELB0"), "the faulty stacks produce findings");
    for jobs in [2, 3, 8] {
        assert_eq!(render(jobs), one, "-j {jobs} differs from -j 1");
    }
}

#[test]
fn generator_is_deterministic() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let opts = GenOptions {
        stacks: 12,
        fault_rate: 0.5,
        seed: 11,
        shared_module: false,
    };
    let ga = generate(a.path(), &opts).unwrap();
    let gb = generate(b.path(), &opts).unwrap();
    assert_eq!(ga.faults, gb.faults);
    assert_eq!(ga.bytes, gb.bytes);
    for root in &ga.roots {
        for name in [
            "variables.tf",
            "network.tf",
            "nacl.tf",
            "security.tf",
            "compute.tf",
        ] {
            let x = std::fs::read(a.path().join(root).join(name)).unwrap();
            let y = std::fs::read(b.path().join(root).join(name)).unwrap();
            assert_eq!(x, y, "{root}/{name} differs between two runs");
        }
    }
}

#[test]
fn a_called_module_that_calls_nothing_is_checked_through_its_caller_only() {
    // Such a directory is checked as a root as soon as it is parsed; once it turns out to be
    // called, those findings must go and it must be checked as `module.app` of its caller.
    let dir = tempfile::tempdir().unwrap();
    let generated = generate(
        dir.path(),
        &GenOptions {
            stacks: 4,
            fault_rate: 1.0,
            seed: 5,
            shared_module: false,
        },
    )
    .unwrap();
    let moved = &generated.faults[0];
    std::fs::create_dir_all(dir.path().join("modules")).unwrap();
    std::fs::rename(dir.path().join(&moved.root), dir.path().join("modules/app")).unwrap();
    std::fs::create_dir_all(dir.path().join("caller")).unwrap();
    std::fs::write(
        dir.path().join("caller/main.tf"),
        "module \"app\" {\n  source = \"../modules/app\"\n}\n",
    )
    .unwrap();

    let outcome = run(dir.path(), 2);
    let mut expected: BTreeSet<(String, String)> = generated.faults[1..]
        .iter()
        .flat_map(|f| {
            f.kind
                .codes()
                .iter()
                .map(move |c| (f.root.clone(), c.to_string()))
        })
        .collect();
    for c in moved.kind.codes() {
        expected.insert(("modules/app".to_string(), c.to_string()));
    }
    assert_eq!(reported(dir.path(), &outcome), expected);
    for f in &outcome.findings {
        let file = &outcome.sources.get(f.span.file).path;
        if file.to_string_lossy().contains("modules/app") {
            assert!(
                f.message.contains("module.app."),
                "a finding of the module as a root of its own was kept: {}",
                f.message
            );
        }
    }
}

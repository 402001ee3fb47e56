//! Scale-test fixtures end to end: a small synthetic monorepo from the benchmark generator
//! (`tests/support/monorepo.rs`) must produce exactly its injected faults, as (root, code, file,
//! line) tuples, and nothing else; and the output must not depend on the number of threads.
//! Classic-only trees are those the benchmarks have always measured; mixed trees add ALB, NLB
//! and ECS stacks.

#[path = "support/monorepo.rs"]
mod monorepo;

use monorepo::{generate, parse_kinds, FaultKind, GenOptions, StackKind};
use std::collections::BTreeSet;
use std::path::Path;
use tf_elbcheck::diagnostic::Outcome;
use tf_elbcheck::model::LbKind;
use tf_elbcheck::report::{self, Format, RenderOptions};
use tf_elbcheck::run::{check, Options};

/// (root, code, file in the root, line) of a finding or of an injected fault.
type Found = (String, String, String, usize);

fn run(dir: &Path, jobs: usize) -> Outcome {
    check(&Options {
        paths: vec![dir.to_path_buf()],
        jobs,
        today: "2026-01-01".into(),
        ..Options::default()
    })
}

/// (root relative to `dir`, code, file name, line) of every finding.
fn reported(dir: &Path, outcome: &Outcome) -> BTreeSet<Found> {
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
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let line = outcome.sources.range(f.span).0.line;
            (root, f.code().to_string(), name, line)
        })
        .collect()
}

/// (root, code, file, line) of every injected fault.
fn injected(generated: &monorepo::Generated) -> BTreeSet<Found> {
    generated.faults.iter().flat_map(expected_of).collect()
}

fn expected_of(f: &monorepo::Fault) -> Vec<Found> {
    assert_eq!(f.kind.codes().len(), f.at.len(), "{f:?}");
    f.kind
        .codes()
        .iter()
        .zip(&f.at)
        .map(|(c, at)| (f.root.clone(), c.to_string(), at.file.to_string(), at.line))
        .collect()
}

/// Asserts that the findings are exactly the injected faults.
fn assert_exactly(expected: &BTreeSet<Found>, got: &BTreeSet<Found>, what: &str) {
    let missing: Vec<_> = expected.difference(got).collect();
    let extra: Vec<_> = got.difference(expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: injected faults not reported: {missing:?}\nfindings that were not injected: {extra:?}"
    );
}

/// (root, code, file, line) of every line of `FAULTS.txt`.
fn manifest(dir: &Path) -> BTreeSet<Found> {
    let text = std::fs::read_to_string(dir.join("FAULTS.txt")).unwrap();
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(|l| {
            let parts: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(parts.len(), 4, "root codes kind locations: {l}");
            let root = parts[0].to_string();
            let codes: Vec<&str> = parts[1].split(',').collect();
            let at: Vec<&str> = parts[3].split(',').collect();
            assert_eq!(codes.len(), at.len(), "one location per code: {l}");
            codes
                .into_iter()
                .zip(at)
                .map(|(c, a)| {
                    let (file, line) = a.rsplit_once(':').unwrap();
                    (
                        root.clone(),
                        c.to_string(),
                        file.to_string(),
                        line.parse().unwrap(),
                    )
                })
                .collect::<Vec<_>>()
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
            kinds: StackKind::classic_only(),
        },
    )
    .unwrap();
    assert_eq!(generated.roots.len(), 32);
    assert_eq!(generated.files, 32 * 5);
    let kinds: BTreeSet<&str> = generated.faults.iter().map(|f| f.kind.name()).collect();
    assert_eq!(
        kinds.len(),
        StackKind::Classic.faults().len(),
        "every fault kind is used"
    );

    let expected = injected(&generated);
    let outcome = run(dir.path(), 0);
    assert_exactly(&expected, &reported(dir.path(), &outcome), "classic");

    // The manifest says the same as the generator.
    assert_eq!(manifest(dir.path()), expected);
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
            kinds: StackKind::classic_only(),
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
            kinds: StackKind::classic_only(),
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
    // The default mix: every kind of stack.
    let opts = GenOptions {
        stacks: 12,
        fault_rate: 0.5,
        seed: 11,
        shared_module: false,
        ..GenOptions::default()
    };
    let ga = generate(a.path(), &opts).unwrap();
    let gb = generate(b.path(), &opts).unwrap();
    assert_eq!(
        ga.kinds.iter().collect::<BTreeSet<_>>().len(),
        StackKind::ALL.len()
    );
    assert_eq!(ga.kinds, gb.kinds);
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
            kinds: StackKind::classic_only(),
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
    let mut expected: BTreeSet<Found> =
        generated.faults[1..].iter().flat_map(expected_of).collect();
    for (_, code, file, line) in expected_of(moved) {
        expected.insert(("modules/app".to_string(), code, file, line));
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

/// A tree of the default mix of kinds: Classic, ALB, NLB and ECS stacks.
fn mixed(stacks: usize, fault_rate: f64, seed: u64) -> GenOptions {
    GenOptions {
        stacks,
        fault_rate,
        seed,
        shared_module: false,
        kinds: StackKind::default_mix(),
    }
}

#[test]
fn mixed_kinds_report_exactly_the_injected_faults_at_1_2_and_8_threads() {
    let dir = tempfile::tempdir().unwrap();
    let generated = generate(dir.path(), &mixed(64, 0.75, 2)).unwrap();
    assert_eq!(generated.files, 64 * 5);
    // Every fault of every kind of stack is there, and clean stacks of every kind too.
    let pairs: BTreeSet<(StackKind, FaultKind)> =
        generated.faults.iter().map(|f| (f.stack, f.kind)).collect();
    let all: usize = StackKind::ALL.iter().map(|k| k.faults().len()).sum();
    assert_eq!(
        pairs.len(),
        all,
        "every fault of every kind is used: {pairs:?}"
    );
    for kind in StackKind::ALL {
        let clean = generated
            .roots
            .iter()
            .zip(&generated.kinds)
            .filter(|(r, k)| **k == kind && !generated.faults.iter().any(|f| &f.root == *r))
            .count();
        assert!(clean > 0, "no clean {} stack", kind.name());
    }

    let expected = injected(&generated);
    assert_eq!(manifest(dir.path()), expected);
    let render =
        |outcome: &Outcome| report::render(Format::Json, outcome, &RenderOptions::default());
    let mut one = None;
    for jobs in [1, 2, 8] {
        let outcome = run(dir.path(), jobs);
        assert_exactly(
            &expected,
            &reported(dir.path(), &outcome),
            &format!("-j {jobs}"),
        );
        let json = render(&outcome);
        match &one {
            None => one = Some(json),
            Some(first) => assert_eq!(&json, first, "-j {jobs} differs from -j 1"),
        }
    }
}

#[test]
fn a_mixed_tree_without_faults_reports_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let generated = generate(dir.path(), &mixed(80, 0.0, 13)).unwrap();
    assert!(generated.faults.is_empty());
    let manifest = std::fs::read_to_string(dir.path().join("FAULTS.txt")).unwrap();
    assert!(manifest.lines().all(|l| l.starts_with('#')), "{manifest}");
    for kind in StackKind::ALL {
        assert!(generated.kinds.contains(&kind), "no {} stack", kind.name());
    }
    let outcome = run(dir.path(), 2);
    // No error, no warning, and no note either: every value is known.
    assert!(
        outcome.findings.is_empty(),
        "a clean stack has findings:\n{}",
        report::render(Format::Compact, &outcome, &RenderOptions::default())
    );

    // Not because nothing was seen: every root has its load balancer, of its kind, with
    // targets in every group it forwards to.
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let project = tf_elbcheck::frontend::discover(
        std::slice::from_ref(&root),
        &mut tf_elbcheck::source::SourceTable::new(),
        &tf_elbcheck::frontend::Limits::default(),
        &|_| false,
    );
    for (rel, kind) in generated.roots.iter().zip(&generated.kinds) {
        let eval = tf_elbcheck::eval::evaluate_root(&project, &root.join(rel), &Default::default());
        let (net, _) = tf_elbcheck::model::build(&eval);
        let lbs: Vec<_> = net.lbs.iter().collect();
        assert_eq!(lbs.len(), 1, "{rel}");
        let lb = lbs[0];
        let want = match kind {
            StackKind::Classic => LbKind::Classic,
            StackKind::Alb | StackKind::Ecs => LbKind::Application,
            StackKind::Nlb => LbKind::Network,
        };
        assert_eq!(lb.kind, want, "{rel}");
        if *kind == StackKind::Classic {
            assert!(lb.targets.as_ref().is_ok_and(|t| !t.is_empty()), "{rel}");
        } else {
            assert!(!lb.target_groups.is_empty(), "{rel}");
            for &tg in &lb.target_groups {
                let tg = &net.target_groups[tg];
                assert!(
                    tg.targets.as_ref().is_ok_and(|t| !t.is_empty()),
                    "{rel}: {}",
                    tg.address
                );
            }
        }
    }
}

#[test]
fn every_kind_gets_its_exact_share_of_the_stacks() {
    let dir = tempfile::tempdir().unwrap();
    let generated = generate(dir.path(), &mixed(40, 0.0, 1)).unwrap();
    let count = |k: StackKind| generated.kinds.iter().filter(|x| **x == k).count();
    assert_eq!(
        StackKind::ALL.map(count),
        [16, 10, 8, 6],
        "40% Classic, 25% ALB, 20% NLB, 15% ECS"
    );

    assert_eq!(
        parse_kinds("classic,alb,nlb,ecs").unwrap(),
        StackKind::default_mix()
    );
    assert_eq!(
        parse_kinds("nlb=3, ecs").unwrap(),
        vec![(StackKind::Nlb, 3), (StackKind::Ecs, 15)]
    );
    assert!(parse_kinds("classic,gwlb").is_err());
    assert!(parse_kinds("alb,alb").is_err());
    assert!(parse_kinds("alb=0").is_err());
    assert!(parse_kinds("alb=x").is_err());
}

/// FNV-1a over the path and bytes of every `.tf` file of `generated`, in order.
fn tf_hash(dir: &Path, generated: &monorepo::Generated) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for root in &generated.roots {
        let mut names: Vec<_> = std::fs::read_dir(dir.join(root))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            eat(format!("{root}/{name}\n").as_bytes());
            eat(&std::fs::read(dir.join(root).join(&name)).unwrap());
        }
    }
    h
}

/// Classic-only trees are byte for byte those of the generator before it knew other kinds,
/// so that measurements on them stay comparable (the hashes are those of the trees that
/// generator wrote).
#[test]
fn classic_only_trees_are_unchanged() {
    for (shared_module, want) in [
        (false, 7_700_250_407_602_613_257_u64),
        (true, 584_172_457_637_135_639),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let generated = generate(
            dir.path(),
            &GenOptions {
                stacks: 40,
                fault_rate: 0.5,
                seed: 1,
                shared_module,
                kinds: parse_kinds("classic").unwrap(),
            },
        )
        .unwrap();
        assert!(generated.kinds.iter().all(|k| *k == StackKind::Classic));
        assert_eq!(
            tf_hash(dir.path(), &generated),
            want,
            "the .tf files of a Classic-only tree changed (shared module: {shared_module})"
        );
    }
}

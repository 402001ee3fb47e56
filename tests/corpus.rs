//! The tool on real public Terraform (`../shared/corpus`, beside the repository): it never
//! crashes, terragoat's broken instance port is found at the group that must change, and the
//! roots a careful reader labelled OK get no error.

use std::path::PathBuf;
use tf_elbcheck::diagnostic::Severity;
use tf_elbcheck::run::{check, graph, Options};

fn corpus() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.is_dir().then_some(p)
}

fn findings(root: &str) -> Vec<(String, usize, String, Severity)> {
    let Some(dir) = corpus() else { return vec![] };
    let outcome = check(&Options {
        paths: vec![dir.join(root)],
        ..Options::default()
    });
    outcome
        .findings
        .iter()
        .map(|f| {
            let (pos, _) = outcome.sources.range(f.span);
            let file = outcome
                .sources
                .get(f.span.file)
                .path
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (file, pos.line, f.code().to_string(), f.severity)
        })
        .collect()
}

#[test]
fn terragoat_instance_port_is_blocked_at_the_group() {
    if corpus().is_none() {
        eprintln!("shared corpus not present; skipped");
        return;
    }
    let f = findings("terragoat-aws");
    let errors: Vec<_> = f.iter().filter(|x| x.3 == Severity::Error).collect();
    assert_eq!(errors.len(), 1, "{f:?}");
    assert_eq!(
        (errors[0].0.as_str(), errors[0].1, errors[0].2.as_str()),
        ("ec2.tf", 77, "ELB004")
    );
}

#[test]
fn roots_labelled_ok_get_no_error() {
    if corpus().is_none() {
        eprintln!("shared corpus not present; skipped");
        return;
    }
    for root in [
        "gruntwork-asg-elb-service",
        "tfupandrunning-ch2-webserver-cluster",
        "tfprovider-aws-two-tier",
        "tfprovider-aws-elb",
        "tf-aws-elb-complete",
    ] {
        let f = findings(root);
        assert!(f.iter().all(|x| x.3 != Severity::Error), "{root}: {f:?}");
    }
}

#[test]
fn checkov_fixture_gets_only_dangling_references_and_notes() {
    if corpus().is_none() {
        eprintln!("shared corpus not present; skipped");
        return;
    }
    let f = findings("checkov-fixture-asg-elb");
    assert!(f.iter().any(|x| x.2 == "TF002"));
    assert!(
        f.iter()
            .all(|x| !x.2.starts_with("ELB0") || x.3 != Severity::Error),
        "{f:?}"
    );
}

#[test]
fn graphs_contain_every_lb_with_its_groups_and_instances() {
    let Some(dir) = corpus() else { return };
    let (dot, _) = graph(&Options {
        paths: vec![dir.clone()],
        ..Options::default()
    });
    for needle in [
        "\"aws_elb.weblb\" -> \"aws_security_group.web-node\"",
        "\"aws_elb.weblb\" -> \"aws_subnet.web_subnet\"",
        "\"aws_elb.weblb\" -> \"aws_instance.web_host\"",
        "\"module.elb.module.elb.aws_elb.this[0]\"",
        "\"aws_elb.web\" -> \"aws_security_group.elb\"",
    ] {
        assert!(dot.contains(needle), "missing {needle}");
    }
}

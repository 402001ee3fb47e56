//! The whole pipeline with every rule enabled, on the rule fixtures (`tests/rules.rs` runs each
//! fixture with its own rule alone).
//!
//! The fixtures where other rules' errors or warnings appear too, and one where a rule's error
//! comes with another rule's note about the same load balancer (ELB005 with ELB025), are listed
//! below: their human output with every rule is a reviewed snapshot
//! (`tests/snapshots/pipeline__*.snap`), so that the interplay of rules stays covered. Every
//! other fixture must show, besides notes, only findings of its own rule.

#[path = "support/fixtures.rs"]
mod fixtures;

use fixtures::{compare, fixtures, found, render, root, Fixture};
use std::collections::BTreeSet;
use tf_elbcheck::checks::registry;
use tf_elbcheck::diagnostic::Severity;

macro_rules! pipeline {
    ($($test:ident => $case:literal,)*) => {
        /// `<CODE>/<case>` of every fixture whose whole output is snapshotted.
        const PIPELINE: &[&str] = &[$($case),*];
        $(
            #[test]
            fn $test() {
                snapshot($case);
            }
        )*
    };
}

pipeline! {
    elb001_fail_internal_other_network => "ELB001/fail_internal_other_network",
    elb001_fail_unmanaged_default_group => "ELB001/fail_unmanaged_default_group",
    elb004_fail_availability_zones_only_vpn_cidr => "ELB004/fail_availability_zones_only_vpn_cidr",
    elb004_fail_many_constructs => "ELB004/fail_many_constructs",
    elb004_fail_network_interface => "ELB004/fail_network_interface",
    elb004_fail_override_listener => "ELB004/fail_override_listener",
    elb004_pass_availability_zones_only_default_vpc_cidr => "ELB004/pass_availability_zones_only_default_vpc_cidr",
    elb005_fail_default_health_check => "ELB005/fail_default_health_check",
    elb012_fail_override_egress => "ELB012/fail_override_egress",
    elb014_fail_default_network_acl_empty => "ELB014/fail_default_network_acl_empty",
    elb021_fail_standalone_rule_open => "ELB021/fail_standalone_rule_open",
    elb022_fail_empty_security_groups => "ELB022/fail_empty_security_groups",
    elb027_fail_classic_instance_zone => "ELB027/fail_classic_instance_zone",
    elb028_fail_classic_open_instances => "ELB028/fail_classic_open_instances",
    elb028_fail_classic_standalone_rule => "ELB028/fail_classic_standalone_rule",
    elb028_pass_classic_source_group => "ELB028/pass_classic_source_group",
    elb900_fail_port_from_resource_attribute => "ELB900/fail_port_from_resource_attribute",
    elb900_pass_internal_open_to_all_vpc_cidr_unknown => "ELB900/pass_internal_open_to_all_vpc_cidr_unknown",
}

fn fixture(case: &str) -> Fixture {
    let (code, name) = case.split_once('/').unwrap();
    Fixture {
        code: code.into(),
        name: name.into(),
        dir: root().join(code).join(name),
    }
}

/// The human output of the case with every rule is as snapshotted.
fn snapshot(case: &str) {
    let text = render(&fixture(case).run(None));
    insta::assert_snapshot!(case.replace('/', "__"), text);
}

/// Every listed case is a fixture, and every `pipeline__*` snapshot is of a listed case.
#[test]
fn pipeline_fixtures_and_snapshots_agree() {
    for case in PIPELINE {
        assert!(fixture(case).dir.is_dir(), "{case} is not a fixture");
    }
    let listed: Vec<String> = PIPELINE
        .iter()
        .map(|c| format!("pipeline__{}.snap", c.replace('/', "__")))
        .collect();
    let snapshots = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    for e in std::fs::read_dir(snapshots).unwrap() {
        let name = fixtures::file_name(&e.unwrap().path());
        if name.starts_with("pipeline__") {
            assert!(listed.contains(&name), "{name} is of no case in PIPELINE");
        }
    }
}

/// With every rule enabled, every fixture still reports exactly the marked findings of its rule;
/// other rules' errors and warnings appear only in the snapshotted fixtures above. Notes (the
/// rules of severity note) may appear anywhere: path MTU and health-check notes concern almost
/// every fixture.
#[test]
fn every_fixture_with_every_rule() {
    let notes: Vec<&str> = registry()
        .iter()
        .filter(|r| r.severity == Severity::Note)
        .map(|r| r.code)
        .collect();
    assert!(notes.contains(&"ELB900"), "notes: {notes:?}");
    let mut failures = Vec::new();
    for fx in fixtures() {
        let got = found(&fx.run(None), &fx.dir);
        let own: BTreeSet<_> = got.iter().filter(|m| m.2 == fx.code).cloned().collect();
        if let Some(diff) = compare(&fx.own_markers(), &own) {
            failures.push(format!("{}: with every rule,\n{diff}", fx.test_name()));
        }
        let others: Vec<_> = got
            .iter()
            .filter(|m| m.2 != fx.code && !notes.contains(&m.2.as_str()))
            .collect();
        let case = format!("{}/{}", fx.code, fx.name);
        if !others.is_empty() && !PIPELINE.contains(&case.as_str()) {
            failures.push(format!(
                "{case}: other rules report {others:?}; make the fixture exercise its rule \
                 alone, or list it in PIPELINE (tests/pipeline.rs) to snapshot its whole output"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The hop rules attach the leg of the path they find blocked (the markdown format draws it),
/// naming the load balancer and the ports their message names; no other finding has one.
#[test]
fn hop_findings_name_their_leg() {
    use tf_elbcheck::diagnostic::HopKind;
    let kind = |code: &str| match code {
        "ELB001" | "ELB010" => Some(HopKind::ClientsToLb),
        "ELB002" | "ELB003" | "ELB004" | "ELB005" | "ELB012" | "ELB014" => {
            Some(HopKind::LbToTargets)
        }
        "ELB011" => Some(HopKind::RepliesToClients),
        "ELB013" | "ELB015" => Some(HopKind::RepliesToLb),
        _ => None,
    };
    let mut seen = BTreeSet::new();
    for fixture in fixtures() {
        let outcome = fixture.run(None);
        for f in &outcome.findings {
            let at = format!("{}/{}: {}", fixture.code, fixture.name, f.message);
            assert_eq!(f.hop.as_ref().map(|h| h.kind), kind(f.code()), "{at}");
            let Some(hop) = &f.hop else { continue };
            seen.insert(f.code());
            assert!(f.message.contains(hop.lb.as_ref()), "{at}");
            assert!(f.message.contains(&hop.ports), "{} in {at}", hop.ports);
            assert_eq!(hop.targets.is_some(), hop.kind.is_target_side(), "{at}");
            assert!(hop.targets.as_ref().is_none_or(|t| !t.is_empty()), "{at}");
        }
    }
    let all: BTreeSet<&str> = [
        "ELB001", "ELB002", "ELB003", "ELB004", "ELB005", "ELB010", "ELB011", "ELB012", "ELB013",
        "ELB014", "ELB015",
    ]
    .into();
    assert_eq!(seen, all);
}

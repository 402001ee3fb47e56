//! `--plan FILE`: the fixtures under `testdata/plans/` (recorded by `scripts/record-plans.sh`,
//! so these tests need no Terraform) checked with and without their plan, and plans that
//! cannot be used.

use assert_cmd::Command;
use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn case(name: &str) -> PathBuf {
    root().join("testdata/plans").join(name)
}

/// What a run printed and its exit status.
struct Run {
    codes: Vec<String>,
    messages: Vec<String>,
    stderr: String,
    status: i32,
}

/// Checks `dir` (with `--plan plan` when given) and reads the JSON report.
fn run(dir: &PathBuf, plan: Option<&PathBuf>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"));
    cmd.env_remove("NO_COLOR").args(["--format", "json"]);
    if let Some(plan) = plan {
        cmd.arg("--plan").arg(plan);
    }
    let out = cmd.arg(dir).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let field = |k: &str| {
        findings
            .iter()
            .map(|f| f[k].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    Run {
        codes: field("code"),
        messages: field("message"),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        status: out.status.code().unwrap(),
    }
}

fn own_plan(name: &str) -> Run {
    run(&case(name), Some(&case(name).join("plan.json")))
}

fn count(run: &Run, code: &str) -> usize {
    run.codes.iter().filter(|c| *c == code).count()
}

#[test]
fn a_variable_given_only_to_the_plan_decides_the_requirement() {
    // The instance port is `var.app_port`, with no default: the HCL alone leaves it
    // undecided (once: the health check probes the same value, `"HTTP:${var.app_port}/"`).
    let hcl = run(&case("variable_port"), None);
    assert_eq!(count(&hcl, "ELB900"), 1, "{:?}", hcl.messages);
    assert_eq!(hcl.status, 0);
    // The plan was made with app_port=8080, which the groups admit: proven to pass.
    let planned = own_plan("variable_port");
    assert_eq!(planned.codes, ["ELB023"], "{:?}", planned.messages);
    assert_eq!(planned.status, 0);
    assert!(planned.stderr.is_empty(), "{}", planned.stderr);
}

#[test]
fn count_and_for_each_instances_take_their_own_planned_values() {
    let hcl = run(&case("count_keys"), None);
    assert_eq!(count(&hcl, "ELB900"), 4, "{:?}", hcl.messages);
    assert_eq!(count(&hcl, "ELB004"), 0);
    // lb_out[0] and [1] send 8080 and 9000; app_in["web"] and ["admin"] admit 9000 and 22: the
    // instance port 8080 is never admitted.
    let planned = own_plan("count_keys");
    assert_eq!(count(&planned, "ELB900"), 0, "{:?}", planned.messages);
    assert_eq!(count(&planned, "ELB002"), 0, "{:?}", planned.messages);
    assert_eq!(count(&planned, "ELB004"), 1, "{:?}", planned.messages);
    assert!(planned.messages.iter().any(|m| m.contains("TCP 8080")));
    assert_eq!(planned.status, 1);
    assert!(planned.stderr.is_empty(), "{}", planned.stderr);
}

#[test]
fn a_nested_module_is_decided_by_the_plan() {
    // The health check probes the instance port's own unknown value: one note for both.
    let hcl = run(&case("nested_module"), None);
    assert_eq!(count(&hcl, "ELB900"), 1, "{:?}", hcl.messages);
    assert_eq!(hcl.status, 0);
    // The plan gives 9090, which the module's instance group does not admit.
    let planned = own_plan("nested_module");
    assert_eq!(count(&planned, "ELB900"), 0, "{:?}", planned.messages);
    assert_eq!(count(&planned, "ELB004"), 1, "{:?}", planned.messages);
    assert!(planned
        .messages
        .iter()
        .any(|m| m.contains("module.web.aws_security_group.app allows TCP 9090")));
    assert_eq!(planned.status, 1);
}

#[test]
fn the_finding_points_at_the_module_source() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"));
    let dir = case("nested_module");
    let out = cmd
        .env_remove("NO_COLOR")
        .args(["--color", "never", "--plan"])
        .arg(dir.join("plan.json"))
        .arg(&dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("modules/web/main.tf:38:1"),
        "the ELB004 finding points at the group's block in the module: {text}"
    );
}

/// A file in a fresh temporary directory.
fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// A run with a plan that cannot be used: exit 2, a message naming the problem, and the HCL
/// still checked.
fn unusable(text: &str, says: &str) {
    let (_dir, path) = temp_file("plan.json", text);
    let r = run(&case("variable_port"), Some(&path));
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.contains("error: --plan"), "{}", r.stderr);
    assert!(r.stderr.contains(says), "{} lacks {says}", r.stderr);
    assert_eq!(count(&r, "ELB900"), 1, "the HCL is still checked");
}

#[test]
fn a_truncated_plan_is_an_error() {
    let full = std::fs::read_to_string(case("variable_port").join("plan.json")).unwrap();
    unusable(&full[..full.len() / 2], "truncated");
}

#[test]
fn a_plan_of_another_major_format_version_is_an_error() {
    let full = std::fs::read_to_string(case("variable_port").join("plan.json")).unwrap();
    let other = full.replacen(
        "\"format_version\": \"1.2\"",
        "\"format_version\": \"2.0\"",
        1,
    );
    assert_ne!(full, other);
    unusable(&other, "format_version 2.0 is not supported");
}

#[test]
fn a_state_is_not_a_plan() {
    unusable(
        r#"{"format_version": "1.0", "terraform_version": "1.11.0",
            "values": {"root_module": {"resources": []}}}"#,
        "JSON of a state",
    );
}

#[test]
fn a_missing_plan_file_is_an_error() {
    unusable_path(&case("variable_port").join("no-such-plan.json"));
}

fn unusable_path(path: &PathBuf) {
    let r = run(&case("variable_port"), Some(path));
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("error: --plan"), "{}", r.stderr);
}

#[test]
fn a_plan_of_another_configuration_is_a_warning() {
    // Every resource of the nested module's plan is under module.web: none is in this root.
    let r = run(
        &case("variable_port"),
        Some(&case("nested_module").join("plan.json")),
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: --plan")
            && r.stderr.contains("none of the plan's")
            && r.stderr.contains("module.web.aws_elb.web"),
        "{}",
        r.stderr
    );
    assert_eq!(count(&r, "ELB900"), 1);
    // Some resources match: those that do not are listed, the others are used.
    let r = run(
        &case("variable_port"),
        Some(&case("count_keys").join("plan.json")),
    );
    assert_ne!(r.status, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("match nothing in the scanned configuration")
            && r.stderr.contains("aws_security_group_rule.app_in"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_data_source_read_by_the_plan_is_used() {
    // Written by hand: recording a plan that reads a data source needs AWS. The subnets come
    // from `data.aws_subnets.public.ids`; the plan's prior state holds what it read.
    let (_dir, path) = temp_file(
        "plan.json",
        r#"{"format_version": "1.2", "terraform_version": "1.11.0",
            "planned_values": {"root_module": {}},
            "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
              {"address": "data.aws_subnets.public", "mode": "data", "type": "aws_subnets",
               "name": "public", "values": {"ids": ["subnet-0abc", "subnet-0def"]}}]}}}}"#,
    );
    let dir = root().join("testdata/rules/ELB900/fail_list_from_data_source");
    let hcl = run(&dir, None);
    assert!(
        hcl.messages
            .iter()
            .any(|m| m.contains("comes from a data source")),
        "{:?}",
        hcl.messages
    );
    let planned = run(&dir, Some(&path));
    assert!(
        !planned.messages.iter().any(|m| m.contains("data source")),
        "{:?}",
        planned.messages
    );
    assert!(
        planned.messages.iter().any(|m| m.contains("`subnet-0abc`")),
        "{:?}",
        planned.messages
    );
    assert!(planned.stderr.is_empty(), "{}", planned.stderr);
}

#[test]
fn a_module_that_is_not_installed_is_checked_from_the_plan() {
    // Without the plan, the registry module is skipped (TF005) and no load balancer is found.
    let hcl = run(&case("missing_module"), None);
    assert_eq!(hcl.codes, ["TF005"], "{:?}", hcl.messages);
    assert_eq!(hcl.status, 0);
    // With it, the module's resources come from the plan: the group admits 443, the listener
    // is on 80 (ELB001), and the finding points at the group's address in plan.json.
    let dir = case("missing_module");
    let out = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"))
        .env_remove("NO_COLOR")
        .args(["--format", "compact", "--plan"])
        .arg(dir.join("plan.json"))
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let elb001 = text
        .lines()
        .find(|l| l.contains("error[ELB001]"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        elb001.contains("missing_module/plan.json:")
            && elb001.contains("module.lb.aws_security_group.lb allows TCP 80"),
        "{elb001}"
    );
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No fix is offered in the plan's JSON.
    let human = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"))
        .env_remove("NO_COLOR")
        .args(["--color", "never", "--plan"])
        .arg(dir.join("plan.json"))
        .arg(&dir)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(human.contains("error[ELB001]"), "{human}");
    assert!(!human.contains("suggested fix"), "{human}");
}

#[test]
fn the_plan_expands_a_count_or_for_each_the_hcl_cannot_tell() {
    // `count = length(var.egress_ports)` and `for_each = var.ingress_ports`, both unknown
    // without the plan: each stands for rules of unknown number.
    let hcl = run(&case("unknown_count"), None);
    assert_eq!(count(&hcl, "ELB900"), 4, "{:?}", hcl.messages);
    assert!(hcl
        .messages
        .iter()
        .any(|m| m.contains("how many instances")));
    // The plan has lb_out[0], lb_out[1], app_in["web"] and app_in["admin"], each with its port.
    let planned = own_plan("unknown_count");
    assert_eq!(count(&planned, "ELB900"), 0, "{:?}", planned.messages);
    assert_eq!(count(&planned, "ELB004"), 1, "{:?}", planned.messages);
    assert_eq!(planned.status, 1);
    assert!(planned.stderr.is_empty(), "{}", planned.stderr);
}

/// OpenTofu's `tofu show -json` writes the same format (its docs: "JSON Output Format",
/// format_version 1.x), with its own version under `terraform_version` and providers from
/// `registry.opentofu.org`. OpenTofu cannot be installed here, so its plan is the recorded
/// Terraform plan with exactly those two differences: it must decide the same.
#[test]
fn an_opentofu_plan_decides_as_a_terraform_plan() {
    let text = std::fs::read_to_string(case("variable_port").join("plan.json")).unwrap();
    let tofu = text
        .replace("registry.terraform.io/", "registry.opentofu.org/")
        .replace(
            "\"terraform_version\": \"1.11.4\"",
            "\"terraform_version\": \"1.8.8\"",
        );
    assert_ne!(tofu, text);
    assert!(!tofu.contains("registry.terraform.io"));
    let (_dir, path) = temp_file("plan.json", &tofu);
    let planned = run(&case("variable_port"), Some(&path));
    let terraform = own_plan("variable_port");
    assert_eq!(planned.codes, terraform.codes, "{:?}", planned.messages);
    assert_eq!(planned.codes, ["ELB023"], "{:?}", planned.messages);
    assert_eq!(planned.status, 0);
    assert!(planned.stderr.is_empty(), "{}", planned.stderr);
}

#[test]
fn a_dynamic_block_of_unknown_length_takes_the_planned_blocks() {
    // The instance group's rules come from `dynamic "ingress"` over a variable without a value:
    // the HCL alone cannot tell how many there are.
    let hcl = run(&case("dynamic_ingress"), None);
    assert_eq!(count(&hcl, "ELB900"), 1, "{:?}", hcl.messages);
    assert_eq!(count(&hcl, "ELB004"), 0, "{:?}", hcl.messages);
    // The plan lists two rules (22 and 9000) that keep the dynamic block's reference to the
    // LB's group: neither admits the instance port 8080.
    let planned = own_plan("dynamic_ingress");
    assert_eq!(count(&planned, "ELB900"), 0, "{:?}", planned.messages);
    assert_eq!(count(&planned, "ELB004"), 1, "{:?}", planned.messages);
    assert!(planned
        .messages
        .iter()
        .any(|m| m.contains("TCP 8080") && m.contains("aws_security_group.app")));
    assert_eq!(planned.status, 1);
    assert!(planned.stderr.is_empty(), "{}", planned.stderr);
}

#[test]
fn a_planned_dynamic_block_keeps_its_references() {
    // Planned with app_ports=[8080]: the one rule's source is the dynamic block's reference to
    // the LB's group (the plan knows no id for it yet), so the path is proven open.
    let hcl = run(&case("dynamic_ingress_open"), None);
    assert_eq!(count(&hcl, "ELB900"), 1, "{:?}", hcl.messages);
    let planned = own_plan("dynamic_ingress_open");
    assert_eq!(planned.codes, ["ELB023"], "{:?}", planned.messages);
    assert_eq!(planned.status, 0);
}

//! The command line end to end: exit statuses (SPEC §6), subcommands, configuration errors,
//! `--output`, colour, and the integration files (problem matcher, Action, pre-commit hook,
//! docs) staying in step with the binary.

use assert_cmd::Command;
use predicates::prelude::*;
use std::path::PathBuf;
use tf_elbcheck::checks;

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"));
    cmd.env_remove("NO_COLOR").args(["--color", "never"]);
    cmd
}

/// The binary without the leading `--color never` (for subcommands, which take no options).
fn bare() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"));
    cmd.env_remove("NO_COLOR");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary directory holding one Terraform file and, when given, a config file.
fn workspace(config: Option<&str>) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("main.tf"),
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
    )
    .unwrap();
    if let Some(text) = config {
        std::fs::write(dir.path().join(".tf-elbcheck.toml"), text).unwrap();
    }
    dir
}

#[test]
fn clean_run_exits_zero() {
    let dir = workspace(None);
    bin()
        .current_dir(dir.path())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("no findings in"))
        .stderr("");
}

#[test]
fn bad_arguments_exit_two() {
    let dir = workspace(None);
    for args in [
        &["--bogus"][..],
        &["--format", "xml"],
        &["--fail-on", "sometimes"],
        &["--color", "purple"],
        &["--var", "no_equals_sign"],
        &["--var", "=value"],
        &["--disable", "ELB999"],
        &["--jobs", "many"],
        &["--today", "2025-02-30"],
    ] {
        bin()
            .current_dir(dir.path())
            .args(args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("error:"));
    }
}

#[test]
fn valid_flags_are_accepted() {
    let dir = workspace(None);
    // --var names a variable the root declares, as Terraform requires.
    std::fs::write(
        dir.path().join("variables.tf"),
        "variable \"region\" {\n  default = \"\"\n}\n\nvariable \"empty\" {\n  default = \"\"\n}\n",
    )
    .unwrap();
    bin()
        .current_dir(dir.path())
        .args([
            "--var",
            "region=eu-west-1",
            "--var",
            "empty=",
            "--jobs",
            "2",
            "--disable",
            "elb030",
            "--fail-on",
            "note",
            "--format",
            "compact",
            ".",
        ])
        .env("TF_VAR_environment", "prod")
        .assert()
        .code(0)
        .stdout("")
        .stderr("");
}

#[test]
fn help_and_version_exit_zero() {
    bare()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("--fail-on"))
        .stdout(predicate::str::contains("Exit status"));
    bare()
        .arg("--version")
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("tf-elbcheck "));
}

#[test]
fn bad_config_is_located_and_exits_two() {
    let dir = workspace(Some(
        "# settings\nfail_on = \"warning\"\ndisabled = [\"ELB030\"]\n",
    ));
    bin()
        .current_dir(dir.path())
        .args(["--format", "compact"])
        .assert()
        .code(2)
        .stdout(predicate::str::starts_with(
            ".tf-elbcheck.toml:3:1: error[TF010]: invalid configuration: unknown field `disabled`",
        ));
    // The human format shows the offending line.
    bin()
        .current_dir(dir.path())
        .assert()
        .code(2)
        .stdout(predicate::str::contains(" --> .tf-elbcheck.toml:3:1"))
        .stdout(predicate::str::contains("3 | disabled = [\"ELB030\"]"));
    // --fail-on never does not hide a failed run.
    bin()
        .current_dir(dir.path())
        .args(["--fail-on", "never"])
        .assert()
        .code(2);
}

#[test]
fn bad_values_in_config_are_located() {
    for (text, location) in [
        ("disable = [\"ELB999\"]\n", ":1:12:"),
        ("[severity]\nELB030 = \"loud\"\n", ":2:10:"),
        ("exclude = [\"[\"]\n", ":1:12:"),
        ("fail_on = 3\n", ":1:11:"),
    ] {
        let dir = workspace(Some(text));
        bin()
            .current_dir(dir.path())
            .args(["--format", "compact"])
            .assert()
            .code(2)
            .stdout(predicate::str::contains(format!(
                ".tf-elbcheck.toml{location} error[TF010]"
            )));
    }
}

#[test]
fn config_is_found_upward_and_explicit_config_replaces_it() {
    let dir = workspace(Some("fail_on = \"bogus\"\n"));
    let sub = dir.path().join("infra/app");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("main.tf"), "locals {}\n").unwrap();
    // Found from a path below it, and from the current directory below it.
    bin()
        .current_dir(dir.path())
        .args(["--format", "compact", "infra/app"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(".tf-elbcheck.toml:1:11:"));
    bin()
        .current_dir(&sub)
        .args(["--format", "compact"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("error[TF010]"));
    // An explicit file wins over discovery.
    std::fs::write(dir.path().join("good.toml"), "fail_on = \"note\"\n").unwrap();
    bin()
        .current_dir(dir.path())
        .args(["--config", "good.toml", "infra/app"])
        .assert()
        .code(0);
    // A missing explicit file is a failed run.
    bin()
        .current_dir(dir.path())
        .args(["--config", "missing.toml", "--format", "compact"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains(
            "missing.toml:1:1: error[TF010]: invalid configuration: cannot read the configuration file",
        ));
}

#[test]
fn rules_lists_every_rule() {
    let assert = bare().arg("rules").assert().code(0);
    let out = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let rules = checks::registry();
    assert_eq!(out.lines().count(), rules.len());
    for (line, rule) in out.lines().zip(rules) {
        assert!(line.starts_with(rule.code), "{line}");
        assert!(line.contains(rule.severity.as_str()), "{line}");
        assert!(line.ends_with(rule.summary), "{line}");
    }
    assert!(out.contains("ELB030  warning  bad-suppression"));
}

#[test]
fn explain_prints_the_documentation() {
    for code in ["ELB030", "elb030"] {
        bare()
            .args(["explain", code])
            .assert()
            .code(0)
            .stdout(predicate::str::starts_with(
                "ELB030 (bad-suppression): a suppression comment has no reason",
            ))
            .stdout(predicate::str::contains("\n## What it checks\n"))
            .stdout(predicate::str::contains("\n## Why it matters\n"))
            .stdout(predicate::str::contains("\nUse instead:\n"));
    }
    bare()
        .args(["explain", "NOPE"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("unknown rule code `NOPE`"));
    bare().arg("explain").assert().code(2);
}

#[test]
fn graph_prints_dot() {
    let dir = workspace(None);
    bare()
        .current_dir(dir.path())
        .args(["graph", "."])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("digraph"));
}

#[test]
fn subcommand_names_win_over_directories() {
    let dir = workspace(None);
    std::fs::create_dir(dir.path().join("rules")).unwrap();
    std::fs::write(dir.path().join("rules/main.tf"), "# a root named rules\n").unwrap();
    bare()
        .current_dir(dir.path())
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("ELB030"))
        .stderr(predicate::str::contains("write ./rules"));
    for args in [&["./rules"][..], &["--", "rules"]] {
        bin()
            .current_dir(dir.path())
            .args(args)
            .assert()
            .code(0)
            .stdout(predicate::str::contains(" checked"))
            .stderr("");
    }
    // After an option, `rules` is a path: only the first argument can be a subcommand.
    bin()
        .current_dir(dir.path())
        .args(["--format", "json", "rules"])
        .assert()
        .code(0)
        .stdout(predicate::str::starts_with("{\n  \"version\": 1,"));
}

#[test]
fn output_writes_the_format_to_a_file() {
    let dir = workspace(Some("fail_on = \"bogus\"\n"));
    let file = dir.path().join("out.sarif");
    bin()
        .current_dir(dir.path())
        .args(["--format", "sarif", "--output", "out.sarif"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("error[TF010]"))
        .stdout(predicate::str::contains("files checked"));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "TF010");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], ".tf-elbcheck.toml");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 1);
    assert_eq!(location["region"]["startColumn"], 11);
    // An unwritable output is a failed run.
    bin()
        .current_dir(dir.path())
        .args(["--format", "json", "--output", "no/such/dir/out.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot write"));
}

#[test]
fn github_format_annotates_the_config_line() {
    let dir = workspace(Some("\n\nfail_on = \"bogus\"\n"));
    bin()
        .current_dir(dir.path())
        .args(["--format", "github"])
        .assert()
        .code(2)
        .stdout(predicate::str::starts_with(
            "::error file=.tf-elbcheck.toml,line=3,col=11,endLine=3,endColumn=18,title=TF010::invalid configuration: unknown fail_on",
        ));
}

#[test]
fn colour_follows_the_flag() {
    let dir = workspace(Some("fail_on = \"bogus\"\n"));
    bare()
        .current_dir(dir.path())
        .args(["--color", "always"])
        .env("NO_COLOR", "1")
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\u{1b}["));
    for args in [&["--color", "never"][..], &["--color", "auto"], &[]] {
        bare()
            .current_dir(dir.path())
            .args(args)
            .assert()
            .code(2)
            .stdout(predicate::str::contains("\u{1b}[").not());
    }
}

#[test]
fn closed_stdout_is_not_an_error() {
    // The reader of the pipe is gone before the tool writes: the write fails with EPIPE, and
    // the pipeline's status (pipefail) is the tool's.
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            r#"set -o pipefail; (sleep 0.3; exec "$0" explain ELB030) | true"#,
            env!("CARGO_BIN_EXE_tf-elbcheck"),
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

/// The regular expressions of `problem-matcher.json`.
fn matcher_regexps() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("problem-matcher.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    doc["problemMatcher"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["pattern"][0]["regexp"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn problem_matcher_reads_compact_output() {
    let dir = workspace(Some("fail_on = \"bogus\"\n"));
    let assert = bin()
        .current_dir(dir.path())
        .args(["--format", "compact"])
        .assert()
        .code(2);
    let line = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let regexps = matcher_regexps();
    let first = regex::Regex::new(&regexps[0]).unwrap();
    let caps = first
        .captures(line.trim_end())
        .expect("the matcher reads the line");
    assert_eq!(&caps[1], ".tf-elbcheck.toml");
    assert_eq!(&caps[2], "1");
    assert_eq!(&caps[3], "11");
    assert_eq!(&caps[4], "error");
    assert_eq!(&caps[5], "TF010");
    assert!(caps[6].starts_with("invalid configuration"));
    // Windows paths with a drive letter, and notes.
    let note = regex::Regex::new(&regexps[1]).unwrap();
    let caps = note
        .captures(r"C:\infra\main.tf:12:3: note[ELB900]: unknown: a:b")
        .unwrap();
    assert_eq!(
        (&caps[1], &caps[2], &caps[4]),
        (r"C:\infra\main.tf", "12", "ELB900")
    );
    assert!(first
        .captures(r"C:\infra\main.tf:12:3: note[ELB900]: x")
        .is_none());
}

#[test]
fn integration_files_agree_with_the_binary() {
    let read = |p: &str| std::fs::read_to_string(root().join(p)).unwrap();
    let action = read("action.yml");
    for needle in [
        "using: composite",
        "  path:",
        "  format:",
        "  fail-on:",
        "  args:",
        "cargo install --locked",
        "--path \"$GITHUB_ACTION_PATH\"",
        "::add-matcher::$GITHUB_ACTION_PATH/problem-matcher.json",
        "::remove-matcher owner=tf-elbcheck::",
        "--fail-on \"$INPUT_FAIL_ON\"",
    ] {
        assert!(action.contains(needle), "action.yml lacks `{needle}`");
    }
    let hooks = read(".pre-commit-hooks.yaml");
    assert!(hooks.contains("id: tf-elbcheck"));
    assert!(hooks.contains("language: rust"));
    assert!(hooks.contains("entry: tf-elbcheck"));

    // The VS Code problem matcher in the README reads compact lines of every severity, like the
    // two matchers of problem-matcher.json together.
    let docs = read("README.md");
    let regexp_line = docs
        .lines()
        .find(|l| l.trim_start().starts_with("\"regexp\":"))
        .expect("the VS Code snippet has a regexp");
    let regexp_json: serde_json::Value =
        serde_json::from_str(&format!("{{{}}}", regexp_line.trim().trim_end_matches(','))).unwrap();
    let vscode = regex::Regex::new(regexp_json["regexp"].as_str().unwrap()).unwrap();
    let file_matchers: Vec<regex::Regex> = matcher_regexps()
        .iter()
        .map(|r| regex::Regex::new(r).unwrap())
        .collect();
    for (line, severity) in [
        (
            "infra/a b.tf:3:7: error[ELB004]: no ingress: port 8080",
            "error",
        ),
        (
            "infra/main.tf:10:1: warning[ELB021]: 0.0.0.0/0 admits 8080",
            "warning",
        ),
        ("main.tf:1:1: note[ELB900]: unknown value", "note"),
    ] {
        let caps = vscode.captures(line).expect(line);
        assert_eq!(&caps[4], severity);
        assert!(caps[6].len() > 5);
        let hits = file_matchers.iter().filter(|m| m.is_match(line)).count();
        assert_eq!(hits, 1, "{line}");
    }
    // Every flag of every `tf-elbcheck …` command line in the docs exists (in the main help
    // or a subcommand's).
    let mut help = String::new();
    for args in [&["--help"][..], &["lsp", "--help"]] {
        let out = bare().args(args).output().unwrap();
        help.push_str(&String::from_utf8(out.stdout).unwrap());
    }
    let flag = regex::Regex::new(r"--[a-z][a-z-]*").unwrap();
    let mut seen = 0;
    for line in docs.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("tf-elbcheck ") {
            for m in flag.find_iter(rest) {
                assert!(
                    help.contains(m.as_str()),
                    "{} in the docs but not in --help",
                    m.as_str()
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 5, "the docs show command lines");
    assert!(action.contains("read -r -d '' -a paths <<< \"$INPUT_PATH\""));
    assert!(action.contains("-- \"${paths[@]}\""));
}

#[test]
fn a_file_named_on_the_command_line_reads_its_directory_tfvars() {
    // terraform.tfvars moves the port to 9090, which the instance group does not admit: the
    // finding exists only if the variable file was read.
    let case = root().join("testdata/rules/ELB004/fail_tfvars_port");
    for path in [case.clone(), case.join("main.tf")] {
        let out = bin()
            .arg("--format")
            .arg("compact")
            .arg(&path)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{}: {text}", path.display());
        assert!(
            text.contains("error[ELB004]") && text.contains("9090"),
            "{}: {text}",
            path.display()
        );
    }
}

#[test]
fn listeners_sharing_one_unknown_port_share_one_note() {
    let dir = tempfile::tempdir().unwrap();
    let listener = |lb: u16| {
        format!("  listener {{\n    lb_port           = {lb}\n    lb_protocol       = \"tcp\"\n    instance_port     = var.port\n    instance_protocol = \"tcp\"\n  }}\n")
    };
    std::fs::write(
        dir.path().join("main.tf"),
        format!(
            "variable \"port\" {{}}\nresource \"aws_elb\" \"web\" {{\n  availability_zones = [\"us-east-1a\"]\n{}{}}}\n",
            listener(80),
            listener(443)
        ),
    )
    .unwrap();
    let out = bin()
        .args(["--format", "compact"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let notes: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("note[ELB900]") && l.contains("instance port"))
        .collect();
    assert_eq!(notes.len(), 1, "{text}");
    assert!(
        notes[0].contains("variable \"port\" has no default"),
        "{text}"
    );
}

#[test]
fn compact_lines_of_a_shared_module_name_the_root_that_calls_it() {
    // One module with a fault, called from two roots: two findings, told apart by the call.
    let dir = tempfile::tempdir().unwrap();
    let module =
        std::fs::read_to_string(root().join("testdata/rules/ELB004/fail_wrong_port/main.tf"))
            .unwrap();
    std::fs::create_dir_all(dir.path().join("mod")).unwrap();
    std::fs::write(dir.path().join("mod/main.tf"), module).unwrap();
    for env in ["dev", "prd"] {
        std::fs::create_dir_all(dir.path().join("live").join(env)).unwrap();
        std::fs::write(
            dir.path().join("live").join(env).join("main.tf"),
            "module \"web\" {\n  source = \"../../mod\"\n}\n",
        )
        .unwrap();
    }
    let out = bin()
        .args(["--format", "compact"])
        .current_dir(dir.path())
        .arg(".")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("error[ELB004]"))
        .collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].starts_with("mod/main.tf:38:1: ")
            && lines[0].ends_with("(via live/dev/main.tf:1)"),
        "{text}"
    );
    assert!(lines[1].ends_with("(via live/prd/main.tf:1)"), "{text}");
}

/// A file of a root checked as soon as it is parsed lets its text go when no finding points
/// into it; a directory that turns out to be a called module is read again, so findings in it
/// still show the right lines, and files with a suppression comment keep their text.
#[test]
fn texts_let_go_early_are_read_again_when_shown() {
    use tf_elbcheck::run::{check, Options};
    let dir = tempfile::tempdir().unwrap();
    // The load balancer's group lives in a module that calls no module: checked alone, the
    // module has no load balancer and no finding, so its text is let go until the root that
    // calls it is checked.
    let fixture = std::fs::read_to_string(
        root().join("testdata/rules/ELB001/fail_no_listener_ingress/main.tf"),
    )
    .unwrap();
    let start = fixture
        .find("resource \"aws_security_group\" \"lb\"")
        .unwrap();
    let end = fixture
        .find("resource \"aws_security_group\" \"app\"")
        .unwrap();
    let module = format!(
        "variable \"vpc_id\" {{}}\nvariable \"app_sg\" {{}}\n\n{}output \"id\" {{\n  value = aws_security_group.lb.id\n}}\n",
        fixture[start..end]
            .replace("aws_vpc.main.id", "var.vpc_id")
            .replace("aws_security_group.app.id", "var.app_sg")
    );
    let app = format!(
        "{}{}module \"lb_sg\" {{\n  source = \"../modules/lb\"\n  vpc_id = aws_vpc.main.id\n  app_sg = aws_security_group.app.id\n}}\n",
        &fixture[..start],
        fixture[end..].replace("aws_security_group.lb.id", "module.lb_sg.id")
    );
    let files = [
        ("modules/lb/main.tf", module.as_str()),
        ("app/main.tf", app.as_str()),
        ("quiet/main.tf", "variable \"a\" {\n  default = 1\n}\n"),
        (
            "noted/main.tf",
            "# tf-elbcheck:ignore ELB004 -- nothing here to suppress\nvariable \"b\" {\n  default = 1\n}\n",
        ),
    ];
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let outcome = check(&Options {
        paths: vec![dir.path().to_path_buf()],
        today: "2026-01-01".into(),
        ..Options::default()
    });
    let file_of = |suffix: &str| {
        outcome
            .sources
            .files()
            .find(|(_, f)| f.path.ends_with(suffix))
            .map(|(_, f)| f)
            .unwrap_or_else(|| panic!("{suffix} was read"))
    };
    let elb001 = outcome
        .findings
        .iter()
        .find(|f| f.code() == "ELB001")
        .unwrap_or_else(|| panic!("ELB001 in the module: {:?}", outcome.findings));
    let module_file = outcome.sources.get(elb001.span.file);
    assert!(module_file.path.ends_with("modules/lb/main.tf"));
    assert!(!module_file.unloaded);
    assert_eq!(module_file.text, module);
    let expected_line = module
        .lines()
        .position(|l| l.contains("expect: ELB001"))
        .unwrap()
        + 1;
    assert_eq!(outcome.sources.range(elb001.span).0.line, expected_line);
    // A root with nothing to show keeps no text; one with a directive keeps it, and the
    // directive that suppresses nothing is reported.
    assert!(file_of("quiet/main.tf").unloaded);
    assert!(file_of("quiet/main.tf").text.is_empty());
    assert!(!file_of("noted/main.tf").unloaded);
    assert!(outcome.findings.iter().any(|f| f.code() == "ELB030"
        && outcome
            .sources
            .get(f.span.file)
            .path
            .ends_with("noted/main.tf")));
}

#[test]
fn a_path_that_does_not_exist_or_holds_no_terraform_is_a_plain_error() {
    let dir = workspace(None);
    std::fs::create_dir(dir.path().join("empty")).unwrap();
    bin()
        .current_dir(dir.path())
        .arg("no/such/dir")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "error: path `no/such/dir` does not exist",
        ))
        .stdout(predicate::str::contains("TF001").not());
    bin()
        .current_dir(dir.path())
        .arg("empty")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no Terraform files (.tf, .tf.json, .tofu, .tofu.json) under `empty`",
        ));
}

#[test]
fn a_var_that_no_root_declares_is_an_error() {
    let dir = workspace(None);
    bin()
        .current_dir(dir.path())
        .args(["--var", "nosuch=80", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--var nosuch: no root module under the given paths declares a variable named `nosuch`",
        ));
}

#[test]
fn an_unknown_code_suggests_the_nearest() {
    bare()
        .args(["explain", "ELB04"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean ELB004"));
}

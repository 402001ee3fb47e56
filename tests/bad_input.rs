//! Bad input end to end (SPEC §7): every case gets a located message (`path:line:col`), the
//! right code and exit status 2, or analyses cleanly where the input is in fact valid (an empty
//! file, a BOM, CRLF line endings). Most cases put a valid root with a known fault (ELB001)
//! beside the bad one and assert that its finding still appears: a problem in one root does not
//! stop the others. Also here: the isolation guarantees of SPEC §6 (nothing outside the given
//! paths is read, nothing is fetched) and the evaluation limits of `eval::limits`.
//!
//! Every run has a generous timeout: it guards against hangs, it is not a timing assertion.

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

/// A root with one known fault: no ingress rule lets clients reach the listener.
const GOOD: &str = include_str!("../testdata/rules/ELB001/fail_no_listener_ingress/main.tf");
/// The finding [`GOOD`] produces when written as `good/main.tf`.
const GOOD_FINDING: &str = "good/main.tf:17:1: error[ELB001]";

/// Writes files (relative path, bytes) under a new temporary directory.
fn workspace(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    dir
}

fn write(dir: &Path, files: &[(&str, &[u8])]) {
    for (name, bytes) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// Runs the binary in `dir` on `.` with `--format compact`; returns exit status and stdout.
fn run(dir: &Path, extra: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"))
        .current_dir(dir)
        .args(["--format", "compact"])
        .args(extra)
        .timeout(Duration::from_secs(180))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflow"),
        "the run crashed:\n{stderr}"
    );
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("killed by a signal (timeout or crash):\n{stdout}\n{stderr}"));
    (code, stdout)
}

/// Runs the bad files next to `good/main.tf`: asserts exit status 2, that every expected
/// `path:line:col: severity[CODE]` prefix (and message fragment) appears, and that the good
/// root was still checked. Returns stdout.
fn bad_beside_good(files: &[(&str, &[u8])], expected: &[(&str, &str)]) -> String {
    let mut all = files.to_vec();
    all.push(("good/main.tf", GOOD.as_bytes()));
    let dir = workspace(&all);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 2, "exit status:\n{out}");
    for (location, fragment) in expected {
        assert!(
            out.lines()
                .any(|l| l.starts_with(location) && l.contains(fragment)),
            "expected `{location}` with `{fragment}` in:\n{out}"
        );
    }
    assert!(
        out.contains(GOOD_FINDING),
        "the good root was not checked:\n{out}"
    );
    out
}

// ----- SPEC §7 --------------------------------------------------------------------------------

#[test]
fn syntax_error_is_located() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"resource \"aws_vpc\" \"a\" {\n  cidr_block = \n}\n",
        )],
        &[("bad/main.tf:2:16: error[TF001]", "syntax error")],
    );
}

#[test]
fn a_syntax_error_does_not_make_every_name_of_its_module_undeclared() {
    // variables.tf fails to parse (HCL1 syntax), so the names it declares are missing: the
    // references to them in main.tf prove nothing, and the syntax error is the one finding.
    let out = bad_beside_good(
        &[
            (
                "bad/main.tf",
                b"resource \"aws_security_group\" \"lb\" {\n  name = \"${var.env}-lb\"\n}\n",
            ),
            (
                "bad/variables.tf",
                b"variable \"env\" {}\nvariable \"sg\" {type=\"list\",default=[]}\n",
            ),
        ],
        &[("bad/variables.tf:2:", "error[TF001]: syntax error")],
    );
    assert!(!out.contains("TF002"), "{out}");
}

#[test]
fn non_utf8_file_is_located_at_the_first_bad_byte() {
    bad_beside_good(
        &[("bad/main.tf", b"locals {\n  a = \"caf\xe9\"\n}\n")],
        &[("bad/main.tf:2:11: error[TF001]", "not valid UTF-8")],
    );
}

#[test]
fn binary_file_is_located_at_the_first_nul() {
    bad_beside_good(
        &[("bad/main.tf", b"\x7fELF\x02\x01\x01\x00\x00\x00")],
        &[("bad/main.tf:1:8: error[TF001]", "binary")],
    );
}

#[test]
fn empty_file_is_valid() {
    let dir = workspace(&[("main.tf", b""), ("other.tf", b"\n\n")]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!((code, out.as_str()), (0, ""));
    // An empty file beside a root with a fault changes nothing.
    let dir = workspace(&[("good/empty.tf", b""), ("good/main.tf", GOOD.as_bytes())]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains(GOOD_FINDING), "{out}");
}

#[test]
fn unknown_block_type_is_an_error() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"foo {}\n\nresorce \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        )],
        &[
            (
                "bad/main.tf:1:1: error[TF001]",
                "unsupported block type \"foo\"",
            ),
            (
                "bad/main.tf:3:1: error[TF001]",
                "unsupported block type \"resorce\"",
            ),
        ],
    );
}

#[test]
fn top_level_argument_is_an_error() {
    bad_beside_good(
        &[("bad/main.tf", b"\nregion = \"eu-west-1\"\n")],
        &[(
            "bad/main.tf:2:1: error[TF001]",
            "unsupported argument \"region\"",
        )],
    );
}

#[test]
fn wrong_attribute_type_is_located() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"resource \"aws_security_group\" \"a\" {\n  ingress {\n    from_port   = \"eighty\"\n    to_port     = 80\n    protocol    = \"tcp\"\n    cidr_blocks = [\"0.0.0.0/0\"]\n  }\n}\n",
        )],
        &[("bad/main.tf:3:19: error[TF004]", "\"eighty\"")],
    );
}

#[test]
fn undeclared_reference_is_located() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"resource \"aws_vpc\" \"a\" {\n  cidr_block = var.nope\n}\n",
        )],
        &[("bad/main.tf:2:16: error[TF002]", "var.nope")],
    );
}

#[test]
fn cycle_among_locals_is_located() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"locals {\n  a = local.b\n  b = local.c\n  c = local.a\n}\n",
        )],
        &[(
            "bad/main.tf:4:7: error[TF003]",
            "cycle among references: local.a → local.b → local.c → local.a",
        )],
    );
}

#[test]
fn self_referencing_modules_are_located() {
    bad_beside_good(
        &[
            ("self/main.tf", b"module \"me\" {\n  source = \"./\"\n}\n"),
            (
                "ping/main.tf",
                b"module \"pong\" {\n  source = \"../pong\"\n}\n",
            ),
            (
                "pong/main.tf",
                b"module \"ping\" {\n  source = \"../ping\"\n}\n",
            ),
        ],
        &[
            ("self/main.tf:2:12: error[TF003]", "calls itself"),
            ("pong/main.tf:2:12: error[TF003]", "calls itself"),
        ],
    );
}

#[cfg(unix)]
#[test]
fn symlink_loop_is_reported_and_not_followed() {
    let dir = workspace(&[("good/main.tf", GOOD.as_bytes())]);
    std::fs::create_dir_all(dir.path().join("bad/sub")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("bad/sub/up")).unwrap();
    std::os::unix::fs::symlink("loop2", dir.path().join("bad/loop1.tf")).unwrap();
    std::os::unix::fs::symlink("loop1.tf", dir.path().join("bad/loop2")).unwrap();
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains(":1:1: error[TF001]") && l.contains("symbolic link loop")),
        "{out}"
    );
    assert!(out.contains(GOOD_FINDING), "{out}");
}

#[cfg(unix)]
#[test]
fn broken_links_matter_only_for_files_terraform_reads() {
    // A vendored `.yml` whose target is missing is none of Terraform's business; a broken
    // `.tf` link is a file Terraform would fail to read.
    let dir = workspace(&[("good/main.tf", GOOD.as_bytes())]);
    std::fs::create_dir_all(dir.path().join("good/manifests")).unwrap();
    std::os::unix::fs::symlink("../missing.yml", dir.path().join("good/manifests/a.yml")).unwrap();
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("TF001"), "{out}");
    std::os::unix::fs::symlink("missing.tf", dir.path().join("good/broken.tf")).unwrap();
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("good/broken.tf:1:1: error[TF001]")),
        "{out}"
    );
    assert!(out.contains(GOOD_FINDING), "{out}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_is_located() {
    use std::os::unix::fs::PermissionsExt;
    let dir = workspace(&[
        ("bad/main.tf", b"locals {\n  a = 1\n}\n"),
        ("good/main.tf", GOOD.as_bytes()),
    ]);
    let file = dir.path().join("bad/main.tf");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o000)).unwrap();
    let (code, out) = run(dir.path(), &[]);
    assert!(out.contains(GOOD_FINDING), "{out}");
    if std::fs::read(&file).is_ok() {
        // Running as root (as CI does here): permissions do not stop reading, so the file is
        // simply valid. The run must still finish and check the good root.
        assert_eq!(code, 1, "{out}");
    } else {
        assert_eq!(code, 2, "{out}");
        assert!(
            out.contains("bad/main.tf:1:1: error[TF001]: cannot read file"),
            "{out}"
        );
    }
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn ten_thousand_deep_expression_is_a_located_error() {
    for (open, close) in [
        ("(", ")"),
        ("[", "]"),
        ("{a = ", "}"),
        ("abs(", ")"),
        ("!", ""),
    ] {
        let text = format!(
            "locals {{\n  a = {}true{}\n}}\n",
            open.repeat(10_000),
            close.repeat(10_000)
        );
        let out = bad_beside_good(
            &[("bad/main.tf", text.as_bytes())],
            &[("bad/main.tf:2:", "error[TF001]: syntax error")],
        );
        assert!(out.contains("nest"), "{out}");
    }
}

#[test]
fn deep_nested_blocks_are_a_located_error() {
    let text = format!(
        "resource \"x\" \"y\" {{\n{}{}}}\n",
        "a {\n".repeat(10_000),
        "}\n".repeat(10_000)
    );
    bad_beside_good(
        &[("bad/main.tf", text.as_bytes())],
        &[(
            "bad/main.tf:65:3: error[TF001]",
            "syntax error: invalid nesting depth",
        )],
    );
}

#[test]
fn hundred_megabyte_file_is_refused_without_reading_it() {
    let dir = workspace(&[("good/main.tf", GOOD.as_bytes())]);
    std::fs::create_dir_all(dir.path().join("bad")).unwrap();
    // Sparse: the test does not write 100 MB, and a reader that tried to read it all would
    // still get 100 MB of NULs (reported as binary, not as too large).
    let file = std::fs::File::create(dir.path().join("bad/huge.tf")).unwrap();
    file.set_len(100 * 1024 * 1024).unwrap();
    drop(file);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "bad/huge.tf:1:1: error[TF001]: file is 104857600 bytes, larger than the limit of 16777216 bytes; it was not read"
        ),
        "{out}"
    );
    assert!(out.contains(GOOD_FINDING), "{out}");
}

#[test]
fn huge_count_is_a_located_error() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"resource \"aws_instance\" \"a\" {\n  count = 1e9\n}\nresource \"aws_instance\" \"b\" {\n  for_each = toset([for i in range(1000) : [for j in range(20) : \"${i}-${j}\"]]...)\n}\n",
        )],
        &[
            ("bad/main.tf:2:11: error[TF004]", "more than the limit of 10000 instances"),
        ],
    );
}

#[test]
fn a_problem_in_one_root_does_not_stop_the_others() {
    let out = bad_beside_good(
        &[
            ("a/main.tf", b"resource \"aws_vpc\" \"a\" {\n"),
            ("b/main.tf", b"locals {\n  x = local.x\n}\n"),
            (
                "c/main.tf",
                b"resource \"aws_vpc\" \"c\" {\n  cidr_block = var.missing\n}\n",
            ),
            ("d/main.tf", b"\x00\x01\x02"),
            ("e/main.tf", b"bogus {}\n"),
        ],
        &[
            ("a/main.tf:1:25: error[TF001]", ""),
            ("b/main.tf:2:7: error[TF003]", ""),
            ("c/main.tf:2:16: error[TF002]", ""),
            ("d/main.tf:1:1: error[TF001]", ""),
            ("e/main.tf:1:1: error[TF001]", ""),
        ],
    );
    // A second valid root, checked in the same run, after the bad ones in path order.
    assert_eq!(out.matches("error[ELB001]").count(), 1, "{out}");
    let mut files: Vec<(&str, &[u8])> = vec![
        ("a/main.tf", b"resource \"aws_vpc\" \"a\" {\n"),
        ("good/main.tf", GOOD.as_bytes()),
        ("zz/main.tf", GOOD.as_bytes()),
    ];
    files.push(("b/main.tf", b"locals {\n  x = local.x\n}\n"));
    let dir = workspace(&files);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("zz/main.tf:17:1: error[ELB001]"), "{out}");
    assert!(out.contains(GOOD_FINDING), "{out}");
}

// ----- the additions --------------------------------------------------------------------

#[test]
fn duplicate_resource_names_are_located() {
    bad_beside_good(
        &[
            (
                "bad/main.tf",
                b"resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            (
                "bad/other.tf",
                b"\nresource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n",
            ),
        ],
        &[(
            "bad/other.tf:2:1: error[TF001]",
            "duplicate resource \"aws_vpc.a\"",
        )],
    );
}

#[test]
fn override_of_nothing_is_located() {
    // Terraform refuses an override file whose block overrides no block of a primary file.
    bad_beside_good(
        &[
            (
                "bad/main.tf",
                b"resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
            (
                "bad/vpc_override.tf",
                b"resource \"aws_vpc\" \"mian\" {\n  cidr_block = \"10.1.0.0/16\"\n}\n",
            ),
        ],
        &[(
            "bad/vpc_override.tf:1:1: error[TF001]",
            "override of resource \"aws_vpc.mian\", which no primary file of this module declares",
        )],
    );
}

#[test]
fn variable_type_constraint_violations_are_located() {
    bad_beside_good(
        &[
            (
                "bad/main.tf",
                b"variable \"port\" {\n  type    = number\n  default = \"eighty\"\n}\nvariable \"cidrs\" {\n  type = list(string)\n}\nvariable \"rule\" {\n  type    = object({ port = number })\n  default = { port = [] }\n}\n",
            ),
            ("bad/terraform.tfvars", b"cidrs = { a = [1] }\n"),
        ],
        &[
            ("bad/main.tf:3:13: error[TF004]", "invalid value for variable \"port\""),
            ("bad/terraform.tfvars:1:9: error[TF004]", "invalid value for variable \"cidrs\""),
            ("bad/main.tf:10:13: error[TF004]", "invalid value for variable \"rule\""),
        ],
    );
}

#[test]
fn tfvars_syntax_errors_are_located() {
    bad_beside_good(
        &[
            ("bad/main.tf", b"variable \"p\" {\n  type = number\n}\n"),
            ("bad/terraform.tfvars", b"p = 1\nq = [1,\n"),
            ("bad/x.auto.tfvars.json", b"{\"p\": 2,}"),
        ],
        &[
            ("bad/terraform.tfvars:2:8: error[TF001]", "syntax error"),
            (
                "bad/x.auto.tfvars.json:1:9: error[TF001]",
                "JSON syntax error",
            ),
        ],
    );
}

#[test]
fn var_file_syntax_error_is_located() {
    let dir = workspace(&[
        ("good/main.tf", GOOD.as_bytes()),
        ("vars.tfvars", b"port = \n"),
    ]);
    let (code, out) = run(dir.path(), &["--var-file", "vars.tfvars", "good"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("vars.tfvars:1:8: error[TF001]: syntax error"),
        "{out}"
    );
    assert!(out.contains(GOOD_FINDING), "{out}");
}

#[test]
fn missing_module_source_is_located() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"module \"nosource\" {\n  count = 1\n}\n\nmodule \"gone\" {\n  source = \"./modules/gone\"\n}\n\nmodule \"computed\" {\n  source = \"./${var.x}\"\n}\n",
        )],
        &[
            ("bad/main.tf:1:1: error[TF001]", "no literal \"source\""),
            ("bad/main.tf:6:12: error[TF001]", "\"./modules/gone\" has no Terraform files"),
            ("bad/main.tf:9:1: error[TF001]", "no literal \"source\""),
        ],
    );
}

#[test]
fn heredoc_without_terminator_is_located() {
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"locals {\n  policy = <<EOF\n{\"a\": 1}\n}\n",
        )],
        &[(
            "bad/main.tf:3:1: error[TF001]",
            "syntax error: expected heredoc end delimiter",
        )],
    );
}

#[test]
fn instance_port_out_of_range_is_located() {
    let text = GOOD.replace("instance_port     = 8080", "instance_port     = 70000");
    assert_ne!(text, GOOD, "the fixture changed: update this test");
    let out = bad_beside_good(
        &[("bad/main.tf", text.as_bytes())],
        &[(
            "bad/main.tf:",
            "error[TF004]: `instance_port` is 70000, but a port must be between 1 and 65535",
        )],
    );
    let line = GOOD
        .lines()
        .position(|l| l.contains("instance_port"))
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!("bad/main.tf:{line}:")),
        "expected the instance_port line {line}:\n{out}"
    );
}

#[test]
fn huge_ports_and_rule_numbers_say_out_of_range() {
    // 1e300 is a whole number, just not one any port or rule number can be.
    let text = GOOD
        .replace("instance_port     = 8080", "instance_port     = 1e300")
        .replacen("from_port   = 443", "from_port   = 1e300", 1);
    assert_eq!(
        text.matches("1e300").count(),
        2,
        "the fixture changed: update this test"
    );
    bad_beside_good(
        &[("bad/main.tf", text.as_bytes())],
        &[
            (
                "bad/main.tf:",
                "error[TF004]: `instance_port` is 1e300, far outside the port range 0-65535",
            ),
            (
                "bad/main.tf:",
                "error[TF004]: `from_port` is 1e300, far outside the port range 0-65535",
            ),
        ],
    );
}

#[test]
fn malformed_health_check_targets_are_located() {
    for (target, column) in [
        ("HTTP80", 27),
        ("HTTP:80", 27),
        ("TCP:99999", 27),
        ("GOPHER:70", 27),
        ("", 27),
    ] {
        let text = GOOD.replace("HTTP:8080/", target);
        assert_ne!(text, GOOD, "the fixture changed: update this test");
        let dir = workspace(&[("bad/main.tf", text.as_bytes())]);
        let (code, out) = run(dir.path(), &[]);
        assert_eq!(code, 1, "{target}: {out}");
        let line = GOOD.lines().position(|l| l.contains("HTTP:8080/")).unwrap() + 1;
        let at = format!("bad/main.tf:{line}:{column}: error[ELB024]");
        assert!(out.contains(&at), "{target}: expected {at} in:\n{out}");
    }
}

#[test]
fn bom_and_crlf_analyse_like_the_plain_file() {
    let plain = workspace(&[("good/main.tf", GOOD.as_bytes())]);
    let (code, expected) = run(plain.path(), &[]);
    assert_eq!(code, 1);
    let crlf = GOOD.replace('\n', "\r\n");
    for text in [
        format!("\u{feff}{GOOD}"),
        crlf.clone(),
        format!("\u{feff}{crlf}"),
    ] {
        let dir = workspace(&[("good/main.tf", text.as_bytes())]);
        let (code, out) = run(dir.path(), &[]);
        assert_eq!((code, &out), (1, &expected), "BOM/CRLF changed the result");
    }
    // The human format shows the CRLF lines as plain lines, without a drawn carriage return.
    let dir = workspace(&[("good/main.tf", crlf.as_bytes())]);
    let out = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"))
        .current_dir(dir.path())
        .args(["--color", "never"])
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&out.stdout);
    assert!(
        human.contains("error[ELB001]") && !human.contains('\u{240d}'),
        "{human}"
    );
    // A valid root with a BOM, CRLF and a CRLF heredoc has no findings at all.
    let clean = "\u{feff}locals {\r\n  text = <<EOT\r\n  hello\r\nEOT\r\n}\r\nresource \"aws_vpc\" \"a\" {\r\n  cidr_block = \"10.0.0.0/16\"\r\n}\r\n";
    let dir = workspace(&[("main.tf", clean.as_bytes())]);
    assert_eq!(run(dir.path(), &[]), (0, String::new()));
    // Locations in a BOM file count from the first character after the BOM.
    let dir = workspace(&[(
        "main.tf",
        "\u{feff}locals {\r\n  a = var.b\r\n}\r\n".as_bytes(),
    )]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 2);
    assert!(out.starts_with("main.tf:2:7: error[TF002]"), "{out}");
}

// ----- evaluation limits ---------------------------------------------------------------------

/// `count` of locals, each referring to the next through `depth` nested calls.
fn reference_chain(count: usize, open: &str, close: &str, depth: usize) -> String {
    let mut text = String::from("locals {\n");
    for i in 0..count {
        text.push_str(&format!(
            "  a{i} = {}local.a{}{}\n",
            open.repeat(depth),
            i + 1,
            close.repeat(depth)
        ));
    }
    text.push_str(&format!("  a{count} = 1\n}}\n"));
    text
}

#[test]
fn deep_evaluation_through_references_is_a_located_error() {
    // 199 locals, each nesting 30 calls: 6,000 nested evaluations. This used to overflow the
    // stack; now evaluation stops at 500 with one finding.
    let text = reference_chain(199, "abs(", ")", 30);
    let out = bad_beside_good(
        &[("bad/main.tf", text.as_bytes())],
        &[(
            "bad/main.tf:",
            "error[TF004]: expressions nest more than 500 levels deep through references",
        )],
    );
    assert_eq!(out.matches("error[TF004]").count(), 1, "{out}");
    // Lists and for expressions build values as deep as the evaluation: the value depth limit
    // stops them first, wherever a value passes 256 levels.
    for (open, close) in [("[", "]"), ("[for x in [1] : ", "]")] {
        let text = reference_chain(199, open, close, 30);
        bad_beside_good(
            &[("bad/main.tf", text.as_bytes())],
            &[(
                "bad/main.tf:",
                "error[TF004]: this value nests lists and objects more than 256 levels deep",
            )],
        );
    }
}

#[test]
fn long_reference_chains_are_a_located_error() {
    let locals = reference_chain(300, "", "", 0);
    let mut resources = String::new();
    for i in 0..300 {
        resources.push_str(&format!(
            "resource \"aws_vpc\" \"r{i}\" {{\n  cidr_block = aws_vpc.r{}.cidr_block\n}}\n",
            i + 1
        ));
    }
    resources.push_str("resource \"aws_vpc\" \"r300\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
    bad_beside_good(
        &[
            ("locals/main.tf", locals.as_bytes()),
            ("resources/main.tf", resources.as_bytes()),
        ],
        &[
            (
                "locals/main.tf:",
                "error[TF004]: references nest more than 200 levels deep",
            ),
            (
                "resources/main.tf:",
                "error[TF004]: references nest more than 200 levels deep",
            ),
        ],
    );
}

#[test]
fn values_that_double_are_stopped_at_the_size_limit() {
    let mut strings = String::from("locals {\n  s0 = \"0123456789abcdef\"\n");
    let mut lists = String::from("locals {\n  l0 = [1, 2, 3, 4]\n");
    for i in 1..=40 {
        strings.push_str(&format!(
            "  s{i} = \"${{local.s{}}}${{local.s{}}}\"\n",
            i - 1,
            i - 1
        ));
        lists.push_str(&format!("  l{i} = [local.l{}, local.l{}]\n", i - 1, i - 1));
    }
    strings.push_str("}\n");
    lists.push_str("}\n");
    bad_beside_good(
        &[
            ("strings/main.tf", strings.as_bytes()),
            ("lists/main.tf", lists.as_bytes()),
            (
                "replace/main.tf",
                b"locals {\n  a = join(\"\", [for i in range(1000) : \"aaaaaaaaaa\"])\n  b = replace(local.a, \"a\", local.a)\n}\n",
            ),
        ],
        &[
            ("strings/main.tf:", "error[TF004]: template result is larger than the limit of 16 MiB"),
            ("lists/main.tf:", "error[TF004]: this value is larger than the limit of 16 MiB"),
            ("replace/main.tf:3:7: error[TF004]", "replace: the result would be 100010000 bytes long"),
        ],
    );
}

#[test]
fn instances_multiplied_through_modules_are_bounded() {
    bad_beside_good(
        &[
            ("bad/main.tf", b"module \"a\" {\n  source = \"./a\"\n  count  = 1000\n}\n"),
            ("bad/a/main.tf", b"module \"b\" {\n  source = \"../b\"\n  count  = 1000\n}\n"),
            (
                "bad/b/main.tf",
                b"resource \"aws_vpc\" \"v\" {\n  count      = 1000\n  cidr_block = \"10.0.0.0/16\"\n}\n",
            ),
        ],
        &[(
            "bad/",
            "error[TF004]: this root has more than 100000 resource and module instances",
        )],
    );
}

#[test]
fn endless_work_is_stopped() {
    // 1000 × 1000 × 1000 iterations that build nothing big: only the work budget stops it.
    bad_beside_good(
        &[(
            "bad/main.tf",
            b"locals {\n  l = range(1000)\n  a = [for x in local.l : length([for y in local.l : length([for z in local.l : z])])]\n}\n",
        )],
        &[("bad/main.tf:3:", "error[TF004]: evaluation of this root needs more than")],
    );
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_not_read() {
    let dir = workspace(&[
        ("bad/main.tf", b"variable \"p\" {\n  default = 1\n}\n"),
        ("good/main.tf", GOOD.as_bytes()),
    ]);
    // A FIFO would block a reader forever; /dev/zero would never end.
    let fifo = dir.path().join("bad/a.auto.tfvars");
    let status = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !status.is_ok_and(|s| s.success()) {
        eprintln!("mkfifo is not available; the FIFO case is skipped");
        std::fs::write(&fifo, "p = 2\n").unwrap();
    }
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("bad/b.auto.tfvars")).unwrap();
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains(
            "bad/b.auto.tfvars:1:1: error[TF001]: cannot read file: it is not a regular file"
        ),
        "{out}"
    );
    assert!(out.contains(GOOD_FINDING), "{out}");
}

// ----- isolation (SPEC §6) ---------------------------------------------------------------------

/// A root whose load balancer group admits clients from `cidr` (an expression).
fn root_with_client_cidr(cidr: &str) -> String {
    GOOD.replacen(
        "  egress {",
        &format!(
            "  ingress {{\n    from_port   = 80\n    to_port     = 80\n    protocol    = \"tcp\"\n    cidr_blocks = [{cidr}]\n  }}\n\n  egress {{"
        ),
        1,
    )
}

#[test]
fn file_outside_the_scanned_path_is_unknown_and_never_read() {
    let outside = tempfile::tempdir().unwrap();
    let secret = "0.0.0.0/0 SECRET-7f3a9c";
    std::fs::write(outside.path().join("secret.txt"), secret).unwrap();
    let scanned = tempfile::tempdir().unwrap();
    // Through a relative path, an absolute path and a symbolic link inside the root.
    let absolute = outside.path().join("secret.txt");
    let mut cases = vec![
        format!(
            "trimspace(file(\"{}\"))",
            pathdiff(outside.path(), &scanned.path().join("root"))
                .join("secret.txt")
                .display()
        ),
        format!("trimspace(file(\"{}\"))", absolute.display()),
    ];
    #[cfg(unix)]
    {
        std::fs::create_dir_all(scanned.path().join("root")).unwrap();
        std::os::unix::fs::symlink(&absolute, scanned.path().join("root/link.txt")).unwrap();
        cases.push("trimspace(file(\"link.txt\"))".into());
    }
    for expr in cases {
        let text = root_with_client_cidr(&expr);
        write(scanned.path(), &[("root/main.tf", text.as_bytes())]);
        let out = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"))
            .current_dir(scanned.path())
            .args(["--format", "json", "root"])
            .timeout(Duration::from_secs(180))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            !stdout.contains("SECRET-7f3a9c"),
            "{expr}: the secret leaked:\n{stdout}"
        );
        // The rule's peer is unknown, so ELB001 cannot be decided: a note says why.
        assert!(
            stdout.contains("reads outside the scanned paths, so its content is not read"),
            "{expr}:\n{stdout}"
        );
        assert!(stdout.contains("\"ELB900\""), "{expr}:\n{stdout}");
        assert!(!stdout.contains("\"ELB001\""), "{expr}:\n{stdout}");
    }
    // The same file inside the scanned path is read.
    write(
        scanned.path(),
        &[
            ("inside/secret.txt", b"0.0.0.0/0\n"),
            (
                "inside/main.tf",
                root_with_client_cidr("trimspace(file(\"secret.txt\"))").as_bytes(),
            ),
        ],
    );
    let (code, out) = run(&scanned.path().join("inside"), &[]);
    assert_eq!(code, 0, "{out}");
}

/// `to` relative to `from`, with `..` as needed (both absolute).
fn pathdiff(to: &Path, from: &Path) -> std::path::PathBuf {
    let to: Vec<_> = to.components().collect();
    let from: Vec<_> = from.components().collect();
    let common = to.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut out = std::path::PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for c in &to[common..] {
        out.push(c);
    }
    out
}

#[test]
fn module_outside_the_scanned_path_is_not_read() {
    let top = tempfile::tempdir().unwrap();
    // `outside` holds a module whose group would fix the fault; it must not be read, so the
    // fault stays undecided rather than passing.
    write(
        top.path(),
        &[
            (
                "outside/main.tf",
                b"output \"cidr\" {\n  value = \"0.0.0.0/0\"\n}\nthis is not even valid HCL\n",
            ),
            (
                "scanned/root/main.tf",
                format!(
                    "module \"out\" {{\n  source = \"../../outside\"\n}}\n{}",
                    root_with_client_cidr("module.out.cidr")
                )
                .as_bytes(),
            ),
        ],
    );
    let (code, out) = run(&top.path().join("scanned"), &["--fail-on", "note"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        !out.contains("outside/main.tf"),
        "the outside module was read:\n{out}"
    );
    assert!(
        out.contains("note[ELB900]")
            && out.contains("lies outside")
            && out.contains("was not read"),
        "{out}"
    );
    // The call itself says that the module was skipped, and how to include it.
    assert!(
        out.lines()
            .any(|l| l.starts_with("root/main.tf:2:12: note[TF005]: module.out:")),
        "{out}"
    );
}

/// A module outside the scanned path but inside the repository (`.git` above it) is read, as
/// `tf-elbcheck environments/dev` on a monorepo calling `../../modules` expects; one beyond the
/// repository, or reached through a link that leaves it, is not.
#[test]
fn module_outside_the_scanned_path_inside_the_repository_is_read() {
    let top = tempfile::tempdir().unwrap();
    let repo = top.path().join("repo");
    write(
        &repo,
        &[
            (".git/HEAD", b"ref: refs/heads/main\n".as_slice()),
            (
                "modules/net/main.tf",
                b"output \"cidr\" {\n  value = \"0.0.0.0/0\"\n}\n".as_slice(),
            ),
            (
                "environments/dev/main.tf",
                format!(
                    "module \"net\" {{\n  source = \"../../modules/net\"\n}}\n{}",
                    root_with_client_cidr("module.net.cidr")
                )
                .as_bytes(),
            ),
        ],
    );
    let (code, out) = run(&repo.join("environments/dev"), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        !out.contains("TF005") && !out.contains("ELB900"),
        "the module's output decides the rule:\n{out}"
    );
    // The same module through a link to a copy outside the repository is not read.
    write(
        top.path(),
        &[(
            "elsewhere/net/main.tf",
            b"output \"cidr\" {\n  value = \"0.0.0.0/0\"\n}\n".as_slice(),
        )],
    );
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            top.path().join("elsewhere/net"),
            repo.join("modules/linked"),
        )
        .unwrap();
        std::fs::write(
            repo.join("environments/dev/main.tf"),
            format!(
                "module \"net\" {{\n  source = \"../../modules/linked\"\n}}\n{}",
                root_with_client_cidr("module.net.cidr")
            ),
        )
        .unwrap();
        let (_, out) = run(&repo.join("environments/dev"), &[]);
        assert!(
            out.contains("TF005") && out.contains("was not read") && out.contains("ELB900"),
            "{out}"
        );
    }
}

#[test]
fn remote_modules_are_not_fetched() {
    let text = format!(
        "module \"registry\" {{\n  source  = \"terraform-aws-modules/security-group/aws\"\n  version = \"5.1.0\"\n}}\nmodule \"git\" {{\n  source = \"git::https://example.invalid/net.git?ref=v1\"\n}}\nmodule \"http\" {{\n  source = \"https://example.invalid/net.zip\"\n}}\n{}",
        root_with_client_cidr("module.registry.cidr, module.git.cidr, module.http.cidr")
    );
    let dir = workspace(&[("root/main.tf", text.as_bytes())]);
    let (code, out) = run(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("note[ELB900]")
            && out.contains("is not installed locally")
            && out.contains("it was not fetched"),
        "{out}"
    );
}

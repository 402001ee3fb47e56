//! Every output format on one shared scenario, and proof that what the tool writes puts each
//! finding on the right line for GitHub code scanning, PR annotations and editors.
//!
//! - Golden files: the binary runs in `testdata/formats/scenario` once per format and its
//!   output must equal `testdata/formats/expected/<format>.txt` (the SARIF base URI, which
//!   depends on the checkout, is replaced by `file:///SRCROOT/`). `UPDATE_GOLDEN=1 cargo test
//!   --test formats` rewrites them; review the diff before committing.
//! - Consistency: all formats of one run name the same (file, line, column, code) set, the
//!   exit status follows the findings and `--fail-on`.
//! - Placement: a SARIF log, GitHub commands and compact lines made from the scenario's real
//!   files are resolved the way their consumers resolve them (URI against `%SRCROOT%`, file
//!   against the workspace, the problem matcher's regexp) and must land on the text the
//!   finding points at.
//! - SARIF logs validate against the SARIF 2.1.0 JSON schema.
//! - The markdown table links each finding to its line, and its diagram draws the blocked hop
//!   in red (`scripts/check-mermaid.sh` parses the diagrams with Mermaid itself).

use regex::Regex;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use tf_elbcheck::diagnostic::FailOn;
use tf_elbcheck::diagnostic::Outcome;
use tf_elbcheck::diagnostic::{Finding, Severity};
use tf_elbcheck::report::{self, Format, RenderOptions};
use tf_elbcheck::source::{FileId, SourceTable, Span};
use tf_elbcheck::suppress;

const TODAY: &str = "2025-06-15";
const FORMATS: [&str; 6] = ["human", "json", "sarif", "github", "compact", "markdown"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn scenario() -> PathBuf {
    root().join("testdata/formats/scenario")
}

/// Runs the binary in the scenario directory; returns the exit status and stdout.
fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"))
        .current_dir(scenario())
        .args(["--today", TODAY, "--color", "never"])
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs");
    assert!(
        out.stderr.is_empty(),
        "unexpected stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        out.status.code().expect("exit status"),
        String::from_utf8(out.stdout).expect("UTF-8 output"),
    )
}

/// The SARIF base URI of a directory, as the tool writes it.
fn dir_uri(dir: &Path) -> String {
    let mut uri = String::from("file://");
    for b in dir.to_string_lossy().replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                uri.push(b as char)
            }
            _ => uri.push_str(&format!("%{b:02X}")),
        }
    }
    if !uri.starts_with("file:///") {
        uri.insert(7, '/');
    }
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

fn normalize_sarif(text: &str) -> String {
    text.replace(&dir_uri(&scenario()), "file:///SRCROOT/")
}

/// Compares with a golden file, or rewrites it when `UPDATE_GOLDEN` is set.
fn golden(name: &str, actual: &str) {
    let path = root().join("testdata/formats/expected").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `UPDATE_GOLDEN=1 cargo test --test formats`",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from its golden file {}\n--- expected\n{expected}\n--- actual\n{actual}\n\
         (run `UPDATE_GOLDEN=1 cargo test --test formats` if the change is intended)",
        path.display()
    );
}

fn sarif_validator() -> jsonschema::Validator {
    let shared = root().join("../shared/schemas/sarif-2.1.0.json");
    let copy = root().join("testdata/schemas/sarif-2.1.0.json");
    let path = if shared.is_file() { shared } else { copy };
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid_sarif(text: &str) {
    let doc: Value = serde_json::from_str(text).expect("SARIF is JSON");
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
}

/// The problem matcher's regular expressions, with the group numbers of each field.
struct Matcher {
    regex: Regex,
    severity: Option<usize>,
    default_severity: Option<String>,
    file: usize,
    line: usize,
    column: usize,
    code: usize,
    message: usize,
}

fn matchers() -> Vec<Matcher> {
    let text = std::fs::read_to_string(root().join("problem-matcher.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let group = |p: &Value, k: &str| p[k].as_u64().map(|n| n as usize);
    doc["problemMatcher"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let p = &m["pattern"][0];
            Matcher {
                regex: Regex::new(p["regexp"].as_str().unwrap()).unwrap(),
                severity: group(p, "severity"),
                default_severity: m["severity"].as_str().map(str::to_string),
                file: group(p, "file").unwrap(),
                line: group(p, "line").unwrap(),
                column: group(p, "column").unwrap(),
                code: group(p, "code").unwrap(),
                message: group(p, "message").unwrap(),
            }
        })
        .collect()
}

/// (file, line, column, code) of a located finding in any format.
type Key = (String, usize, usize, String);

/// Reads compact output with the problem matcher, as GitHub and editors do. Returns the keys
/// and the severities the matcher assigns.
fn read_compact(text: &str) -> Vec<(Key, String, String)> {
    let matchers = matchers();
    text.lines()
        .map(|line| {
            let hits: Vec<_> = matchers
                .iter()
                .filter_map(|m| m.regex.captures(line).map(|c| (m, c)))
                .collect();
            assert_eq!(hits.len(), 1, "exactly one matcher must read `{line}`");
            let (m, c) = &hits[0];
            let severity = match m.severity {
                Some(g) => c[g].to_string(),
                None => m.default_severity.clone().unwrap(),
            };
            (
                (
                    c[m.file].to_string(),
                    c[m.line].parse().unwrap(),
                    c[m.column].parse().unwrap(),
                    c[m.code].to_string(),
                ),
                severity,
                c[m.message].to_string(),
            )
        })
        .collect()
}

fn unescape(s: &str) -> String {
    s.replace("%0A", "\n")
        .replace("%0D", "\r")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

/// One GitHub workflow command: (command, properties, message).
type WorkflowCommand = (String, Vec<(String, String)>, String);

/// Parses GitHub workflow commands.
fn read_github(text: &str) -> Vec<WorkflowCommand> {
    text.lines()
        .map(|line| {
            let rest = line.strip_prefix("::").expect("a workflow command");
            let (head, message) = rest.split_once("::").expect("`::` before the message");
            let (command, props) = head.split_once(' ').expect("properties");
            let props = props
                .split(',')
                .map(|kv| {
                    let (k, v) = kv.split_once('=').expect("key=value");
                    (k.to_string(), unescape(v))
                })
                .collect();
            (command.to_string(), props, unescape(message))
        })
        .collect()
}

fn prop<'a>(props: &'a [(String, String)], key: &str) -> &'a str {
    &props.iter().find(|(k, _)| k == key).expect(key).1
}

fn json_keys(doc: &Value) -> BTreeSet<Key> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap() as usize,
                f["column"].as_u64().unwrap() as usize,
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn sarif_keys(doc: &Value) -> BTreeSet<Key> {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                loc["artifactLocation"]["uri"].as_str().unwrap().to_string(),
                loc["region"]["startLine"].as_u64().unwrap() as usize,
                loc["region"]["startColumn"].as_u64().unwrap() as usize,
                r["ruleId"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_format_matches_its_golden_file() {
    let mut statuses = BTreeSet::new();
    for format in FORMATS {
        let (status, out) = run(&["--format", format]);
        statuses.insert(status);
        let out = if format == "sarif" {
            assert_valid_sarif(&out);
            normalize_sarif(&out)
        } else {
            out
        };
        golden(&format!("{format}.txt"), &out);
    }
    assert_eq!(statuses.len(), 1, "one exit status for every format");
    golden(
        "exit-status.txt",
        &format!("{}\n", statuses.first().unwrap()),
    );
}

#[test]
fn output_file_gets_the_format_and_the_terminal_gets_human() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["sarif", "json", "compact", "markdown"] {
        let file = dir.path().join(format!("report.{format}"));
        let (status, stdout) = run(&["--format", format, "--output", file.to_str().unwrap()]);
        let (status_alone, alone) = run(&["--format", format]);
        assert_eq!(status, status_alone);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), alone, "{format}");
        let (_, human) = run(&[]);
        assert_eq!(stdout, human);
        assert!(stdout.contains("files checked"));
    }
}

#[test]
fn all_formats_agree_on_the_findings() {
    let (_, json) = run(&["--format", "json"]);
    let (_, sarif) = run(&["--format", "sarif"]);
    let (_, github) = run(&["--format", "github"]);
    let (_, compact) = run(&["--format", "compact"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    let from_json = json_keys(&json);
    assert_eq!(sarif_keys(&sarif), from_json);
    let from_compact: BTreeSet<Key> = read_compact(&compact).into_iter().map(|r| r.0).collect();
    assert_eq!(from_compact, from_json);
    let from_github: BTreeSet<Key> = read_github(&github)
        .into_iter()
        .map(|(_, p, _)| {
            (
                prop(&p, "file").to_string(),
                prop(&p, "line").parse().unwrap(),
                prop(&p, "col").parse().unwrap(),
                prop(&p, "title").to_string(),
            )
        })
        .collect();
    assert_eq!(from_github, from_json);
    let summary = &json["summary"];
    let total = ["errors", "warnings", "notes"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum::<u64>();
    assert_eq!(total as usize, json["findings"].as_array().unwrap().len());
    // The excluded directory never shows up.
    assert!(from_json.iter().all(|k| !k.0.starts_with("legacy/")));
}

/// (file, line, code) of each row of the markdown table, read from its location link.
fn markdown_rows(text: &str, base: &str) -> Vec<(String, usize, String)> {
    let row = Regex::new(
        r"^\| [^|]+ \| `([A-Z]+[0-9]+)` \| \[([^\]]+):(\d+)\]\((.*)#L(\d+)(?:-L\d+)?\) \| ",
    )
    .unwrap();
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Severity") && !l.starts_with("| ---"))
        .map(|l| {
            let c = row
                .captures(l)
                .unwrap_or_else(|| panic!("a finding row: {l}"));
            let target = c[4]
                .strip_prefix(base)
                .expect("the link starts with the base");
            assert_eq!(target, &c[2], "link and text name the same file");
            assert_eq!(c[3], c[5], "link and text name the same line");
            (c[2].to_string(), c[3].parse().unwrap(), c[1].to_string())
        })
        .collect()
}

#[test]
fn markdown_rows_agree_with_json_and_the_diagram_marks_the_blocked_hop() {
    let (_, json) = run(&["--format", "json"]);
    let json: Value = serde_json::from_str(&json).unwrap();
    let from_json: Vec<(String, usize, String)> = json_keys(&json)
        .into_iter()
        .map(|(f, l, _, c)| (f, l, c))
        .collect();
    let (_, md) = run(&["--format", "markdown"]);
    let mut rows = markdown_rows(&md, "");
    rows.sort();
    assert_eq!(rows, from_json);
    for (file, line, _) in &rows {
        let text = std::fs::read_to_string(scenario().join(file)).unwrap();
        assert!(text.lines().count() >= *line, "{file}#L{line} exists");
    }

    let base = "https://github.com/acme/infra/blob/0123abc/";
    let (_, linked) = run(&["--format", "markdown", "--link-base", base]);
    let mut linked_rows = markdown_rows(&linked, base);
    linked_rows.sort();
    assert_eq!(linked_rows, rows);

    // One diagram, for aws_elb.web, whose ELB002 edge (LB to instances) is red.
    let block = md
        .split("```mermaid\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a mermaid block");
    assert_eq!(md.matches("```mermaid").count(), 1);
    let edges: Vec<&str> = block
        .lines()
        .filter(|l| l.contains("-->") || l.contains("-.->"))
        .collect();
    let red: Vec<usize> = block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("linkStyle "))
        .map(|l| l.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(red.len(), 1);
    let edge = edges[red[0]];
    assert!(
        edge.contains("|\"ELB002: 8080\"|") && edge.trim().starts_with("lb_aws_elb_web -->"),
        "{edge}"
    );
}

#[test]
fn exit_status_follows_findings_and_fail_on() {
    for (flag, fail_on) in [
        ("error", FailOn::Error),
        ("warning", FailOn::Warning),
        ("note", FailOn::Note),
        ("never", FailOn::Never),
    ] {
        let (status, out) = run(&["--format", "json", "--fail-on", flag]);
        let doc: Value = serde_json::from_str(&out).unwrap();
        let findings = doc["findings"].as_array().unwrap();
        let load_failed = findings
            .iter()
            .any(|f| f["code"].as_str().unwrap().starts_with("TF") && f["severity"] == "error");
        let fails = fail_on.threshold().is_some_and(|t| {
            findings
                .iter()
                .any(|f| Severity::parse(f["severity"].as_str().unwrap()).unwrap() >= t)
        });
        let expected = if load_failed {
            2
        } else if fails {
            1
        } else {
            0
        };
        assert_eq!(status, expected, "--fail-on {flag}");
    }
}

/// The scenario's Terraform files, read into a source table under their names relative to
/// the scenario directory (the current directory of a run there).
fn scenario_sources() -> SourceTable {
    let mut sources = SourceTable::new();
    for name in ["main.tf", "security_groups.tf"] {
        let text = std::fs::read_to_string(scenario().join(name)).unwrap();
        sources.add(PathBuf::from(name), text);
    }
    sources
}

fn at(sources: &SourceTable, file: u32, needle: &str, nth: usize) -> Span {
    let text = &sources.get(FileId(file)).text;
    let start = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("`{needle}` #{nth} in the scenario"))
        .0;
    Span::new(FileId(file), start, start + needle.len())
}

/// Findings a rule engine would make on the scenario, then the real suppression pass over
/// the scenario's real comments.
fn scenario_outcome() -> Outcome {
    let sources = scenario_sources();
    let findings = vec![
        Finding::new(
            tf_elbcheck::checks::rule("ELB002").unwrap(),
            at(&sources, 1, "resource \"aws_security_group\" \"lb\"", 0),
            "no egress of aws_security_group.lb allows tcp/8080 to the instances; this also breaks the health check on 8080",
        )
        .label(at(&sources, 0, "instance_port     = 8080", 0), "the instances listen on 8080")
        .label(at(&sources, 1, "from_port       = 80", 0), "the only egress allows port 80")
        .help("add an egress rule for tcp/8080 to aws_security_group.app")
        .fix("egress {\n  from_port       = 8080\n  to_port         = 8080\n  protocol        = \"tcp\"\n  security_groups = [aws_security_group.app.id]\n}"),
        Finding::new(
            tf_elbcheck::checks::rule("ELB021").unwrap(),
            at(&sources, 1, "ingress {", 2),
            "aws_security_group.app admits tcp/8080 from 0.0.0.0/0: clients can bypass the load balancer",
        ),
        Finding::new(
            tf_elbcheck::checks::rule("ELB023").unwrap(),
            at(&sources, 1, "resource \"aws_security_group\" \"app\"", 0),
            "aws_security_group.app does not admit ICMP type 3 code 4 (path MTU discovery)",
        ),
    ];
    let findings = suppress::apply(findings, &sources, TODAY);
    Outcome::new(sources, findings)
}

/// The text of a 1-based line between 1-based character columns `[from, to)`.
fn columns(line: &str, from: usize, to: usize) -> String {
    line.chars().skip(from - 1).take(to - from).collect()
}

#[test]
fn suppressions_in_the_scenario_hide_and_report() {
    let outcome = scenario_outcome();
    // One comment can have several problems (the ELB024 one has no reason, and its code is
    // unknown until that rule is registered): compare distinct (file, line, code).
    let got: BTreeSet<(String, usize, String)> = outcome
        .findings
        .iter()
        .map(|f| {
            let r = report::region(&outcome.sources, f.span);
            (r.file, r.line, f.code().to_string())
        })
        .collect();
    let line_of = |file: &str, needle: &str| {
        let text = std::fs::read_to_string(scenario().join(file)).unwrap();
        1 + text.lines().position(|l| l.contains(needle)).unwrap()
    };
    // ELB021 is suppressed with a reason; the ELB023 suppression has expired, so ELB023 shows
    // with an ELB030; the ELB024 one has no reason; the ELB010 one matches nothing.
    let expected: BTreeSet<(String, usize, String)> = [
        ("main.tf", line_of("main.tf", "ignore ELB010"), "ELB030"),
        ("main.tf", line_of("main.tf", "ignore ELB024"), "ELB030"),
        ("security_groups.tf", 1, "ELB002"),
        (
            "security_groups.tf",
            line_of("security_groups.tf", "ignore ELB023"),
            "ELB030",
        ),
        (
            "security_groups.tf",
            line_of("security_groups.tf", "\"app\" {"),
            "ELB023",
        ),
    ]
    .into_iter()
    .map(|(f, l, c)| (f.to_string(), l, c.to_string()))
    .collect();
    assert_eq!(got, expected);
    let messages: Vec<&str> = outcome
        .findings
        .iter()
        .map(|f| f.message.as_str())
        .collect();
    assert!(messages.iter().any(|m| m.contains("expired on 2025-01-31")));
    assert!(messages.iter().any(|m| m.contains("has no reason")));
}

#[test]
fn sarif_locations_resolve_to_the_flagged_text() {
    let outcome = scenario_outcome();
    let text = report::sarif::render(&outcome, Some(&scenario()));
    assert_valid_sarif(&text);
    let doc: Value = serde_json::from_str(&text).unwrap();
    let run = &doc["runs"][0];
    let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(base, dir_uri(&scenario()));
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), outcome.findings.len());
    for (result, finding) in results.iter().zip(outcome.findings.iter()) {
        assert_eq!(result["ruleId"], finding.code());
        let mut locations = vec![(&result["locations"][0]["physicalLocation"], finding.span)];
        for (related, label) in result["relatedLocations"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .zip(&finding.labels)
        {
            locations.push((&related["physicalLocation"], label.span));
        }
        for (loc, span) in locations {
            assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
            let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
            let file = scenario().join(uri);
            let content = std::fs::read_to_string(&file).expect("the URI names a file");
            let region = &loc["region"];
            let n = |k: &str| region[k].as_u64().unwrap() as usize;
            assert_eq!(n("startLine"), n("endLine"), "single-line spans here");
            let line = content.lines().nth(n("startLine") - 1).unwrap();
            assert_eq!(
                columns(line, n("startColumn"), n("endColumn")),
                outcome.sources.snippet(span),
                "{uri}:{}",
                n("startLine")
            );
        }
    }
}

#[test]
fn github_annotations_and_compact_lines_resolve_to_the_flagged_text() {
    let outcome = scenario_outcome();
    let sorted = &outcome.findings;

    let commands = read_github(&report::github::render(&outcome));
    assert_eq!(commands.len(), sorted.len());
    for ((command, props, message), finding) in commands.iter().zip(sorted) {
        let expected_command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        assert_eq!(command, expected_command);
        assert_eq!(prop(props, "title"), finding.code());
        assert!(message.starts_with(&finding.message));
        let content = std::fs::read_to_string(scenario().join(prop(props, "file"))).unwrap();
        let line_no: usize = prop(props, "line").parse().unwrap();
        let line = content.lines().nth(line_no - 1).unwrap();
        let (col, end): (usize, usize) = (
            prop(props, "col").parse().unwrap(),
            prop(props, "endColumn").parse().unwrap(),
        );
        assert_eq!(prop(props, "endLine"), prop(props, "line"));
        assert_eq!(
            columns(line, col, end),
            outcome.sources.snippet(finding.span)
        );
    }

    let lines = read_compact(&report::compact::render(&outcome));
    assert_eq!(lines.len(), sorted.len());
    for (((file, line_no, col, code), severity, message), finding) in lines.iter().zip(sorted) {
        assert_eq!(code, &finding.code());
        let expected_severity = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        assert_eq!(severity, expected_severity);
        assert_eq!(message, &finding.message);
        let content = std::fs::read_to_string(scenario().join(file)).unwrap();
        let line = content.lines().nth(line_no - 1).unwrap();
        let snippet = outcome.sources.snippet(finding.span);
        assert_eq!(columns(line, *col, col + snippet.chars().count()), snippet);
    }
}

#[test]
fn sarif_of_every_kind_of_finding_is_valid() {
    // Load errors (no rule entry), a file outside the source root, labels, help and fix.
    let mut sources = SourceTable::new();
    let inside = sources.add(PathBuf::from("dir with space/main.tf"), "x = {\n".into());
    let outside = sources.add(PathBuf::from("/elsewhere/b.tf"), "y = 1\n".into());
    let outcome = Outcome::new(
        sources,
        vec![
            Finding::new(
                tf_elbcheck::checks::rule("TF001").unwrap(),
                Span::new(inside, 4, 5),
                "unclosed `{`",
            ),
            Finding::new(
                &tf_elbcheck::diagnostic::codes::ELB030,
                Span::new(outside, 0, 1),
                "m",
            )
            .label(Span::new(inside, 0, 1), "here")
            .help("h")
            .fix("f"),
        ],
    );
    let text = report::render(Format::Sarif, &outcome, &RenderOptions::default());
    assert_valid_sarif(&text);
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let uris: Vec<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"dir%20with%20space/main.tf"));
    assert!(uris.contains(&"file:///elsewhere/b.tf"));
}

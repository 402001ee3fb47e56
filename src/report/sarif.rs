//! SARIF 2.1.0, the format GitHub code scanning (and other viewers) import.
//!
//! One run. `tool.driver.rules` lists every rule of the registry, in code order, with its
//! summary as `shortDescription`, its full documentation as `fullDescription` and `help`
//! (text and Markdown) and its default severity as `defaultConfiguration.level`; codes that
//! appear in findings but have no rule entry (load errors) are appended with their id only.
//! Each result has `ruleId`, `ruleIndex`, `level`, a message (with the help line and the
//! suggested fix after it), one location and a related location per label.
//!
//! Locations are relative URIs with `uriBaseId: "%SRCROOT%"`, and `originalUriBaseIds` maps
//! `%SRCROOT%` to the directory they are relative to (the current directory), so a viewer that
//! knows the repository root (the checkout on GitHub) places each result on its file. A file
//! outside that directory gets an absolute `file://` URI. Regions have 1-based start and end
//! lines and columns; the run declares `columnKind: "unicodeCodePoints"` because columns count
//! characters, and SARIF's `endColumn` is exclusive, as everywhere in this tool.

use crate::checks;
use crate::diagnostic::Outcome;
use crate::diagnostic::Severity;
use crate::report::{doc_text, region, Region};
use serde_json::{json, Map, Value};
use std::path::Path;

/// The `$schema` written into every document.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The URI base id every relative location uses.
pub const SRCROOT: &str = "%SRCROOT%";

/// Renders the outcome as a pretty-printed SARIF log followed by a line break. `srcroot` is the
/// directory relative paths are relative to; the current directory when `None`.
pub fn render(outcome: &Outcome, srcroot: Option<&Path>) -> String {
    let root = match srcroot {
        Some(p) => p.to_path_buf(),
        None => std::env::current_dir().unwrap_or_default(),
    };
    let findings = &outcome.findings;

    let mut rules: Vec<Value> = Vec::new();
    let mut index: Vec<String> = Vec::new();
    for rule in checks::registry() {
        index.push(rule.code.to_string());
        let doc = doc_text(rule.doc);
        rules.push(json!({
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": doc},
            "help": {"text": doc, "markdown": doc},
            "defaultConfiguration": {"level": level(rule.severity)},
        }));
    }
    let mut extra: Vec<&str> = findings
        .iter()
        .map(|f| f.code())
        .filter(|code| !index.iter().any(|c| c == code))
        .collect();
    extra.sort_unstable();
    extra.dedup();
    for code in extra {
        index.push(code.to_string());
        rules.push(json!({"id": code}));
    }

    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let mut text = f.message.clone();
            if let Some(help) = &f.help {
                text.push_str("\nhelp: ");
                text.push_str(help);
            }
            if let Some(fix) = f.fix_text() {
                text.push_str("\nsuggested fix:\n");
                text.push_str(fix);
            }
            let rule_index = index.iter().position(|c| *c == f.code()).unwrap_or(0);
            let mut result = json!({
                "ruleId": f.code(),
                "ruleIndex": rule_index,
                "level": level(f.severity),
                "message": {"text": text},
                "locations": [{
                    "physicalLocation": physical(&region(&outcome.sources, f.span)),
                }],
            });
            if !f.labels.is_empty() {
                let related: Vec<Value> = f
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i + 1,
                            "physicalLocation": physical(&region(&outcome.sources, l.span)),
                            "message": {"text": l.message},
                        })
                    })
                    .collect();
                result["relatedLocations"] = Value::Array(related);
            }
            result
        })
        .collect();

    let mut base_ids = Map::new();
    base_ids.insert(SRCROOT.to_string(), json!({"uri": directory_uri(&root)}));
    let doc = json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "tf-elbcheck",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": base_ids,
            "columnKind": "unicodeCodePoints",
            "invocations": [{"executionSuccessful": !outcome.load_failed()}],
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("SARIF serialises");
    out.push('\n');
    out
}

/// SARIF's name for a severity.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn physical(r: &Region) -> Value {
    let artifact = if is_absolute(&r.file) {
        json!({"uri": file_uri(&r.file)})
    } else {
        json!({"uri": encode(&r.file, false), "uriBaseId": SRCROOT})
    };
    json!({
        "artifactLocation": artifact,
        "region": {
            "startLine": r.line,
            "startColumn": r.column,
            "endLine": r.end_line,
            "endColumn": r.end_column,
        },
    })
}

fn is_absolute(display: &str) -> bool {
    Path::new(display).is_absolute() || display.starts_with('/')
}

/// `file:///…/` for a directory (always ending with `/`, as SARIF requires of a base URI).
fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(&dir.to_string_lossy());
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// `file://` URI of an absolute path (`\` separators become `/`; a drive letter keeps its `:`).
fn file_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    format!("file://{}", encode(&path, true))
}

/// Percent-encodes everything but unreserved characters and `/` (and `:` when `colon`).
fn encode(path: &str, colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            b':' if colon => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use std::path::PathBuf;

    fn doc() -> Value {
        let out = render(&fixture::outcome(), Some(Path::new("/work/repo")));
        serde_json::from_str(&out).unwrap()
    }

    #[test]
    fn results_carry_rule_level_and_regions() {
        let v = doc();
        let run = &v["runs"][0];
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            "file:///work/repo/"
        );
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), 3);
        let error = &results[1];
        assert_eq!(error["ruleId"], "ELB002");
        assert_eq!(error["level"], "error");
        let loc = &error["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "net/sg.tf");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            loc["region"],
            json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 35})
        );
        let related = error["relatedLocations"].as_array().unwrap();
        assert_eq!(related.len(), 2);
        assert_eq!(
            related[0]["physicalLocation"]["artifactLocation"]["uri"],
            "net/main.tf"
        );
        assert_eq!(related[0]["physicalLocation"]["region"]["startLine"], 8);
        assert_eq!(
            related[0]["message"]["text"],
            "the listener forwards to port 8080"
        );
        let text = error["message"]["text"].as_str().unwrap();
        assert!(text.starts_with("no egress of aws_security_group.lb"));
        assert!(text.contains("\nhelp: add an egress rule"));
        assert!(text.contains("\nsuggested fix:\negress {"));
        assert_eq!(results[2]["level"], "note");
        assert!(results[0].get("relatedLocations").is_none());
    }

    #[test]
    fn rule_indices_point_at_their_rules() {
        let v = doc();
        let run = &v["runs"][0];
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for result in run["results"].as_array().unwrap() {
            let i = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], result["ruleId"]);
        }
        // Registry rules come first with their documentation.
        let elb030 = rules.iter().find(|r| r["id"] == "ELB030").unwrap();
        assert_eq!(elb030["defaultConfiguration"]["level"], "warning");
        assert!(elb030["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("## What it checks\n"));
        assert_eq!(
            elb030["help"]["markdown"],
            elb030["fullDescription"]["text"]
        );
    }

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode("a b/c%d.tf", false), "a%20b/c%25d.tf");
        assert_eq!(encode("x:y", false), "x%3Ay");
        assert_eq!(file_uri("C:\\work\\a b"), "file:///C:/work/a%20b");
        assert_eq!(directory_uri(&PathBuf::from("/r")), "file:///r/");
        let r = Region {
            file: "/elsewhere/x.tf".into(),
            line: 1,
            column: 1,
            end_line: 1,
            end_column: 2,
        };
        let p = physical(&r);
        assert_eq!(
            p["artifactLocation"],
            json!({"uri": "file:///elsewhere/x.tf"})
        );
    }
}

//! The JSON format, version 1 (SPEC §6). Stable: fields are only ever added, and a change in
//! meaning gets a new `version`.
//!
//! ```json
//! {"version": 1,
//!  "findings": [{"code", "severity", "message", "file", "line", "column", "end_line",
//!                "end_column", "labels": [{"file", "line", "column", "end_line",
//!                "end_column", "message"}], "help", "fix"}],
//!  "summary": {"errors", "warnings", "notes", "files_checked"}}
//! ```
//!
//! Lines and columns are 1-based; columns count characters; `end_column` is exclusive (the
//! position just after the last character). `file` is relative to the current directory when
//! the file lies below it. `help` and `fix` are `null` when absent.

use crate::diagnostic::Outcome;
use crate::report::{region, Region, Summary};
use serde::Serialize;

/// The format's version number.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    region: JsonRegion,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    fix: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    region: JsonRegion,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonRegion {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

impl From<Region> for JsonRegion {
    fn from(r: Region) -> JsonRegion {
        JsonRegion {
            file: r.file,
            line: r.line,
            column: r.column,
            end_line: r.end_line,
            end_column: r.end_column,
        }
    }
}

/// Renders the whole outcome as one pretty-printed JSON document followed by a line break.
pub fn render(outcome: &Outcome) -> String {
    let findings = outcome
        .findings
        .iter()
        .map(|f| JsonFinding {
            code: f.code(),
            severity: f.severity.as_str(),
            message: &f.message,
            region: region(&outcome.sources, f.span).into(),
            labels: f
                .labels
                .iter()
                .map(|l| JsonLabel {
                    region: region(&outcome.sources, l.span).into(),
                    message: &l.message,
                })
                .collect(),
            help: f.help.as_deref(),
            fix: f.fix_text(),
        })
        .collect();
    let doc = Document {
        version: VERSION,
        findings,
        summary: Summary::of(outcome),
    };
    let mut out = serde_json::to_string_pretty(&doc).expect("findings serialise to JSON");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;
    use serde_json::{json, Value};

    #[test]
    fn shape_matches_the_spec() {
        let v: Value = serde_json::from_str(&render(&fixture::outcome())).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(
            v["summary"],
            json!({"errors": 1, "warnings": 1, "notes": 1, "files_checked": 2})
        );
        let findings = v["findings"].as_array().unwrap();
        assert_eq!(findings.len(), 3);
        assert_eq!(
            findings[1],
            json!({
                "code": "ELB002",
                "severity": "error",
                "message": "no egress of aws_security_group.lb allows tcp/8080 to the instances",
                "file": "net/sg.tf",
                "line": 1,
                "column": 1,
                "end_line": 1,
                "end_column": 35,
                "labels": [
                    {"file": "net/main.tf", "line": 8, "column": 5, "end_line": 8,
                     "end_column": 29, "message": "the listener forwards to port 8080"},
                    {"file": "net/sg.tf", "line": 6, "column": 1, "end_line": 6,
                     "end_column": 36, "message": "the instances carry this group"}
                ],
                "help": "add an egress rule for tcp/8080 to aws_security_group.app",
                "fix": "egress {\n  from_port       = 8080\n  to_port         = 8080\n  protocol        = \"tcp\"\n  security_groups = [aws_security_group.app.id]\n}"
            })
        );
        assert_eq!(findings[0]["help"], Value::Null);
        assert_eq!(findings[0]["fix"], Value::Null);
        assert_eq!(
            findings[2]["message"],
            "unknown: 100% of a,b:c\nsecond line"
        );
    }

    #[test]
    fn keys_come_in_spec_order() {
        let out = render(&fixture::outcome());
        let keys = [
            "\"code\"",
            "\"severity\"",
            "\"message\"",
            "\"file\"",
            "\"line\"",
            "\"column\"",
            "\"end_line\"",
            "\"end_column\"",
            "\"labels\"",
            "\"help\"",
            "\"fix\"",
        ];
        let first = &out[out.find("\"findings\"").unwrap()..];
        let positions: Vec<usize> = keys.iter().map(|k| first.find(k).unwrap()).collect();
        assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
        assert!(out.starts_with("{\n  \"version\": 1,"));
        assert!(out.ends_with("}\n"));
    }

    #[test]
    fn empty_outcome_is_a_valid_document() {
        let v: Value = serde_json::from_str(&render(&Outcome::default())).unwrap();
        assert_eq!(v["findings"], json!([]));
        assert_eq!(v["summary"]["files_checked"], 0);
    }
}

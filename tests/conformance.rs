//! Terraform conformance: every expression of `testdata/conformance/expressions.txt` is evaluated
//! by the tool (as `jsonencode(<expression>)` in a one-resource root, so that the value is compared
//! the way Terraform prints it) and compared with what `terraform console` gave for it, recorded
//! in `expected.json` by `scripts/record-conformance.py`. Terraform is never needed here.
//!
//! A mismatch fails the test unless `divergences.txt` lists the expression with the reason; a
//! listed expression that no longer diverges fails it too, so the list stays honest. Where
//! Terraform refuses an expression, the tool must refuse it too: a load error, or an unknown
//! value whose reason is the error (the evaluator never carries on with a guessed value). Values
//! Terraform cannot show (unknowns) are in a hand table at the end of the file.

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::path::Path;
use tf_elbcheck::eval::Value;
use tf_elbcheck::run::{load, Options};
use tf_elbcheck::source::SourceTable;

/// What the tool made of one expression: the JSON text `jsonencode` gave, an unknown (with its
/// reason), or an error (the findings' codes and messages).
#[derive(Debug)]
enum Outcome {
    Json(String),
    Unknown(String),
    Error(String),
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Outcome::Json(text) => write!(f, "{text}"),
            Outcome::Unknown(reason) => write!(f, "unknown ({reason})"),
            Outcome::Error(findings) => write!(f, "error ({findings})"),
        }
    }
}

/// Evaluates `jsonencode(<expr>)` as argument `v` of a resource in a root that holds only that
/// resource and the declarations of `prelude`.
fn evaluate(dir: &Path, prelude: &str, expr: &str) -> Outcome {
    let text = format!("{prelude}\nresource \"x\" \"y\" {{\n  v = jsonencode(\n{expr}\n)\n}}\n");
    std::fs::write(dir.join("main.tf"), text).unwrap();
    let mut sources = SourceTable::new();
    let options = Options {
        paths: vec![dir.to_path_buf()],
        ..Options::default()
    };
    let loaded = load(&options, &Default::default(), &mut sources);
    let findings: Vec<String> = loaded
        .findings
        .iter()
        .chain(loaded.roots.iter().flat_map(|r| r.findings.iter()))
        .map(|f| format!("{}: {}", f.code(), f.message))
        .collect();
    if !findings.is_empty() {
        return Outcome::Error(findings.join("; "));
    }
    let value = loaded
        .roots
        .iter()
        .find_map(|r| r.resource("x.y"))
        .and_then(|r| r.body.get("v"))
        .map(|a| a.value.clone());
    match value {
        Some(Value::String(s)) => Outcome::Json(s),
        Some(Value::Unknown(u)) => Outcome::Unknown(u.reason.to_string()),
        other => Outcome::Error(format!("no string value: {other:?}")),
    }
}

/// The JSON text `jsonencode` gave. A bare number too long for the JSON reader (Terraform prints
/// every digit of 1.7976931348623157e308) is read as the f64 it denotes.
fn read_json(text: &str) -> Option<Json> {
    serde_json::from_str(text).ok().or_else(|| {
        let n: f64 = text.parse().ok()?;
        serde_json::Number::from_f64(n).map(Json::Number)
    })
}

/// JSON equality with numbers compared as numbers (`1` and `1.0` are the same number).
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn data(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata/conformance")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `divergences.txt`: `<expression> ## <reason>` a line; `#` lines are comments.
fn divergences() -> BTreeMap<String, String> {
    data("divergences.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (e, why) = l
                .split_once(" ## ")
                .unwrap_or_else(|| panic!("divergence without a reason: {l}"));
            assert!(!why.trim().is_empty(), "divergence without a reason: {l}");
            (e.trim().to_string(), why.trim().to_string())
        })
        .collect()
}

#[test]
fn expressions_evaluate_as_terraform_evaluates_them() {
    let expected: Json = serde_json::from_str(&data("expected.json")).unwrap();
    let table = expected["expressions"].as_object().unwrap();
    let listed = divergences();
    let wanted: Vec<String> = data("expressions.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect();
    assert!(wanted.len() >= 500, "{} expressions", wanted.len());
    let dir = tempfile::tempdir().unwrap();
    let (mut matched, mut diverged) = (0, 0);
    let mut failures = Vec::new();
    for expr in &wanted {
        let want = table
            .get(expr)
            .unwrap_or_else(|| panic!("{expr} is not recorded: run scripts/record-conformance.py"));
        let got = evaluate(dir.path(), "", expr);
        let ok = match (&got, want.get("value")) {
            (Outcome::Json(text), Some(v)) => read_json(text).is_some_and(|g| same(&g, v)),
            // The evaluator turns a call Terraform refuses into an unknown carrying the reason
            // (so that a bad value is never guessed): that is a refusal too.
            (Outcome::Error(_) | Outcome::Unknown(_), None) if want.get("error").is_some() => true,
            (Outcome::Unknown(_), None) => want.get("unknown").is_some(),
            _ => false,
        };
        match (ok, listed.contains_key(expr)) {
            (true, false) => matched += 1,
            (false, true) => diverged += 1,
            (true, true) => failures.push(format!(
                "{expr}\n    listed in divergences.txt but now matches Terraform"
            )),
            (false, false) => failures.push(format!(
                "{expr}\n    terraform: {want}\n    tool:      {got}"
            )),
        }
    }
    for expr in listed.keys() {
        if !wanted.contains(expr) {
            failures.push(format!(
                "{expr}\n    listed in divergences.txt but not in the table"
            ));
        }
    }
    eprintln!(
        "{} expressions: {matched} match Terraform, {diverged} documented divergences, {} failures",
        wanted.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{}\n\n{} failures",
        failures.join("\n"),
        failures.len()
    );
}

/// Variables without a value, for the hand table.
const UNKNOWNS: &str = r#"
variable "u" {}
variable "l" { type = list(string) }
"#;

/// Expressions on unknown values (`terraform console` cannot show them): `None` when Terraform
/// leaves the result unknown, else the JSON it gives.
const UNKNOWN_TABLE: &[(&str, Option<&str>)] = &[
    ("var.u", None),
    ("var.u + 1", None),
    ("\"${var.u}\"", None),
    ("\"x-${var.u}\"", None),
    ("upper(var.u)", None),
    ("format(\"%s\", var.u)", None),
    ("join(\",\", [var.u, \"a\"])", None),
    ("cidrsubnet(var.u, 8, 1)", None),
    ("cidrsubnet(\"10.0.0.0/16\", 8, var.u)", None),
    ("element([1, 2], var.u)", None),
    ("element(var.l, 0)", None),
    ("lookup({a = 1}, var.u, 0)", None),
    ("coalesce(var.u, \"a\")", None),
    ("var.u ? 1 : 2", None),
    ("var.u != null ? 1 : 2", None),
    ("length(var.l)", None),
    ("tonumber(var.u)", None),
    ("[var.u]", None),
    ("{a = var.u}", None),
    ("try(var.u, 1)", None),
    ("can(var.u)", None),
    ("tostring(var.u)", None),
    ("contains(var.l, \"a\")", None),
    ("[for x in var.l : x]", None),
    ("cidrhost(\"10.0.0.0/24\", var.u)", None),
    ("length(keys({for k in [\"a\"] : k => var.u}))", Some("1")),
    ("length([var.u, 1])", Some("2")),
    ("length(concat([var.u], [1]))", Some("2")),
    ("keys({a = var.u, b = 1})", Some(r#"["a","b"]"#)),
    ("length({a = var.u})", Some("1")),
    ("keys(merge({a = 1}, {b = var.u}))", Some(r#"["a","b"]"#)),
    ("length([for x in [1, 2] : var.u])", Some("2")),
    ("false ? var.u : 1", Some("1")),
    ("true ? 2 : var.u", Some("2")),
    ("element([var.u, \"a\"], 1)", Some(r#""a""#)),
    ("[1, var.u][0]", Some("1")),
    ("{a = 1, b = var.u}.a", Some("1")),
];

#[test]
fn unknown_values_stay_unknown_as_in_terraform() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for &(expr, want) in UNKNOWN_TABLE {
        let got = evaluate(dir.path(), UNKNOWNS, expr);
        let ok = match (&got, want) {
            (Outcome::Unknown(_), None) => true,
            (Outcome::Json(text), Some(w)) => same(
                &serde_json::from_str(text).unwrap(),
                &serde_json::from_str(w).unwrap(),
            ),
            _ => false,
        };
        if !ok {
            failures.push(format!("{expr}\n    want: {want:?}\n    tool: {got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

//! Base64: `base64encode` and `base64decode` (user data of instances and launch templates).
//! JSON: `jsonencode` and `jsondecode`, and the string escaping of Go's encoding/json, which
//! `format` shares for `%q` and `%v`.

use super::args::{arity, deep_opaque, fail, stop_opaque, to_str, Res, Stop};
use crate::eval::value::{format_number, Value};

/// A JSON string literal escaped as Terraform (Go's encoding/json) escapes it.
pub(super) fn json_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub(super) fn json_encode(v: &Value, out: &mut String) -> Res<()> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_finite() => out.push_str(&format_number(*n)),
        Value::Number(_) => return fail("cannot encode an infinite number as JSON"),
        Value::String(s) => out.push_str(&json_quote(s)),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                json_encode(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&json_quote(k));
                out.push(':');
                json_encode(item, out)?;
            }
            out.push('}');
        }
        Value::Unknown(_) | Value::Reference(_) => stop_opaque(v)?,
    }
    Ok(())
}

pub(super) fn jsonencode(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    if let Some(u) = deep_opaque(&args[0]) {
        return Err(Stop::Unknown(u));
    }
    let mut out = String::new();
    json_encode(&args[0], &mut out)?;
    Ok(Value::String(out))
}

fn from_json(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Number(n.as_f64().unwrap_or_default()),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(items) => Value::List(items.into_iter().map(from_json).collect()),
        serde_json::Value::Object(map) => {
            Value::Object(map.into_iter().map(|(k, v)| (k, from_json(v))).collect())
        }
    }
}

pub(super) fn jsondecode(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let s = to_str(&args[0], "str")?;
    match serde_json::from_str::<serde_json::Value>(&s) {
        Ok(v) => Ok(from_json(v)),
        Err(e) => fail(format!("invalid JSON: {e}")),
    }
}

/// `base64encode(string)`: the standard alphabet with padding, as Terraform.
pub(super) fn base64encode(args: &[Value]) -> Res<Value> {
    use base64::Engine;
    arity(args, 1, 1)?;
    let text = to_str(&args[0], "str")?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(text.as_bytes()),
    ))
}

/// `base64decode(string)`: the result must be UTF-8, as Terraform requires.
pub(super) fn base64decode(args: &[Value]) -> Res<Value> {
    use base64::Engine;
    arity(args, 1, 1)?;
    let text = to_str(&args[0], "str")?;
    match base64::engine::general_purpose::STANDARD.decode(text.as_bytes()) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => Ok(Value::String(s)),
            Err(_) => fail("the result of decoding the provided string is not valid UTF-8"),
        },
        Err(e) => fail(format!("failed to decode base64 data: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{
        b, err, l, lb, n, obj, ok, reason, s, unk, LB_REASON,
    };
    use crate::eval::value::Value;

    #[test]
    fn json_round_trip() {
        let v = obj(vec![
            ("b", s("<&>\"\n")),
            ("a", l(vec![n(1.0), n(1.5), s("x"), b(true), Value::Null])),
        ]);
        let text = "{\"a\":[1,1.5,\"x\",true,null],\"b\":\"\\u003c\\u0026\\u003e\\\"\\n\"}";
        assert_eq!(ok("jsonencode", vec![v.clone()]), s(text));
        assert_eq!(ok("jsondecode", vec![s(text)]), v);
        assert_eq!(ok("jsondecode", vec![s(" 80 ")]), n(80.0));
        assert!(err("jsondecode", vec![s("{")]).starts_with("jsondecode: invalid JSON:"));
        assert_eq!(
            reason(&ok("jsonencode", vec![obj(vec![("sg", lb())])])),
            LB_REASON
        );
        let u = unk("var.doc");
        assert_eq!(ok("jsondecode", vec![u.clone()]), u);
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(
            ok("base64encode", vec![s("ECS_CLUSTER=web\n")]),
            s("RUNTX0NMVVNURVI9d2ViCg==")
        );
        assert_eq!(
            ok("base64decode", vec![s("RUNTX0NMVVNURVI9d2ViCg==")]),
            s("ECS_CLUSTER=web\n")
        );
        assert!(err("base64decode", vec![s("not base64!")]).contains("base64"));
    }
}

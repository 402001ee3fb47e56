//! Plumbing shared by every function family: the early exits ([`Stop`]: an unknown result, an
//! error, or a result past the size limit), arity checks, the detection of opaque values
//! (unknowns, and references whose text is needed), Terraform's argument conversions (numeric
//! strings to numbers, numbers and bools to strings), and the unification of mixed values into
//! one element type.

use crate::eval::limits::MAX_VALUE_BYTES;
use crate::eval::value::{format_number, Reference, Value};
use std::collections::BTreeMap;
use std::fmt::Display;

/// Why a function stopped before producing its value: the result is unknown (this value), or
/// the call is an error.
pub(super) enum Stop {
    Unknown(Value),
    Error(String),
    /// The result would pass the value size limit.
    Limit(String),
}

pub(super) type Res<T> = Result<T, Stop>;

pub(super) fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(Stop::Error(msg.into()))
}

pub(super) fn invalid(param: &str, msg: impl Display) -> Stop {
    Stop::Error(format!("invalid value for \"{param}\" parameter: {msg}"))
}

pub(super) fn not_null(param: &str) -> Stop {
    invalid(param, "argument must not be null")
}

pub(super) fn arity(args: &[Value], min: usize, max: usize) -> Res<()> {
    let n = args.len();
    if (min..=max).contains(&n) {
        return Ok(());
    }
    let want = if min == max {
        min.to_string()
    } else if max == usize::MAX {
        format!("at least {min}")
    } else {
        format!("{min} to {max}")
    };
    let noun = if max == 1 || (min == 1 && max == usize::MAX) {
        "argument"
    } else {
        "arguments"
    };
    fail(format!("expects {want} {noun}, got {n}"))
}

/// The unknown that stands for a reference whose content is needed.
pub(super) fn ref_unknown(r: &Reference) -> Value {
    Value::unknown(
        format!(
            "the value of {}.{} is known only after apply",
            r.address, r.attribute
        ),
        None,
    )
}

/// `v` as an unknown result when `v` itself is opaque (unknown, or a reference whose content
/// is needed).
pub(super) fn opaque(v: &Value) -> Option<Value> {
    match v {
        Value::Unknown(_) => Some(v.clone()),
        Value::Reference(r) => Some(ref_unknown(r)),
        _ => None,
    }
}

/// The first opaque value anywhere inside `v`, depth first.
pub(super) fn deep_opaque(v: &Value) -> Option<Value> {
    match v {
        Value::List(items) => items.iter().find_map(deep_opaque),
        Value::Object(map) => map.values().find_map(deep_opaque),
        _ => opaque(v),
    }
}

/// The first unknown anywhere inside `v` (references count as known).
pub(super) fn deep_unknown(v: &Value) -> Option<Value> {
    v.find_unknown().map(|u| Value::Unknown(u.clone()))
}

/// The early exit for an opaque `v`.
pub(super) fn unknown_of(v: &Value) -> Stop {
    Stop::Unknown(opaque(v).unwrap_or_else(|| v.clone()))
}

pub(super) fn stop_opaque(v: &Value) -> Res<()> {
    match opaque(v) {
        Some(u) => Err(Stop::Unknown(u)),
        None => Ok(()),
    }
}

/// Terraform's string-to-number conversion: a decimal number, optional sign and exponent, no
/// surrounding space.
pub(super) fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// A string argument; numbers and bools convert as Terraform converts them.
pub(super) fn to_str(v: &Value, param: &str) -> Res<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(format_number(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Err(not_null(param)),
        Value::Unknown(_) | Value::Reference(_) => Err(unknown_of(v)),
        other => Err(invalid(
            param,
            format!("a string is required, but have {}", other.type_name()),
        )),
    }
}

/// A number argument; numeric strings convert.
pub(super) fn to_num(v: &Value, param: &str) -> Res<f64> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(s) => parse_number(s)
            .ok_or_else(|| invalid(param, format!("a number is required, but have {s:?}"))),
        Value::Null => Err(not_null(param)),
        Value::Unknown(_) | Value::Reference(_) => Err(unknown_of(v)),
        other => Err(invalid(
            param,
            format!("a number is required, but have {}", other.type_name()),
        )),
    }
}

/// A whole-number argument.
pub(super) fn to_int(v: &Value, param: &str) -> Res<i64> {
    let n = to_num(v, param)?;
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(invalid(
            param,
            format!("a whole number is required, but have {}", format_number(n)),
        ));
    }
    if n.abs() > 9.0e15 {
        return Err(invalid(param, format!("{} is too large", format_number(n))));
    }
    Ok(n as i64)
}

/// A whole-number argument that may be large (CIDR host and network numbers). Numeric strings
/// are read exactly.
pub(super) fn to_big_int(v: &Value, param: &str) -> Res<i128> {
    if let Value::String(s) = v {
        let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = s.parse::<i128>() {
                return Ok(n);
            }
        }
    }
    let n = to_num(v, param)?;
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(invalid(
            param,
            format!("a whole number is required, but have {}", format_number(n)),
        ));
    }
    if n.abs() >= 1.7e38 {
        return Err(invalid(param, format!("{} is too large", format_number(n))));
    }
    Ok(n as i128)
}

pub(super) fn to_list<'a>(v: &'a Value, param: &str) -> Res<&'a [Value]> {
    match v {
        Value::List(items) => Ok(items),
        Value::Null => Err(not_null(param)),
        Value::Unknown(_) | Value::Reference(_) => Err(unknown_of(v)),
        other => Err(invalid(
            param,
            format!("a list is required, but have {}", other.type_name()),
        )),
    }
}

pub(super) fn to_object<'a>(v: &'a Value, param: &str) -> Res<&'a BTreeMap<String, Value>> {
    match v {
        Value::Object(map) => Ok(map),
        Value::Null => Err(not_null(param)),
        Value::Unknown(_) | Value::Reference(_) => Err(unknown_of(v)),
        other => Err(invalid(
            param,
            format!(
                "a map or object is required, but have {}",
                other.type_name()
            ),
        )),
    }
}

/// Terraform's string-to-bool conversion.
pub(super) fn str_to_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Primitive to string in place (numbers and bools), as a type unification to string does.
pub(super) fn stringify(v: &mut Value) {
    match v {
        Value::Number(n) => *v = Value::String(format_number(*n)),
        Value::Bool(b) => *v = Value::String(b.to_string()),
        _ => {}
    }
}

/// Which kinds of known values a group of values holds.
#[derive(Default)]
pub(super) struct Kinds {
    pub(super) string: bool,
    pub(super) number: bool,
    pub(super) boolean: bool,
    pub(super) list: bool,
    pub(super) object: bool,
}

impl Kinds {
    pub(super) fn of<'a>(values: impl IntoIterator<Item = &'a Value>) -> Kinds {
        let mut k = Kinds::default();
        for v in values {
            match v {
                Value::String(_) => k.string = true,
                Value::Number(_) => k.number = true,
                Value::Bool(_) => k.boolean = true,
                Value::List(_) => k.list = true,
                Value::Object(_) => k.object = true,
                Value::Null | Value::Unknown(_) | Value::Reference(_) => {}
            }
        }
        k
    }

    pub(super) fn primitives(&self) -> usize {
        usize::from(self.string) + usize::from(self.number) + usize::from(self.boolean)
    }

    pub(super) fn consistent(&self) -> bool {
        !((self.list || self.object) && self.primitives() > 0 || self.list && self.object)
    }
}

/// Converts a group of values to one element type, as Terraform does when it builds a list,
/// set or map from mixed values: mixed primitives become strings, nested lists unify jointly.
pub(super) fn unify(items: Vec<&mut Value>) -> Res<()> {
    let kinds = Kinds::of(items.iter().map(|v| &**v));
    if !kinds.consistent() {
        return fail("all elements must have the same type");
    }
    // Numbers and bools meet only in strings: without a string among them there is no common
    // type (Terraform refuses `tolist([1, true])`).
    if kinds.number && kinds.boolean && !kinds.string {
        return fail("all elements must have the same type");
    }
    if kinds.primitives() > 1 {
        for v in items {
            stringify(v);
        }
    } else if kinds.list {
        let inner: Vec<&mut Value> = items
            .into_iter()
            .filter_map(|v| match v {
                Value::List(l) => Some(l.iter_mut()),
                _ => None,
            })
            .flatten()
            .collect();
        unify(inner)?;
    }
    Ok(())
}

/// Refuses a string result longer than the value size limit, before it is built.
pub(super) fn too_long(len: usize) -> Res<()> {
    if len > MAX_VALUE_BYTES {
        return Err(Stop::Limit(format!(
            "the result would be {len} bytes long, more than the limit of {MAX_VALUE_BYTES} bytes"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{err, n, obj, s};

    #[test]
    fn arity_errors_name_the_function() {
        assert_eq!(err("upper", vec![]), "upper: expects 1 argument, got 0");
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0)]),
            "cidrsubnet: expects 3 arguments, got 2"
        );
        assert_eq!(
            err("lookup", vec![obj(vec![])]),
            "lookup: expects 2 to 3 arguments, got 1"
        );
        assert_eq!(
            err("join", vec![]),
            "join: expects at least 1 argument, got 0"
        );
    }
}

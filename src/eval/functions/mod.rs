//! Terraform's built-in functions as network code uses them, applied to evaluated [`Value`]s.
//!
//! [`call`] runs one function on arguments the evaluator has already computed. Semantics follow
//! Terraform: argument conversions (numeric strings to numbers, numbers and bools to strings),
//! the same error conditions, sets deduplicated and ordered the way Terraform orders them, and
//! exact CIDR arithmetic for IPv4 and IPv6.
//!
//! Two kinds of values are opaque here:
//!
//! - An unknown argument makes the result unknown only when the result depends on it, and the
//!   result then carries the *first* such unknown (its reason and origin) so the user learns
//!   which value was missing. A collection that merely contains unknowns stays a known
//!   collection: `length([unknown, 1])` is 2 and `concat([a], [unknown])` is a two-element list.
//! - A [`Reference`] (`aws_security_group.lb.id`) is a known identity whose text is unknown.
//!   Collection functions pass it through unchanged and compare references by address and
//!   attribute; functions that need its text (`join`, `format`, `upper`, the CIDR functions, …)
//!   return an unknown saying the value is known only after apply.
//!
//! Not here: `try` and `can` (the evaluator evaluates their arguments lazily) and `file` and
//! `templatefile` (they read files). `replace` with a `/regex/` pattern is not evaluated: it
//! returns an unknown saying so rather than guessing.

use super::limits::MAX_VALUE_BYTES;
use super::value::{format_number, Reference, Value};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt::Display;
use std::net::{Ipv4Addr, Ipv6Addr};

/// A call Terraform itself would reject. The message starts with the function name, e.g.
/// `cidrsubnet: prefix extension of 9 bits would make a prefix of 33 bits, which is too long
/// for an IPv4 address`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct FnError(pub String, pub Limit);

/// Whether a failed call passed one of the tool's own size limits (rather than being a call
/// Terraform would reject).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Within,
    Exceeded,
}

/// Every function [`call`] implements, sorted.
const FUNCTIONS: &[&str] = &[
    "abs",
    "ceil",
    "chunklist",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "distinct",
    "element",
    "flatten",
    "floor",
    "format",
    "formatlist",
    "index",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "lookup",
    "lower",
    "max",
    "merge",
    "min",
    "one",
    "parseint",
    "range",
    "replace",
    "reverse",
    "setintersection",
    "setsubtract",
    "setunion",
    "slice",
    "sort",
    "split",
    "substr",
    "sum",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "upper",
    "values",
    "zipmap",
];

/// True when [`call`] implements `name`.
pub fn is_known_function(name: &str) -> bool {
    FUNCTIONS.binary_search(&name).is_ok()
}

/// Applies the Terraform function `name` to `args`.
///
/// Returns `Ok(Value::Unknown(..))` when the result depends on a value not known before apply,
/// and `Err` when Terraform would reject the call (wrong arity, wrong type, out of range).
pub fn call(name: &str, args: Vec<Value>) -> Result<Value, FnError> {
    let a = args.as_slice();
    let result = match name {
        "abs" => abs(a),
        "ceil" => ceil(a),
        "chunklist" => chunklist(a),
        "cidrhost" => cidrhost(a),
        "cidrnetmask" => cidrnetmask(a),
        "cidrsubnet" => cidrsubnet(a),
        "cidrsubnets" => cidrsubnets(a),
        "coalesce" => coalesce(a),
        "coalescelist" => coalescelist(a),
        "compact" => compact(a),
        "concat" => concat(a),
        "contains" => contains(a),
        "distinct" => distinct(a),
        "element" => element(a),
        "flatten" => flatten(a),
        "floor" => floor(a),
        "format" => format(a),
        "formatlist" => formatlist(a),
        "index" => index(a),
        "join" => join(a),
        "jsondecode" => jsondecode(a),
        "jsonencode" => jsonencode(a),
        "keys" => keys(a),
        "length" => length(a),
        "lookup" => lookup(a),
        "lower" => lower(a),
        "max" => max(a),
        "merge" => merge(a),
        "min" => min(a),
        "one" => one(a),
        "parseint" => parseint(a),
        "range" => range(a),
        "replace" => replace(a),
        "reverse" => reverse(a),
        "setintersection" => setintersection(a),
        "setsubtract" => setsubtract(a),
        "setunion" => setunion(a),
        "slice" => slice(a),
        "sort" => sort(a),
        "split" => split(a),
        "substr" => substr(a),
        "sum" => sum(a),
        "tobool" => tobool(a),
        "tolist" => tolist(a),
        "tomap" => tomap(a),
        "tonumber" => tonumber(a),
        "toset" => toset(a),
        "tostring" => tostring(a),
        "trim" => trim(a),
        "trimprefix" => trimprefix(a),
        "trimspace" => trimspace(a),
        "trimsuffix" => trimsuffix(a),
        "upper" => upper(a),
        "values" => values(a),
        "zipmap" => zipmap(a),
        _ => {
            return Err(FnError(
                format!("there is no function named \"{name}\""),
                Limit::Within,
            ))
        }
    };
    match result {
        Ok(v) | Err(Stop::Unknown(v)) => Ok(v),
        Err(Stop::Error(msg)) => Err(FnError(format!("{name}: {msg}"), Limit::Within)),
        Err(Stop::Limit(msg)) => Err(FnError(format!("{name}: {msg}"), Limit::Exceeded)),
    }
}

// ---------------------------------------------------------------------------------------------
// Plumbing: early exits, arity, unknowns, conversions.

/// Why a function stopped before producing its value: the result is unknown (this value), or
/// the call is an error.
enum Stop {
    Unknown(Value),
    Error(String),
    /// The result would pass the value size limit.
    Limit(String),
}

type Res<T> = Result<T, Stop>;

fn fail<T>(msg: impl Into<String>) -> Res<T> {
    Err(Stop::Error(msg.into()))
}

fn invalid(param: &str, msg: impl Display) -> Stop {
    Stop::Error(format!("invalid value for \"{param}\" parameter: {msg}"))
}

fn not_null(param: &str) -> Stop {
    invalid(param, "argument must not be null")
}

fn arity(args: &[Value], min: usize, max: usize) -> Res<()> {
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
fn ref_unknown(r: &Reference) -> Value {
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
fn opaque(v: &Value) -> Option<Value> {
    match v {
        Value::Unknown(_) => Some(v.clone()),
        Value::Reference(r) => Some(ref_unknown(r)),
        _ => None,
    }
}

/// The first opaque value anywhere inside `v`, depth first.
fn deep_opaque(v: &Value) -> Option<Value> {
    match v {
        Value::List(items) => items.iter().find_map(deep_opaque),
        Value::Object(map) => map.values().find_map(deep_opaque),
        _ => opaque(v),
    }
}

/// The first unknown anywhere inside `v` (references count as known).
fn deep_unknown(v: &Value) -> Option<Value> {
    v.find_unknown().map(|u| Value::Unknown(u.clone()))
}

/// The early exit for an opaque `v`.
fn unknown_of(v: &Value) -> Stop {
    Stop::Unknown(opaque(v).unwrap_or_else(|| v.clone()))
}

fn stop_opaque(v: &Value) -> Res<()> {
    match opaque(v) {
        Some(u) => Err(Stop::Unknown(u)),
        None => Ok(()),
    }
}

/// Terraform's string-to-number conversion: a decimal number, optional sign and exponent, no
/// surrounding space.
fn parse_number(s: &str) -> Option<f64> {
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
fn to_str(v: &Value, param: &str) -> Res<String> {
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
fn to_num(v: &Value, param: &str) -> Res<f64> {
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
fn to_int(v: &Value, param: &str) -> Res<i64> {
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
fn to_big_int(v: &Value, param: &str) -> Res<i128> {
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

fn to_list<'a>(v: &'a Value, param: &str) -> Res<&'a [Value]> {
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

fn to_object<'a>(v: &'a Value, param: &str) -> Res<&'a BTreeMap<String, Value>> {
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
fn str_to_bool(s: &str) -> Option<bool> {
    match s {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// Primitive to string in place (numbers and bools), as a type unification to string does.
fn stringify(v: &mut Value) {
    match v {
        Value::Number(n) => *v = Value::String(format_number(*n)),
        Value::Bool(b) => *v = Value::String(b.to_string()),
        _ => {}
    }
}

/// Which kinds of known values a group of values holds.
#[derive(Default)]
struct Kinds {
    string: bool,
    number: bool,
    boolean: bool,
    list: bool,
    object: bool,
}

impl Kinds {
    fn of<'a>(values: impl IntoIterator<Item = &'a Value>) -> Kinds {
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

    fn primitives(&self) -> usize {
        usize::from(self.string) + usize::from(self.number) + usize::from(self.boolean)
    }

    fn consistent(&self) -> bool {
        !((self.list || self.object) && self.primitives() > 0 || self.list && self.object)
    }
}

/// Converts a group of values to one element type, as Terraform does when it builds a list,
/// set or map from mixed values: mixed primitives become strings, nested lists unify jointly.
fn unify(items: Vec<&mut Value>) -> Res<()> {
    let kinds = Kinds::of(items.iter().map(|v| &**v));
    if !kinds.consistent() {
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

/// Three-valued equality: `Err` holds the unknown that makes the answer unknown. References
/// are equal when they name the same attribute of the same instance; otherwise their values may
/// or may not coincide.
fn eq3(a: &Value, b: &Value) -> Result<bool, Value> {
    match (a, b) {
        (Value::Unknown(_), _) => Err(a.clone()),
        (_, Value::Unknown(_)) => Err(b.clone()),
        (Value::Reference(x), Value::Reference(y)) if x == y => Ok(true),
        (Value::Reference(r), _) | (_, Value::Reference(r)) => Err(ref_unknown(r)),
        (Value::Null, Value::Null) => Ok(true),
        (Value::Bool(x), Value::Bool(y)) => Ok(x == y),
        (Value::Number(x), Value::Number(y)) => Ok(x == y),
        (Value::String(x), Value::String(y)) => Ok(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Ok(false);
            }
            all_eq3(x.iter().zip(y))
        }
        (Value::Object(x), Value::Object(y)) => {
            if x.len() != y.len() || x.keys().ne(y.keys()) {
                return Ok(false);
            }
            all_eq3(x.values().zip(y.values()))
        }
        _ => Ok(false),
    }
}

fn all_eq3<'a>(pairs: impl Iterator<Item = (&'a Value, &'a Value)>) -> Result<bool, Value> {
    let mut uncertain = None;
    for (p, q) in pairs {
        match eq3(p, q) {
            Ok(false) => return Ok(false),
            Ok(true) => {}
            Err(u) => {
                uncertain.get_or_insert(u);
            }
        }
    }
    match uncertain {
        Some(u) => Err(u),
        None => Ok(true),
    }
}

/// Three-valued membership.
fn contains3(list: &[Value], x: &Value) -> Result<bool, Value> {
    let mut uncertain = None;
    for e in list {
        match eq3(e, x) {
            Ok(true) => return Ok(true),
            Ok(false) => {}
            Err(u) => {
                uncertain.get_or_insert(u);
            }
        }
    }
    match uncertain {
        Some(u) => Err(u),
        None => Ok(false),
    }
}

/// Removes later duplicates (values certainly equal to an earlier one), in linear time: a value
/// with an unknown inside is never certainly equal to another ([`eq3`]), and for the others
/// certain equality is equality of [`identity`].
fn dedupe(items: Vec<Value>) -> Vec<Value> {
    let mut seen = std::collections::HashSet::new();
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        let duplicate = identity(&v).is_some_and(|key| !seen.insert(key));
        if !duplicate {
            out.push(v);
        }
    }
    out
}

/// A key equal for two values exactly when [`eq3`] says they are certainly equal; `None` for a
/// value that is never certainly equal to anything (it holds an unknown or a NaN).
fn identity(v: &Value) -> Option<String> {
    fn put(v: &Value, out: &mut String) -> Option<()> {
        use std::fmt::Write;
        match v {
            Value::Null => out.push('z'),
            Value::Bool(b) => out.push(if *b { 't' } else { 'f' }),
            Value::Number(n) if n.is_nan() => return None,
            // 0 and -0 are equal numbers.
            Value::Number(n) => write!(out, "n{}|", if *n == 0.0 { 0.0 } else { *n }).ok()?,
            Value::String(s) => write!(out, "s{}:{s}", s.len()).ok()?,
            Value::Reference(r) => write!(
                out,
                "r{}:{}{}:{}",
                r.address.len(),
                r.address,
                r.attribute.len(),
                r.attribute
            )
            .ok()?,
            Value::Unknown(_) => return None,
            Value::List(items) => {
                write!(out, "l{}[", items.len()).ok()?;
                for i in items {
                    put(i, out)?;
                }
                out.push(']');
            }
            Value::Object(map) => {
                write!(out, "o{}{{", map.len()).ok()?;
                for (k, i) in map {
                    write!(out, "{}:{k}", k.len()).ok()?;
                    put(i, out)?;
                }
                out.push('}');
            }
        }
        Some(())
    }
    let mut out = String::new();
    put(v, &mut out)?;
    Some(out)
}

/// Terraform's set order: known primitives first (strings by bytes, numbers by value, false
/// before true), then structural values in insertion order, then references, then unknowns.
fn set_order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::List(_) | Value::Object(_) => 4,
            Value::Reference(_) => 5,
            Value::Unknown(_) => 6,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Reference(x), Value::Reference(y)) => x.cmp(y),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// A Terraform set built from `items`: one element type, no duplicates, in set order.
fn make_set(mut items: Vec<Value>) -> Res<Vec<Value>> {
    unify(items.iter_mut().collect())?;
    let mut out = dedupe(items);
    out.sort_by(set_order);
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Text segmentation: Terraform counts string lengths in grapheme clusters.

fn is_extender(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F
            | 0x0483..=0x0489
            | 0x0591..=0x05BD
            | 0x0610..=0x061A
            | 0x064B..=0x065F
            | 0x0670
            | 0x06D6..=0x06DC
            | 0x06DF..=0x06E4
            | 0x0E31
            | 0x0E34..=0x0E3A
            | 0x0E47..=0x0E4E
            | 0x1AB0..=0x1AFF
            | 0x1DC0..=0x1DFF
            | 0x200C..=0x200D
            | 0x20D0..=0x20FF
            | 0x302A..=0x302F
            | 0x3099..=0x309A
            | 0xFE00..=0xFE0F
            | 0xFE20..=0xFE2F
            | 0x1F3FB..=0x1F3FF
            | 0xE0020..=0xE007F
            | 0xE0100..=0xE01EF)
}

fn is_regional_indicator(c: char) -> bool {
    ('\u{1F1E6}'..='\u{1F1FF}').contains(&c)
}

/// Splits `s` into user-perceived characters: a base character with its combining marks,
/// variation selectors and emoji modifiers, zero-width-joiner sequences, flag pairs and CR LF.
/// This covers the cases Terraform's grapheme clusters (Unicode UAX #29) produce in practice;
/// scripts whose clusters need the full rules (Hangul jamo, Indic conjuncts) count per character.
fn graphemes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut prev: Option<char> = None;
    let mut ri_run = 0usize;
    for (i, c) in s.char_indices() {
        let joins = match prev {
            None => false,
            Some(p) => {
                (p == '\r' && c == '\n')
                    || (is_extender(c) && p != '\r' && p != '\n')
                    || (p == '\u{200D}' && !c.is_control())
                    || (is_regional_indicator(p) && is_regional_indicator(c) && ri_run % 2 == 1)
            }
        };
        if !joins && i > 0 {
            out.push(&s[start..i]);
            start = i;
        }
        ri_run = if is_regional_indicator(c) {
            if joins {
                ri_run + 1
            } else {
                1
            }
        } else {
            0
        };
        prev = Some(c);
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Collections.

fn concat(args: &[Value]) -> Res<Value> {
    if args.is_empty() {
        return fail("at least one argument is required");
    }
    let mut out = Vec::new();
    for a in args {
        out.extend_from_slice(to_list(a, "seqs")?);
    }
    Ok(Value::List(out))
}

fn flatten(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    fn walk(items: &[Value], out: &mut Vec<Value>) -> Res<()> {
        for v in items {
            match v {
                Value::List(inner) => walk(inner, out)?,
                // An unknown element may itself be a list, so the shape is unknown.
                Value::Unknown(_) => return Err(Stop::Unknown(v.clone())),
                other => out.push(other.clone()),
            }
        }
        Ok(())
    }
    let list = match &args[0] {
        Value::List(items) => items,
        Value::Null => return Err(not_null("list")),
        Value::Unknown(_) | Value::Reference(_) => return Err(unknown_of(&args[0])),
        _ => return fail("can only flatten lists, sets and tuples"),
    };
    let mut out = Vec::new();
    walk(list, &mut out)?;
    Ok(Value::List(out))
}

fn lookup(args: &[Value]) -> Res<Value> {
    arity(args, 2, 3)?;
    let map = match &args[0] {
        Value::Object(m) => m,
        Value::Null => return Err(not_null("inputMap")),
        Value::Unknown(_) | Value::Reference(_) => return Err(unknown_of(&args[0])),
        _ => return fail("lookup() requires a map as the first argument"),
    };
    let key = to_str(&args[1], "key")?;
    if let Some(v) = map.get(&key) {
        return Ok(v.clone());
    }
    match args.get(2) {
        Some(default) => Ok(default.clone()),
        None => fail(format!("lookup failed to find key {key:?}")),
    }
}

fn element(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let list = match &args[0] {
        Value::List(items) => items,
        Value::Null => return Err(not_null("list")),
        Value::Unknown(_) | Value::Reference(_) => return Err(unknown_of(&args[0])),
        other => return fail(format!("cannot read elements from {}", other.type_name())),
    };
    let index = to_int(&args[1], "index")?;
    if list.is_empty() {
        return fail("cannot use element function with an empty list");
    }
    let i = index.rem_euclid(list.len() as i64) as usize;
    Ok(list[i].clone())
}

fn merge(args: &[Value]) -> Res<Value> {
    let mut out = BTreeMap::new();
    for a in args {
        match a {
            Value::Null => {}
            Value::Object(m) => {
                for (k, v) in m {
                    out.insert(k.clone(), v.clone());
                }
            }
            Value::Unknown(_) | Value::Reference(_) => return Err(unknown_of(a)),
            other => {
                return fail(format!(
                    "arguments must be maps or objects, got \"{}\"",
                    other.type_name()
                ))
            }
        }
    }
    Ok(Value::Object(out))
}

fn keys(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let map = to_object(&args[0], "inputMap")?;
    Ok(Value::List(
        map.keys().map(|k| Value::String(k.clone())).collect(),
    ))
}

fn values(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let map = to_object(&args[0], "mapping")?;
    Ok(Value::List(map.values().cloned().collect()))
}

fn zipmap(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let keys = to_list(&args[0], "keys")?;
    let values = to_list(&args[1], "values")?;
    if keys.len() != values.len() {
        return fail(format!(
            "number of keys ({}) does not match number of values ({})",
            keys.len(),
            values.len()
        ));
    }
    let mut out = BTreeMap::new();
    for (i, (k, v)) in keys.iter().zip(values).enumerate() {
        if matches!(k, Value::Null) {
            return fail(format!("keys list has null value at index {i}"));
        }
        let k = to_str(k, "keys")?;
        out.insert(k, v.clone());
    }
    Ok(Value::Object(out))
}

fn length(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let n = match &args[0] {
        Value::List(items) => items.len(),
        Value::Object(map) => map.len(),
        Value::String(s) => graphemes(s).len(),
        Value::Null => return Err(not_null("value")),
        v @ (Value::Unknown(_) | Value::Reference(_)) => return Err(unknown_of(v)),
        _ => return fail("argument must be a string, a collection type, or a structural type"),
    };
    Ok(Value::Number(n as f64))
}

fn coalesce(args: &[Value]) -> Res<Value> {
    if args.is_empty() {
        return fail("at least one argument is required");
    }
    let kinds = Kinds::of(args);
    if !kinds.consistent() {
        return fail("all arguments must have the same type");
    }
    let to_string = kinds.primitives() > 1;
    let is_string = kinds.string || to_string;
    for a in args {
        match a {
            Value::Unknown(_) => return Err(Stop::Unknown(a.clone())),
            Value::Null => {}
            Value::Reference(_) => return Ok(a.clone()),
            v => {
                let mut v = v.clone();
                if to_string {
                    stringify(&mut v);
                }
                if is_string && v.as_str() == Some("") {
                    continue;
                }
                return Ok(v);
            }
        }
    }
    fail("no non-null, non-empty-string arguments")
}

fn coalescelist(args: &[Value]) -> Res<Value> {
    if args.is_empty() {
        return fail("at least one argument is required");
    }
    if args.iter().any(|a| {
        !matches!(
            a,
            Value::List(_) | Value::Null | Value::Unknown(_) | Value::Reference(_)
        )
    }) {
        return fail("coalescelist arguments must be lists or tuples");
    }
    for a in args {
        match a {
            Value::Unknown(_) | Value::Reference(_) => stop_opaque(a)?,
            Value::List(items) if !items.is_empty() => return Ok(a.clone()),
            _ => {}
        }
    }
    fail("no non-null arguments")
}

fn compact(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let list = to_list(&args[0], "list")?;
    // An unknown element might be "" and be dropped: the result is unknown.
    if let Some(u) = list.iter().find(|v| v.is_unknown()) {
        return Err(Stop::Unknown(u.clone()));
    }
    let mut out = Vec::new();
    for (i, v) in list.iter().enumerate() {
        match v {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::Reference(_) => out.push(v.clone()),
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                let mut v = v.clone();
                stringify(&mut v);
                out.push(v);
            }
            other => {
                return Err(invalid(
                    "list",
                    format!(
                        "element {i}: a string is required, but have {}",
                        other.type_name()
                    ),
                ))
            }
        }
    }
    Ok(Value::List(out))
}

fn distinct(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let list = to_list(&args[0], "list")?;
    if let Some(u) = list.iter().find_map(deep_unknown) {
        return Err(Stop::Unknown(u));
    }
    Ok(Value::List(dedupe(list.to_vec())))
}

fn contains(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let list = match &args[0] {
        Value::Null => return fail("cannot search a nil list or set"),
        v => to_list(v, "list")?,
    };
    if list.is_empty() {
        return Ok(Value::Bool(false));
    }
    if args[1].is_unknown() {
        return Err(Stop::Unknown(args[1].clone()));
    }
    contains3(list, &args[1])
        .map(Value::Bool)
        .map_err(Stop::Unknown)
}

fn index(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let list = to_list(&args[0], "list")?;
    if list.is_empty() {
        return fail("cannot search an empty list");
    }
    for (i, e) in list.iter().enumerate() {
        match eq3(e, &args[1]) {
            Ok(true) => return Ok(Value::Number(i as f64)),
            Ok(false) => {}
            Err(u) => return Err(Stop::Unknown(u)),
        }
    }
    fail("item not found")
}

fn slice(args: &[Value]) -> Res<Value> {
    arity(args, 3, 3)?;
    let list = to_list(&args[0], "list")?;
    let start = to_int(&args[1], "start_index")?;
    let end = to_int(&args[2], "end_index")?;
    let len = list.len() as i64;
    if start < 0 {
        return fail("start index must not be less than zero");
    }
    if start > len {
        return fail("start index must not be greater than the length of the list");
    }
    if end < 0 {
        return fail("end index must not be less than zero");
    }
    if end > len {
        return fail("end index must not be greater than the length of the list");
    }
    if start > end {
        return fail("start index must not be greater than end index");
    }
    Ok(Value::List(list[start as usize..end as usize].to_vec()))
}

fn reverse(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::List(items) => Ok(Value::List(items.iter().rev().cloned().collect())),
        Value::Null => Err(not_null("list")),
        v @ (Value::Unknown(_) | Value::Reference(_)) => Err(unknown_of(v)),
        other => fail(format!(
            "can only reverse list or tuple values, not {}",
            other.type_name()
        )),
    }
}

fn sort(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let list = to_list(&args[0], "list")?;
    if let Some(u) = list.iter().find_map(opaque) {
        return Err(Stop::Unknown(u));
    }
    let mut out = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        if matches!(v, Value::Null) {
            return fail(format!(
                "given list element {i} is null; a null string cannot be sorted"
            ));
        }
        out.push(to_str(v, "list")?);
    }
    out.sort();
    Ok(Value::List(out.into_iter().map(Value::String).collect()))
}

fn one(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let list = to_list(&args[0], "list")?;
    match list {
        [] => Ok(Value::Null),
        [v] => Ok(v.clone()),
        _ => fail("must be a list, set, or tuple value with either zero or one elements"),
    }
}

fn chunklist(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let list = to_list(&args[0], "list")?;
    let size = to_int(&args[1], "size")?;
    if size < 0 {
        return fail("the size argument must be positive");
    }
    if list.is_empty() {
        return Ok(Value::List(Vec::new()));
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(list.to_vec())]));
    }
    Ok(Value::List(
        list.chunks(size as usize)
            .map(|c| Value::List(c.to_vec()))
            .collect(),
    ))
}

fn tolist(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::List(items) => {
            let mut items = items.clone();
            unify(items.iter_mut().collect())
                .map_err(|_| invalid("v", "cannot convert to a list of any single type"))?;
            Ok(Value::List(items))
        }
        v @ (Value::Unknown(_) | Value::Reference(_)) => Err(unknown_of(v)),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to list", other.type_name()),
        )),
    }
}

fn toset(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::List(items) => make_set(items.clone())
            .map(Value::List)
            .map_err(|_| invalid("v", "cannot convert to a set of any single type")),
        v @ (Value::Unknown(_) | Value::Reference(_)) => Err(unknown_of(v)),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to set", other.type_name()),
        )),
    }
}

fn tomap(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::Object(map) => {
            let mut map = map.clone();
            unify(map.values_mut().collect())
                .map_err(|_| invalid("v", "cannot convert to a map of any single type"))?;
            Ok(Value::Object(map))
        }
        v @ (Value::Unknown(_) | Value::Reference(_)) => Err(unknown_of(v)),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to map", other.type_name()),
        )),
    }
}

fn setunion(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let mut all = Vec::new();
    for a in args {
        all.extend_from_slice(to_list(a, "sets")?);
    }
    make_set(all)
        .map(Value::List)
        .map_err(|_| Stop::Error("given sets must all have compatible element types".into()))
}

/// The arguments as sets with one element type across all of them.
fn unified_sets(args: &[Value]) -> Res<Vec<Vec<Value>>> {
    let mut sets = Vec::with_capacity(args.len());
    for a in args {
        sets.push(to_list(a, "sets")?.to_vec());
    }
    unify(sets.iter_mut().flat_map(|s| s.iter_mut()).collect())
        .map_err(|_| Stop::Error("given sets must all have compatible element types".into()))?;
    sets.into_iter().map(make_set).collect()
}

fn setintersection(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let sets = unified_sets(args)?;
    let others: Vec<SetIndex> = sets[1..].iter().map(|s| SetIndex::new(s)).collect();
    let mut out = Vec::new();
    for x in &sets[0] {
        let mut keep = true;
        let mut uncertain = None;
        for other in &others {
            match other.contains3(x)? {
                Ok(true) => {}
                Ok(false) => keep = false,
                Err(u) => {
                    uncertain.get_or_insert(u);
                }
            }
        }
        if !keep {
            continue;
        }
        if let Some(u) = uncertain {
            return Err(Stop::Unknown(u));
        }
        out.push(x.clone());
    }
    Ok(Value::List(out))
}

fn setsubtract(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let sets = unified_sets(args)?;
    let other = SetIndex::new(&sets[1]);
    let mut out = Vec::new();
    for x in &sets[0] {
        match other.contains3(x)? {
            Ok(true) => {}
            Ok(false) => out.push(x.clone()),
            Err(u) => return Err(Stop::Unknown(u)),
        }
    }
    Ok(Value::List(out))
}

/// A set prepared for membership tests in constant time: the [`identity`] of each element
/// without references, and apart the elements that may compare as uncertain.
struct SetIndex<'a> {
    known: std::collections::HashSet<String>,
    uncertain: Vec<&'a Value>,
    all: &'a [Value],
    /// Element comparisons left for the slow path, so that sets full of references cannot make
    /// a call quadratic without end.
    slow_budget: std::cell::Cell<usize>,
}

impl<'a> SetIndex<'a> {
    fn new(set: &'a [Value]) -> SetIndex<'a> {
        let mut known = std::collections::HashSet::new();
        let mut uncertain = Vec::new();
        for v in set {
            match identity(v) {
                Some(key) if !has_reference(v) => {
                    known.insert(key);
                }
                _ => uncertain.push(v),
            }
        }
        SetIndex {
            known,
            uncertain,
            all: set,
            slow_budget: std::cell::Cell::new(10_000_000),
        }
    }

    /// [`contains3`], answered from the index where that is exact.
    fn contains3(&self, x: &Value) -> Res<Result<bool, Value>> {
        let (list, fast) = match identity(x) {
            Some(key) if !has_reference(x) => {
                if self.known.contains(&key) {
                    return Ok(Ok(true));
                }
                // Known elements without references differ from x for certain.
                (&self.uncertain[..], true)
            }
            _ => (&[][..], false),
        };
        let n = if fast { list.len() } else { self.all.len() };
        let left = self.slow_budget.get();
        if n > left {
            return Err(Stop::Unknown(Value::unknown(
                "the sets hold too many values known only after apply to compare",
                None,
            )));
        }
        self.slow_budget.set(left - n);
        if fast {
            let mut uncertain = None;
            for e in list {
                match eq3(e, x) {
                    Ok(true) => return Ok(Ok(true)),
                    Ok(false) => {}
                    Err(u) => {
                        uncertain.get_or_insert(u);
                    }
                }
            }
            Ok(uncertain.map_or(Ok(false), Err))
        } else {
            Ok(contains3(self.all, x))
        }
    }
}

fn has_reference(v: &Value) -> bool {
    match v {
        Value::Reference(_) => true,
        Value::List(items) => items.iter().any(has_reference),
        Value::Object(map) => map.values().any(has_reference),
        _ => false,
    }
}

fn sum(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let list = to_list(&args[0], "list")?;
    if list.is_empty() {
        return fail("cannot sum an empty list");
    }
    if let Some(u) = list.iter().find_map(deep_opaque) {
        return Err(Stop::Unknown(u));
    }
    let mut total = 0.0;
    for v in list {
        let n = match v {
            Value::Number(n) => *n,
            Value::String(s) => match parse_number(s) {
                Some(n) => n,
                None => return fail("argument must be list, set, or tuple of number values"),
            },
            _ => return fail("argument must be list, set, or tuple of number values"),
        };
        total += n;
    }
    Ok(Value::Number(total))
}

fn range(args: &[Value]) -> Res<Value> {
    arity(args, 1, 3)?;
    let mut nums = Vec::with_capacity(args.len());
    for a in args {
        nums.push(to_num(a, "params")?);
    }
    let (start, end, step) = match nums[..] {
        [end] => (0.0, end, if end < 0.0 { -1.0 } else { 1.0 }),
        [start, end] => (start, end, if end < start { -1.0 } else { 1.0 }),
        [start, end, step] => (start, end, step),
        _ => unreachable!("arity checked"),
    };
    if step == 0.0 {
        return fail("step must not be zero");
    }
    let down = step < 0.0;
    if down && end > start {
        return fail("end must be less than start when step is negative");
    }
    if !down && end < start {
        return fail("end must be greater than start when step is positive");
    }
    let mut out = Vec::new();
    loop {
        // start + i*step, cleaned of binary rounding noise so 0.1 steps give 0.3, not
        // 0.30000000000000004, as Terraform's decimal arithmetic does.
        let v = tidy(start + out.len() as f64 * step);
        if (down && v <= end) || (!down && v >= end) {
            break;
        }
        if out.len() >= 1024 {
            return fail("more than 1024 values were generated; either decrease the difference between start and end or use a smaller step");
        }
        out.push(Value::Number(v));
    }
    Ok(Value::List(out))
}

/// Rounds to 15 significant digits.
fn tidy(x: f64) -> f64 {
    format!("{x:.14e}").parse().unwrap_or(x)
}

// ---------------------------------------------------------------------------------------------
// Strings.

fn join(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let sep = to_str(&args[0], "separator")?;
    if args.len() < 2 {
        return fail("at least one list is required");
    }
    let mut lists = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        lists.push(to_list(a, "lists")?);
    }
    if let Some(u) = lists.iter().flat_map(|l| l.iter()).find_map(opaque) {
        return Err(Stop::Unknown(u));
    }
    let mut parts = Vec::new();
    for (li, list) in lists.iter().enumerate() {
        for (ei, v) in list.iter().enumerate() {
            if matches!(v, Value::Null) {
                return fail(if lists.len() > 1 {
                    format!(
                        "element {ei} of list {} is null; cannot concatenate null values",
                        li + 1
                    )
                } else {
                    format!("element {ei} is null; cannot concatenate null values")
                });
            }
            parts.push(to_str(v, "lists")?);
        }
    }
    let len = parts
        .iter()
        .map(String::len)
        .sum::<usize>()
        .saturating_add(sep.len().saturating_mul(parts.len().saturating_sub(1)));
    too_long(len)?;
    Ok(Value::String(parts.join(&sep)))
}

fn split(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let sep = to_str(&args[0], "separator")?;
    let s = to_str(&args[1], "str")?;
    let parts: Vec<Value> = if sep.is_empty() {
        // One value per character: each costs far more than the character.
        too_long(
            s.chars()
                .count()
                .saturating_mul(std::mem::size_of::<Value>()),
        )?;
        s.chars().map(|c| Value::String(c.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::string).collect()
    };
    Ok(Value::List(parts))
}

fn upper(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let s = to_str(&args[0], "str")?;
    // Simple (one-to-one) case mapping, as Go's strings.ToUpper.
    Ok(Value::String(
        s.chars()
            .map(|c| {
                let mut u = c.to_uppercase();
                match (u.next(), u.next()) {
                    (Some(x), None) => x,
                    _ => c,
                }
            })
            .collect(),
    ))
}

fn lower(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let s = to_str(&args[0], "str")?;
    Ok(Value::String(
        s.chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect(),
    ))
}

fn trimspace(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    Ok(Value::String(to_str(&args[0], "str")?.trim().to_string()))
}

fn trim(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let s = to_str(&args[0], "str")?;
    let cutset = to_str(&args[1], "cutset")?;
    Ok(Value::String(
        s.trim_matches(|c| cutset.contains(c)).to_string(),
    ))
}

fn trimprefix(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let s = to_str(&args[0], "str")?;
    let prefix = to_str(&args[1], "prefix")?;
    Ok(Value::String(
        s.strip_prefix(prefix.as_str()).unwrap_or(&s).to_string(),
    ))
}

fn trimsuffix(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let s = to_str(&args[0], "str")?;
    let suffix = to_str(&args[1], "suffix")?;
    Ok(Value::String(
        s.strip_suffix(suffix.as_str()).unwrap_or(&s).to_string(),
    ))
}

fn replace(args: &[Value]) -> Res<Value> {
    arity(args, 3, 3)?;
    let s = to_str(&args[0], "str")?;
    let substr = to_str(&args[1], "substr")?;
    let replacement = to_str(&args[2], "replace")?;
    if substr.len() > 1 && substr.starts_with('/') && substr.ends_with('/') {
        return Err(Stop::Unknown(Value::unknown(
            format!(
                "replace with the regular expression {substr} is not evaluated by this checker"
            ),
            None,
        )));
    }
    // Checked before replacing: a short pattern and a long replacement multiply the length.
    let hits = if substr.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(substr.as_str()).count()
    };
    let len = hits
        .saturating_mul(replacement.len())
        .saturating_add(s.len());
    too_long(len)?;
    Ok(Value::String(s.replace(substr.as_str(), &replacement)))
}

/// Refuses a string result longer than the value size limit, before it is built.
fn too_long(len: usize) -> Res<()> {
    if len > MAX_VALUE_BYTES {
        return Err(Stop::Limit(format!(
            "the result would be {len} bytes long, more than the limit of {MAX_VALUE_BYTES} bytes"
        )));
    }
    Ok(())
}

fn substr(args: &[Value]) -> Res<Value> {
    arity(args, 3, 3)?;
    let s = to_str(&args[0], "str")?;
    let mut offset = to_int(&args[1], "offset")?;
    let length = to_int(&args[2], "length")?;
    let g = graphemes(&s);
    let total = g.len() as i64;
    if offset < 0 {
        offset += total;
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let rest = &g[offset.clamp(0, total) as usize..];
    // As Terraform: a negative length takes the rest, and so does a zero length reached
    // through a negative offset.
    let take = if length <= 0 {
        rest.len()
    } else {
        rest.len().min(length as usize)
    };
    Ok(Value::String(rest[..take].concat()))
}

fn tostring(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        v @ (Value::String(_) | Value::Reference(_) | Value::Unknown(_)) => Ok(v.clone()),
        Value::Number(n) => Ok(Value::String(format_number(*n))),
        Value::Bool(b) => Ok(Value::String(b.to_string())),
        other => Err(invalid(
            "v",
            format!("cannot convert {} to string", other.type_name()),
        )),
    }
}

fn tonumber(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(Value::Number(*n)),
        Value::String(s) => parse_number(s).map(Value::Number).ok_or_else(|| {
            invalid(
                "v",
                format!("cannot convert {s:?} to number; given string must be a decimal representation of a number"),
            )
        }),
        v @ (Value::Unknown(_) | Value::Reference(_)) => {
            Err(unknown_of(v))
        }
        other => Err(invalid(
            "v",
            format!("cannot convert {} to number", other.type_name()),
        )),
    }
}

fn tobool(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    match &args[0] {
        Value::Null => Ok(Value::Null),
        Value::Bool(b) => Ok(Value::Bool(*b)),
        Value::String(s) => str_to_bool(s).map(Value::Bool).ok_or_else(|| {
            invalid(
                "v",
                format!("cannot convert {s:?} to bool; only the strings \"true\" or \"false\" are allowed"),
            )
        }),
        v @ (Value::Unknown(_) | Value::Reference(_)) => {
            Err(unknown_of(v))
        }
        other => Err(invalid(
            "v",
            format!("cannot convert {} to bool", other.type_name()),
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers.

fn number_fn(args: &[Value], f: fn(f64) -> f64) -> Res<Value> {
    arity(args, 1, 1)?;
    Ok(Value::Number(f(to_num(&args[0], "num")?)))
}

fn abs(args: &[Value]) -> Res<Value> {
    number_fn(args, f64::abs)
}

fn ceil(args: &[Value]) -> Res<Value> {
    number_fn(args, f64::ceil)
}

fn floor(args: &[Value]) -> Res<Value> {
    number_fn(args, f64::floor)
}

fn min_max(args: &[Value], pick: fn(f64, f64) -> f64) -> Res<Value> {
    if args.is_empty() {
        return fail("must pass at least one number");
    }
    let mut acc = to_num(&args[0], "numbers")?;
    for a in &args[1..] {
        acc = pick(acc, to_num(a, "numbers")?);
    }
    Ok(Value::Number(acc))
}

fn min(args: &[Value]) -> Res<Value> {
    min_max(args, f64::min)
}

fn max(args: &[Value]) -> Res<Value> {
    min_max(args, f64::max)
}

fn parseint(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let s = match &args[0] {
        Value::String(s) => s.as_str(),
        Value::Null => return Err(not_null("number")),
        v @ (Value::Unknown(_) | Value::Reference(_)) => return Err(unknown_of(v)),
        other => {
            return fail(format!(
                "first argument must be a string, not {}",
                other.type_name()
            ))
        }
    };
    let base = to_int(&args[1], "base")?;
    if !(2..=62).contains(&base) {
        return fail("base must be a whole number between 2 and 62 inclusive");
    }
    let bad = || fail(format!("cannot parse {s:?} as a base {base} integer"));
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if digits.is_empty() {
        return bad();
    }
    let base = base as u32;
    let mut exact: Option<i128> = Some(0);
    let mut approx = 0.0f64;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => c as u32 - 'A' as u32 + 10,
            'A'..='Z' => c as u32 - 'A' as u32 + 36,
            _ => return bad(),
        };
        if d >= base {
            return bad();
        }
        exact = exact.and_then(|e| e.checked_mul(base.into())?.checked_add(d.into()));
        approx = approx * f64::from(base) + f64::from(d);
    }
    let magnitude = exact.map_or(approx, |e| e as f64);
    Ok(Value::Number(if negative { -magnitude } else { magnitude }))
}

// ---------------------------------------------------------------------------------------------
// JSON.

/// A JSON string literal escaped as Terraform (Go's encoding/json) escapes it.
fn json_quote(s: &str) -> String {
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

fn json_encode(v: &Value, out: &mut String) -> Res<()> {
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

fn jsonencode(args: &[Value]) -> Res<Value> {
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

fn jsondecode(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let s = to_str(&args[0], "str")?;
    match serde_json::from_str::<serde_json::Value>(&s) {
        Ok(v) => Ok(from_json(v)),
        Err(e) => fail(format!("invalid JSON: {e}")),
    }
}

// ---------------------------------------------------------------------------------------------
// format and formatlist: Terraform's printf-like verbs.

#[derive(Default)]
struct Verb {
    arg_num: usize,
    mode: char,
    zero: bool,
    sharp: bool,
    plus: bool,
    minus: bool,
    space: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Longest width or precision accepted, so a typo cannot ask for gigabytes of padding. It stays
/// below `u16::MAX`: Rust's formatter, which `%f` and `%e` pass the precision to, panics on a
/// precision (or digit count) above that.
const MAX_FORMAT_WIDTH: usize = 65_000;

fn format_string(fmt: &str, args: &[Value]) -> Res<String> {
    let b = fmt.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut next_arg = 1;
    let mut highest = 0;
    let read_num = |i: &mut usize| -> Res<usize> {
        let mut n: usize = 0;
        while *i < b.len() && b[*i].is_ascii_digit() {
            n = n
                .saturating_mul(10)
                .saturating_add(usize::from(b[*i] - b'0'));
            *i += 1;
        }
        if n > MAX_FORMAT_WIDTH {
            return fail(format!("format width or precision {n} is too large"));
        }
        Ok(n)
    };
    while i < b.len() {
        if b[i] != b'%' {
            let c = fmt[i..].chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        if b.get(i + 1) == Some(&b'%') {
            out.push('%');
            i += 2;
            continue;
        }
        let start = i;
        i += 1;
        let mut verb = Verb {
            arg_num: next_arg,
            ..Verb::default()
        };
        while i < b.len() {
            match b[i] {
                b'0' => verb.zero = true,
                b'#' => verb.sharp = true,
                b'-' => verb.minus = true,
                b'+' => verb.plus = true,
                b' ' => verb.space = true,
                _ => break,
            }
            i += 1;
        }
        if i < b.len() && (b'1'..=b'9').contains(&b[i]) {
            verb.width = Some(read_num(&mut i)?);
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            verb.prec = Some(read_num(&mut i)?);
        }
        if i < b.len() && b[i] == b'[' {
            i += 1;
            verb.arg_num = 0;
            if i < b.len() && (b'1'..=b'9').contains(&b[i]) {
                verb.arg_num = read_num(&mut i)?;
            }
            if i >= b.len() || b[i] != b']' || verb.arg_num == 0 {
                return bad_format_char(fmt, i);
            }
            i += 1;
        }
        if i >= b.len() {
            return fail(format!("invalid format string starting at offset {i}"));
        }
        let c = fmt[i..].chars().next().unwrap_or_default();
        if !c.is_ascii_alphabetic() {
            return bad_format_char(fmt, i);
        }
        verb.mode = c;
        i += 1;
        highest = highest.max(verb.arg_num);
        format_verb(&verb, &fmt[start..i], start, args, &mut out)?;
        too_long(out.len())?;
        next_arg = verb.arg_num + 1;
    }
    if highest < args.len() {
        return fail(if highest == 0 {
            "too many arguments; no verbs in format string".to_string()
        } else {
            format!("too many arguments; only {highest} used by format string")
        });
    }
    Ok(out)
}

fn bad_format_char<T>(fmt: &str, i: usize) -> Res<T> {
    match fmt[i..].chars().next() {
        Some(c) => fail(format!("unrecognized format character {c:?} at offset {i}")),
        None => fail(format!("invalid format string starting at offset {i}")),
    }
}

fn format_verb(verb: &Verb, raw: &str, offset: usize, args: &[Value], out: &mut String) -> Res<()> {
    let Some(arg) = args.get(verb.arg_num - 1) else {
        return fail(format!(
            "not enough arguments for {raw:?} at {offset}: need index {} but have {} total",
            verb.arg_num,
            args.len()
        ));
    };
    let unsupported = |msg: &str| fail(format!("unsupported value for {raw:?} at {offset}: {msg}"));
    if verb.mode != 'v' && matches!(arg, Value::Null) {
        return unsupported("null value cannot be formatted");
    }
    stop_opaque(arg)?;
    match verb.mode {
        'v' => {
            if !verb.sharp {
                match arg {
                    Value::String(s) => {
                        out.push_str(&pad_width(verb, s.clone()));
                        return Ok(());
                    }
                    Value::Number(n) => {
                        out.push_str(&pad_width(verb, go_shortest_g(*n)));
                        return Ok(());
                    }
                    _ => {}
                }
            }
            let mut json = String::new();
            json_encode(arg, &mut json)?;
            out.push_str(&pad_width(verb, json));
        }
        't' => {
            let b = match arg {
                Value::Bool(b) => Some(*b),
                Value::String(s) => str_to_bool(s),
                _ => None,
            };
            match b {
                Some(b) => out.push_str(if b { "true" } else { "false" }),
                None => return unsupported("a bool is required"),
            }
        }
        'b' | 'd' | 'o' | 'x' | 'X' | 'e' | 'E' | 'f' | 'g' | 'G' => {
            let n = match arg {
                Value::Number(n) => *n,
                Value::String(s) => match parse_number(s) {
                    Some(n) => n,
                    None => return unsupported("a number is required"),
                },
                _ => return unsupported("a number is required"),
            };
            if matches!(verb.mode, 'b' | 'd' | 'o' | 'x' | 'X') {
                if n.fract() != 0.0 || !n.is_finite() || n.abs() >= 1.7e38 {
                    return unsupported("an integer is required");
                }
                out.push_str(&format_integer(verb, n as i128));
            } else {
                out.push_str(&format_float(verb, n));
            }
        }
        's' | 'q' => {
            let s = match arg {
                Value::String(s) => s.clone(),
                Value::Number(n) => format_number(*n),
                Value::Bool(b) => b.to_string(),
                _ => return unsupported("a string is required"),
            };
            let s = match verb.prec {
                Some(p) if p > 0 => graphemes(&s).into_iter().take(p).collect(),
                _ => s,
            };
            let s = if verb.mode == 'q' { json_quote(&s) } else { s };
            out.push_str(&pad_width(verb, s));
        }
        m => {
            return fail(format!(
                "unsupported format verb {m:?} in {raw:?} at offset {offset}"
            ))
        }
    }
    Ok(())
}

/// Pads to the verb's width in characters, as Terraform does for strings and `%v`.
fn pad_width(verb: &Verb, s: String) -> String {
    let Some(width) = verb.width else { return s };
    let len = graphemes(&s).len();
    if len >= width {
        return s;
    }
    let pad = (if verb.zero { "0" } else { " " }).repeat(width - len);
    if verb.minus {
        s + &pad
    } else {
        pad + &s
    }
}

/// `%d`, `%b`, `%o`, `%x`, `%X` with Go's flags, width and precision (minimum digits).
fn format_integer(verb: &Verb, n: i128) -> String {
    let mag = n.unsigned_abs();
    let digits = match verb.mode {
        'b' => format!("{mag:b}"),
        'o' => format!("{mag:o}"),
        'x' => format!("{mag:x}"),
        'X' => format!("{mag:X}"),
        _ => mag.to_string(),
    };
    let prefix = match (verb.sharp, verb.mode) {
        (true, 'b') => "0b",
        (true, 'o') => "0",
        (true, 'x') => "0x",
        (true, 'X') => "0X",
        _ => "",
    };
    let sign = if n < 0 {
        "-"
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let mut zeros = 0;
    if let Some(p) = verb.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return String::new();
        }
    }
    let len = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = verb.width.filter(|w| *w > len) {
        if verb.minus {
            right = w - len;
        } else if verb.zero && verb.prec.is_none() {
            zeros += w - len;
        } else {
            left = w - len;
        }
    }
    format!(
        "{}{sign}{prefix}{}{digits}{}",
        " ".repeat(left),
        "0".repeat(zeros),
        " ".repeat(right)
    )
}

/// `%e`, `%E`, `%f`, `%g`, `%G` as Go formats a big.Float.
fn format_float(verb: &Verb, n: f64) -> String {
    let upper = matches!(verb.mode, 'E' | 'G');
    let body = if n.is_infinite() {
        "Inf".to_string()
    } else {
        let x = n.abs();
        match verb.mode {
            'f' => format!("{:.*}", verb.prec.unwrap_or(6), x),
            'e' | 'E' => {
                let (mant, dexp) = decimal_digits(x, Some(verb.prec.unwrap_or(6) + 1));
                fmt_e(&mant, dexp, verb.prec.unwrap_or(6), upper)
            }
            _ => go_g(x, verb.prec, upper),
        }
    };
    let sign = if n < 0.0 {
        "-"
    } else if n.is_infinite() {
        if verb.space {
            " "
        } else {
            "+"
        }
    } else if verb.plus {
        "+"
    } else if verb.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + body.len();
    let pad = verb.width.map_or(0, |w| w.saturating_sub(len));
    if verb.zero && !n.is_infinite() {
        format!("{sign}{}{body}", "0".repeat(pad))
    } else if verb.minus {
        format!("{sign}{body}{}", " ".repeat(pad))
    } else {
        format!("{}{sign}{body}", " ".repeat(pad))
    }
}

/// Decimal digits of `x >= 0` (no trailing zeros) and the exponent `e` with
/// `x = 0.digits × 10^e`; rounded to `sig` significant digits, or the shortest that round-trips.
fn decimal_digits(x: f64, sig: Option<usize>) -> (String, i32) {
    if x == 0.0 {
        return ("0".to_string(), 1);
    }
    let s = match sig {
        Some(p) => format!("{:.*e}", p.max(1) - 1, x),
        None => format!("{x:e}"),
    };
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let mut digits: String = m.chars().filter(char::is_ascii_digit).collect();
    while digits.len() > 1 && digits.ends_with('0') {
        digits.pop();
    }
    (digits, e.parse::<i32>().unwrap_or(0) + 1)
}

fn fmt_e(mant: &str, dexp: i32, prec: usize, upper: bool) -> String {
    let d = mant.as_bytes();
    let mut out = String::new();
    out.push(char::from(d[0]));
    if prec > 0 {
        out.push('.');
        for i in 1..=prec {
            out.push(d.get(i).map_or('0', |c| char::from(*c)));
        }
    }
    let exp = if mant == "0" { 0 } else { dexp - 1 };
    out.push(if upper { 'E' } else { 'e' });
    out.push(if exp < 0 { '-' } else { '+' });
    out.push_str(&format!("{:02}", exp.abs()));
    out
}

fn fmt_f(mant: &str, dexp: i32, prec: usize) -> String {
    let d = mant.as_bytes();
    let digit = |i: i64| -> char {
        if i >= 0 && (i as usize) < d.len() {
            char::from(d[i as usize])
        } else {
            '0'
        }
    };
    let mut out = String::new();
    if dexp > 0 {
        for i in 0..i64::from(dexp) {
            out.push(digit(i));
        }
    } else {
        out.push('0');
    }
    if prec > 0 {
        out.push('.');
        for i in 1..=prec as i64 {
            out.push(digit(i64::from(dexp) - 1 + i));
        }
    }
    out
}

/// Go's `%g` for `x >= 0`: `prec` significant digits, or the shortest representation.
fn go_g(x: f64, prec: Option<usize>, upper: bool) -> String {
    let shortest = prec.is_none();
    let (mant, dexp) = decimal_digits(x, prec.map(|p| p.max(1)));
    let nd = mant.len() as i32;
    let mut p = prec.map_or(nd, |p| p.max(1) as i32);
    let mut eprec = p;
    if eprec > nd && nd >= dexp {
        eprec = nd;
    }
    if shortest {
        eprec = 6;
    }
    let exp = dexp - 1;
    if exp < -4 || exp >= eprec {
        if p > nd {
            p = nd;
        }
        return fmt_e(&mant, dexp, (p - 1).max(0) as usize, upper);
    }
    if p > dexp {
        p = nd;
    }
    fmt_f(&mant, dexp, (p - dexp).max(0) as usize)
}

/// A number as `%v` prints it (Go's shortest `%g`: `1e+06` for a million).
fn go_shortest_g(n: f64) -> String {
    if n.is_infinite() {
        return if n < 0.0 { "-Inf" } else { "+Inf" }.to_string();
    }
    let body = go_g(n.abs(), None, false);
    if n < 0.0 {
        format!("-{body}")
    } else {
        body
    }
}

fn format(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let fmt = to_str(&args[0], "format")?;
    if let Some(u) = args[1..].iter().find_map(deep_opaque) {
        return Err(Stop::Unknown(u));
    }
    Ok(Value::String(format_string(&fmt, &args[1..])?))
}

fn formatlist(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let fmt = to_str(&args[0], "format")?;
    let rest = &args[1..];
    if rest.is_empty() {
        return Ok(Value::List(vec![Value::String(format_string(&fmt, &[])?)]));
    }
    let mut iter_len: Option<(usize, usize)> = None;
    let mut unknown = None;
    for (i, a) in rest.iter().enumerate() {
        match a {
            Value::List(items) => match iter_len {
                None => iter_len = Some((items.len(), i)),
                Some((len, j)) if len != items.len() => {
                    return fail(format!(
                        "argument {} has length {}, which is inconsistent with argument {} of length {}",
                        i + 1,
                        items.len(),
                        j + 1,
                        len
                    ))
                }
                Some(_) => {}
            },
            // An unknown argument might be a list: the length of the result is unknown.
            Value::Unknown(_) => {
                unknown.get_or_insert_with(|| a.clone());
            }
            _ => {}
        }
    }
    if let Some(u) = unknown {
        return Err(Stop::Unknown(u));
    }
    let n = iter_len.map_or(1, |(len, _)| len);
    let mut out = Vec::with_capacity(n);
    let mut total = 0usize;
    for k in 0..n {
        let row: Vec<Value> = rest
            .iter()
            .map(|a| match a {
                Value::List(items) => items[k].clone(),
                other => other.clone(),
            })
            .collect();
        if let Some(u) = row.iter().find_map(deep_opaque) {
            out.push(u);
            continue;
        }
        match format_string(&fmt, &row) {
            Ok(s) => {
                total = total.saturating_add(s.len());
                too_long(total)?;
                out.push(Value::String(s));
            }
            Err(Stop::Unknown(u)) => out.push(u),
            Err(Stop::Error(e)) => return fail(format!("error on format iteration {k}: {e}")),
            Err(Stop::Limit(e)) => return Err(Stop::Limit(e)),
        }
    }
    Ok(Value::List(out))
}

// ---------------------------------------------------------------------------------------------
// CIDR arithmetic, on u128 for both address families.

#[derive(Clone, Copy)]
struct Net {
    addr: u128,
    prefix: u32,
    /// 32 or 128.
    bits: u32,
}

fn all_ones(bits: u32) -> u128 {
    if bits >= 128 {
        u128::MAX
    } else {
        (1u128 << bits) - 1
    }
}

/// The host part of a `prefix`-bit network in a `bits`-bit address.
fn host_mask(prefix: u32, bits: u32) -> u128 {
    all_ones(bits).checked_shr(prefix).unwrap_or(0)
}

fn family(bits: u32) -> &'static str {
    if bits == 32 {
        "IPv4"
    } else {
        "IPv6"
    }
}

fn plural(n: impl Display + PartialEq<i64> + Copy, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Dotted IPv4 as Go reads it: four decimal parts up to 255, leading zeros allowed.
fn parse_ipv4(s: &str) -> Option<u32> {
    let mut addr = 0u32;
    let mut parts = 0;
    for part in s.split('.') {
        parts += 1;
        if parts > 4 || part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u32 = part.trim_start_matches('0').parse().unwrap_or(0);
        if part.trim_start_matches('0').len() > 3 || v > 255 {
            return None;
        }
        addr = (addr << 8) | v;
    }
    (parts == 4).then_some(addr)
}

fn parse_cidr(s: &str) -> Res<Net> {
    let bad = || {
        fail(format!(
            "invalid CIDR expression: invalid CIDR address: {s}"
        ))
    };
    let Some((ip, len)) = s.split_once('/') else {
        return bad();
    };
    let (addr, bits) = if let Some(a) = parse_ipv4(ip) {
        (u128::from(a), 32)
    } else if let Ok(a) = ip.parse::<Ipv6Addr>() {
        (u128::from(a), 128)
    } else {
        return bad();
    };
    if len.is_empty() || !len.bytes().all(|b| b.is_ascii_digit()) {
        return bad();
    }
    let digits = len.trim_start_matches('0');
    let prefix: u32 = if digits.is_empty() {
        0
    } else if digits.len() > 3 {
        return bad();
    } else {
        digits.parse().unwrap_or(u32::MAX)
    };
    if prefix > bits {
        return bad();
    }
    Ok(Net {
        addr: addr & !host_mask(prefix, bits) & all_ones(bits),
        prefix,
        bits,
    })
}

fn is_v4_mapped(addr: u128) -> bool {
    addr >> 32 == 0xffff
}

/// An address as Terraform prints it (IPv4-mapped IPv6 addresses in dotted form, as Go does).
fn fmt_addr(addr: u128, bits: u32) -> String {
    if bits == 32 || is_v4_mapped(addr) {
        Ipv4Addr::from(addr as u32).to_string()
    } else {
        Ipv6Addr::from(addr).to_string()
    }
}

fn fmt_net(net: Net) -> String {
    if net.bits == 128 && is_v4_mapped(net.addr) && net.prefix >= 96 {
        format!("{}/{}", Ipv4Addr::from(net.addr as u32), net.prefix - 96)
    } else {
        format!("{}/{}", fmt_addr(net.addr, net.bits), net.prefix)
    }
}

fn cidrsubnet(args: &[Value]) -> Res<Value> {
    arity(args, 3, 3)?;
    let prefix = to_str(&args[0], "prefix")?;
    let newbits = to_int(&args[1], "newbits")?;
    let netnum = to_big_int(&args[2], "netnum")?;
    let net = parse_cidr(&prefix)?;
    if newbits < 0 {
        return Err(invalid(
            "newbits",
            format!("must not be negative, got {newbits}"),
        ));
    }
    let new_prefix = i64::from(net.prefix) + newbits;
    if new_prefix > i64::from(net.bits) {
        return fail(format!(
            "prefix extension of {} would make a prefix of {}, which is too long for an {} address",
            plural(newbits, "bit"),
            plural(new_prefix, "bit"),
            family(net.bits)
        ));
    }
    let new_prefix = new_prefix as u32;
    if netnum < 0 || netnum as u128 > all_ones(newbits as u32) {
        return fail(format!(
            "prefix extension of {} does not accommodate a subnet numbered {netnum}",
            plural(newbits, "bit")
        ));
    }
    let shift = net.bits - new_prefix;
    let addr = net.addr | (netnum as u128).checked_shl(shift).unwrap_or(0);
    Ok(Value::String(fmt_net(Net {
        addr,
        prefix: new_prefix,
        bits: net.bits,
    })))
}

fn cidrhost(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let prefix = to_str(&args[0], "prefix")?;
    let hostnum = to_big_int(&args[1], "hostnum")?;
    let net = parse_cidr(&prefix)?;
    let max = host_mask(net.prefix, net.bits);
    let too_big = || {
        fail(format!(
            "prefix of {} does not accommodate a host numbered {hostnum}",
            net.prefix
        ))
    };
    let host = if hostnum < 0 {
        // -1 is the last address, -2 the one before, …
        let back = (-(hostnum + 1)) as u128;
        if back > max {
            return too_big();
        }
        max - back
    } else {
        let h = hostnum as u128;
        if h > max {
            return too_big();
        }
        h
    };
    Ok(Value::String(fmt_addr(net.addr | host, net.bits)))
}

fn cidrnetmask(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let prefix = to_str(&args[0], "prefix")?;
    let net = parse_cidr(&prefix)?;
    if net.bits != 32 {
        return fail(format!("IPv6 addresses cannot have a netmask: {prefix}"));
    }
    let mask = all_ones(32) & !host_mask(net.prefix, 32);
    Ok(Value::String(Ipv4Addr::from(mask as u32).to_string()))
}

fn cidrsubnets(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let prefix = to_str(&args[0], "prefix")?;
    let mut newbits = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        newbits.push(to_int(a, "newbits")?);
    }
    let net = parse_cidr(&prefix)?;
    let net_last = net.addr | host_mask(net.prefix, net.bits);
    // The first address not yet allocated; None once past the end of the address space.
    let mut cursor = Some(net.addr);
    let mut current: Option<Net> = None;
    let mut out = Vec::with_capacity(newbits.len());
    for (i, &nb) in newbits.iter().enumerate() {
        if nb < 1 {
            return Err(invalid(
                "newbits",
                format!("argument {}: must extend prefix by at least one bit", i + 2),
            ));
        }
        if nb > 32 {
            return Err(invalid(
                "newbits",
                format!(
                    "argument {}: may not extend prefix by more than 32 bits",
                    i + 2
                ),
            ));
        }
        let len = net.prefix + nb as u32;
        if len > net.bits {
            return Err(invalid(
                "newbits",
                format!(
                    "argument {}: would extend prefix to {len} bits, which is too long for an {} address",
                    i + 2,
                    family(net.bits)
                ),
            ));
        }
        let host = host_mask(len, net.bits);
        let start = cursor.and_then(|c| {
            if c & host == 0 {
                Some(c)
            } else {
                (c | host).checked_add(1)
            }
        });
        match start {
            Some(a) if a >= net.addr && a <= net_last => {
                let sub = Net {
                    addr: a,
                    prefix: len,
                    bits: net.bits,
                };
                out.push(Value::String(fmt_net(sub)));
                current = Some(sub);
                cursor = (a | host).checked_add(1);
            }
            _ => {
                return Err(invalid(
                    "newbits",
                    format!(
                        "argument {}: not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                        i + 2,
                        fmt_net(current.unwrap_or(net))
                    ),
                ))
            }
        }
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{FileId, Span};

    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: f64) -> Value {
        Value::Number(x)
    }
    fn b(x: bool) -> Value {
        Value::Bool(x)
    }
    fn l(items: Vec<Value>) -> Value {
        Value::List(items)
    }
    fn strs(items: &[&str]) -> Value {
        l(items.iter().map(|x| s(x)).collect())
    }
    fn nums(items: &[f64]) -> Value {
        l(items.iter().map(|x| n(*x)).collect())
    }
    fn obj(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
    }
    fn unk(reason: &str) -> Value {
        Value::unknown(reason, Some(Span::new(FileId(3), 10, 20)))
    }
    fn rf(address: &str, attribute: &str) -> Value {
        Value::Reference(Reference {
            address: address.into(),
            attribute: attribute.into(),
        })
    }
    fn lb() -> Value {
        rf("aws_security_group.lb", "id")
    }
    const LB_REASON: &str = "the value of aws_security_group.lb.id is known only after apply";

    fn ok(name: &str, args: Vec<Value>) -> Value {
        call(name, args).unwrap_or_else(|e| panic!("{name} failed: {e}"))
    }
    fn err(name: &str, args: Vec<Value>) -> String {
        match call(name, args) {
            Ok(v) => panic!("{name} should fail, got {v}"),
            Err(e) => e.0,
        }
    }
    fn reason(v: &Value) -> String {
        match v {
            Value::Unknown(u) => u.reason.to_string(),
            other => panic!("expected an unknown, got {other}"),
        }
    }

    // --- registry -----------------------------------------------------------------------

    #[test]
    fn registry_is_sorted_and_every_name_dispatches() {
        let mut sorted = FUNCTIONS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, FUNCTIONS);
        for name in FUNCTIONS {
            assert!(is_known_function(name));
            if let Err(e) = call(name, vec![]) {
                assert!(!e.0.contains("no function named"), "{name}: {e}");
            }
        }
        for name in ["try", "can", "file", "templatefile", "regex", "cidrsubnetz"] {
            assert!(!is_known_function(name), "{name}");
        }
        assert_eq!(
            err("nosuch", vec![]),
            "there is no function named \"nosuch\""
        );
    }

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

    // --- CIDR -----------------------------------------------------------------------------

    #[test]
    fn cidrsubnet_ipv4() {
        let c = |p: &str, nb: f64, num: f64| ok("cidrsubnet", vec![s(p), n(nb), n(num)]);
        assert_eq!(c("10.0.0.0/16", 8.0, 2.0), s("10.0.2.0/24"));
        assert_eq!(c("10.1.2.0/24", 4.0, 15.0), s("10.1.2.240/28"));
        assert_eq!(c("172.16.0.0/12", 4.0, 2.0), s("172.18.0.0/16"));
        assert_eq!(c("10.0.0.0/16", 0.0, 0.0), s("10.0.0.0/16"));
        assert_eq!(c("0.0.0.0/0", 1.0, 1.0), s("128.0.0.0/1"));
        assert_eq!(c("10.0.0.0/8", 24.0, 16777215.0), s("10.255.255.255/32"));
        // The base address is masked; numeric strings convert.
        assert_eq!(
            ok("cidrsubnet", vec![s("10.0.7.5/16"), s("8"), s("2")]),
            s("10.0.2.0/24")
        );
        // Leading zeros in octets are read as decimal, as Terraform does.
        assert_eq!(c("010.001.0.0/16", 8.0, 1.0), s("10.1.1.0/24"));
    }

    #[test]
    fn cidrsubnet_ipv6() {
        let c = |p: &str, nb: f64, num: Value| ok("cidrsubnet", vec![s(p), n(nb), num]);
        assert_eq!(
            c("fd00:fd12:3456:7890::/56", 16.0, n(162.0)),
            s("fd00:fd12:3456:7800:a200::/72")
        );
        assert_eq!(
            c("2001:db8::/32", 32.0, n(4294967295.0)),
            s("2001:db8:ffff:ffff::/64")
        );
        assert_eq!(c("2001:db8::/56", 8.0, n(1.0)), s("2001:db8:0:1::/64"));
        // Numbers beyond f64 precision are exact when given as strings.
        assert_eq!(
            c("::/0", 64.0, s("18446744073709551615")),
            s("ffff:ffff:ffff:ffff::/64")
        );
        // IPv4-mapped addresses print in dotted form, as Terraform prints them.
        assert_eq!(c("::ffff:10.0.0.0/104", 8.0, n(1.0)), s("10.1.0.0/16"));
    }

    #[test]
    fn cidrsubnet_errors() {
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(9.0), n(0.0)]),
            "cidrsubnet: prefix extension of 9 bits would make a prefix of 33 bits, which is too long for an IPv4 address"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("2001:db8::/64"), n(65.0), n(0.0)]),
            "cidrsubnet: prefix extension of 65 bits would make a prefix of 129 bits, which is too long for an IPv6 address"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(4.0), n(16.0)]),
            "cidrsubnet: prefix extension of 4 bits does not accommodate a subnet numbered 16"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(1.0), n(-1.0)]),
            "cidrsubnet: prefix extension of 1 bit does not accommodate a subnet numbered -1"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/24"), n(-1.0), n(0.0)]),
            "cidrsubnet: invalid value for \"newbits\" parameter: must not be negative, got -1"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/33"), n(1.0), n(0.0)]),
            "cidrsubnet: invalid CIDR expression: invalid CIDR address: 10.0.0.0/33"
        );
        for bad in [
            "10.0.0/16",
            "10.0.0.256/16",
            "10.0.0.0",
            "10.0.0.0/",
            "10.0.0.0/a",
            "x/8",
            "",
        ] {
            let e = err("cidrsubnet", vec![s(bad), n(1.0), n(0.0)]);
            assert!(e.contains("invalid CIDR address"), "{bad}: {e}");
        }
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/16"), n(8.0), n(2.5)]),
            "cidrsubnet: invalid value for \"netnum\" parameter: a whole number is required, but have 2.5"
        );
        assert_eq!(
            err("cidrsubnet", vec![s("10.0.0.0/16"), s("eight"), n(2.0)]),
            "cidrsubnet: invalid value for \"newbits\" parameter: a number is required, but have \"eight\""
        );
        assert_eq!(
            err("cidrsubnet", vec![Value::Null, n(8.0), n(2.0)]),
            "cidrsubnet: invalid value for \"prefix\" parameter: argument must not be null"
        );
    }

    #[test]
    fn cidrhost_counts_from_both_ends() {
        let c = |p: &str, h: f64| ok("cidrhost", vec![s(p), n(h)]);
        assert_eq!(c("10.12.112.0/20", 16.0), s("10.12.112.16"));
        assert_eq!(c("10.12.112.0/20", 268.0), s("10.12.113.12"));
        assert_eq!(c("10.0.0.0/24", -2.0), s("10.0.0.254"));
        assert_eq!(c("10.0.0.0/24", -1.0), s("10.0.0.255"));
        assert_eq!(c("10.0.0.0/24", -256.0), s("10.0.0.0"));
        assert_eq!(c("10.0.0.0/24", 255.0), s("10.0.0.255"));
        assert_eq!(c("10.0.0.9/32", 0.0), s("10.0.0.9"));
        assert_eq!(
            c("fd00:fd12:3456:7890:00a2::/72", 34.0),
            s("fd00:fd12:3456:7890::22")
        );
        assert_eq!(c("2001:db8::/64", -1.0), s("2001:db8::ffff:ffff:ffff:ffff"));
        assert_eq!(
            ok("cidrhost", vec![s("10.0.0.0/8"), s("257")]),
            s("10.0.1.1")
        );
        assert_eq!(
            err("cidrhost", vec![s("10.0.0.0/24"), n(256.0)]),
            "cidrhost: prefix of 24 does not accommodate a host numbered 256"
        );
        assert_eq!(
            err("cidrhost", vec![s("10.0.0.0/24"), n(-257.0)]),
            "cidrhost: prefix of 24 does not accommodate a host numbered -257"
        );
    }

    #[test]
    fn cidrnetmask_ipv4_only() {
        assert_eq!(
            ok("cidrnetmask", vec![s("172.16.0.0/12")]),
            s("255.240.0.0")
        );
        assert_eq!(
            ok("cidrnetmask", vec![s("10.0.0.0/24")]),
            s("255.255.255.0")
        );
        assert_eq!(ok("cidrnetmask", vec![s("0.0.0.0/0")]), s("0.0.0.0"));
        assert_eq!(
            ok("cidrnetmask", vec![s("10.1.2.3/32")]),
            s("255.255.255.255")
        );
        assert_eq!(
            err("cidrnetmask", vec![s("2001:db8::/32")]),
            "cidrnetmask: IPv6 addresses cannot have a netmask: 2001:db8::/32"
        );
    }

    #[test]
    fn cidrsubnets_allocates_consecutively() {
        assert_eq!(
            ok(
                "cidrsubnets",
                vec![s("10.1.0.0/16"), n(4.0), n(4.0), n(8.0), n(4.0)]
            ),
            strs(&[
                "10.1.0.0/20",
                "10.1.16.0/20",
                "10.1.32.0/24",
                "10.1.48.0/20"
            ])
        );
        assert_eq!(
            ok(
                "cidrsubnets",
                vec![
                    s("fd00:fd12:3456:7890::/56"),
                    n(16.0),
                    n(16.0),
                    n(16.0),
                    n(32.0)
                ]
            ),
            strs(&[
                "fd00:fd12:3456:7800::/72",
                "fd00:fd12:3456:7800:100::/72",
                "fd00:fd12:3456:7800:200::/72",
                "fd00:fd12:3456:7800:300::/88",
            ])
        );
        assert_eq!(ok("cidrsubnets", vec![s("10.0.0.0/8")]), l(vec![]));
        // A base network at address zero works (Terraform issue 35486 makes it fail there).
        assert_eq!(
            ok("cidrsubnets", vec![s("0.0.0.0/1"), n(1.0), n(1.0)]),
            strs(&["0.0.0.0/2", "64.0.0.0/2"])
        );
        assert_eq!(
            ok("cidrsubnets", vec![s("255.255.255.0/24"), n(1.0), n(1.0)]),
            strs(&["255.255.255.0/25", "255.255.255.128/25"])
        );
        assert_eq!(
            err("cidrsubnets", vec![s("10.0.0.0/24"), n(1.0), n(1.0), n(1.0)]),
            "cidrsubnets: invalid value for \"newbits\" parameter: argument 4: not enough remaining address space for a subnet with a prefix of 25 bits after 10.0.0.128/25"
        );
        assert!(err(
            "cidrsubnets",
            vec![
                s("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120"),
                n(1.0),
                n(1.0),
                n(2.0)
            ]
        )
        .contains("not enough remaining address space"));
        assert!(err("cidrsubnets", vec![s("10.0.0.0/24"), n(0.0)])
            .contains("must extend prefix by at least one bit"));
        assert!(err("cidrsubnets", vec![s("2001:db8::/32"), n(33.0)])
            .contains("may not extend prefix by more than 32 bits"));
        assert!(err("cidrsubnets", vec![s("10.0.0.0/24"), n(9.0)])
            .contains("would extend prefix to 33 bits, which is too long for an IPv4 address"));
    }

    #[test]
    fn cidr_functions_need_the_text_of_references() {
        let vpc = rf("aws_vpc.main", "cidr_block");
        let r = ok("cidrsubnet", vec![vpc.clone(), n(8.0), n(1.0)]);
        assert_eq!(
            reason(&r),
            "the value of aws_vpc.main.cidr_block is known only after apply"
        );
        assert!(ok("cidrhost", vec![vpc.clone(), n(5.0)]).is_unknown());
        assert!(ok("cidrnetmask", vec![vpc.clone()]).is_unknown());
        assert!(ok("cidrsubnets", vec![vpc, n(4.0)]).is_unknown());
        // An unknown argument comes back as is, origin included.
        let u = unk("var.vpc_cidr has no value");
        assert_eq!(ok("cidrsubnet", vec![u.clone(), n(8.0), n(1.0)]), u);
        assert_eq!(ok("cidrhost", vec![s("10.0.0.0/16"), u.clone()]), u);
        // The first unknown wins.
        let r = ok("cidrsubnet", vec![unk("first"), unk("second"), n(1.0)]);
        assert_eq!(reason(&r), "first");
    }

    // --- collections -----------------------------------------------------------------------

    #[test]
    fn concat_keeps_unknown_elements_but_not_unknown_lists() {
        assert_eq!(
            ok("concat", vec![strs(&["a"]), strs(&["b", "c"]), l(vec![])]),
            strs(&["a", "b", "c"])
        );
        let u = unk("data.aws_subnets.x.ids is unknown");
        assert_eq!(
            ok("concat", vec![l(vec![lb()]), l(vec![u.clone()])]),
            l(vec![lb(), u.clone()])
        );
        assert_eq!(ok("concat", vec![u.clone(), nums(&[1.0])]), u);
        assert_eq!(reason(&ok("concat", vec![nums(&[1.0]), lb()])), LB_REASON);
        assert_eq!(
            err("concat", vec![]),
            "concat: at least one argument is required"
        );
        assert_eq!(
            err("concat", vec![s("a")]),
            "concat: invalid value for \"seqs\" parameter: a list is required, but have string"
        );
    }

    #[test]
    fn flatten_nested_lists() {
        assert_eq!(
            ok(
                "flatten",
                vec![l(vec![
                    l(vec![s("a"), l(vec![s("b")])]),
                    s("c"),
                    l(vec![]),
                    Value::Null,
                    lb()
                ])]
            ),
            l(vec![s("a"), s("b"), s("c"), Value::Null, lb()])
        );
        // An unknown element might be a list: the shape of the result is unknown.
        let u = unk("var.extra_groups has no value");
        assert_eq!(ok("flatten", vec![l(vec![s("a"), l(vec![u.clone()])])]), u);
        assert_eq!(
            err("flatten", vec![s("a")]),
            "flatten: can only flatten lists, sets and tuples"
        );
    }

    #[test]
    fn lookup_two_and_three_arguments() {
        let u = unk("aws_instance.web.private_ip");
        let m = obj(vec![("http", n(80.0)), ("ip", u.clone()), ("1", s("one"))]);
        assert_eq!(ok("lookup", vec![m.clone(), s("http")]), n(80.0));
        assert_eq!(
            ok("lookup", vec![m.clone(), s("https"), n(443.0)]),
            n(443.0)
        );
        assert_eq!(ok("lookup", vec![m.clone(), s("ip"), n(0.0)]), u);
        assert_eq!(ok("lookup", vec![m.clone(), n(1.0)]), s("one"));
        assert_eq!(
            err("lookup", vec![m.clone(), s("https")]),
            "lookup: lookup failed to find key \"https\""
        );
        let k = unk("var.key");
        assert_eq!(ok("lookup", vec![m, k.clone(), n(1.0)]), k);
        assert_eq!(reason(&ok("lookup", vec![lb(), s("x"), n(1.0)])), LB_REASON);
        assert_eq!(
            err("lookup", vec![strs(&["a"]), s("x")]),
            "lookup: lookup() requires a map as the first argument"
        );
    }

    #[test]
    fn element_wraps_around() {
        let list = strs(&["a", "b", "c"]);
        assert_eq!(ok("element", vec![list.clone(), n(1.0)]), s("b"));
        assert_eq!(ok("element", vec![list.clone(), n(5.0)]), s("c"));
        assert_eq!(ok("element", vec![list.clone(), n(-1.0)]), s("c"));
        assert_eq!(ok("element", vec![list.clone(), s("3")]), s("a"));
        let u = unk("aws_subnet.b.id");
        let mixed = l(vec![lb(), u.clone()]);
        assert_eq!(ok("element", vec![mixed.clone(), n(0.0)]), lb());
        assert_eq!(ok("element", vec![mixed, n(1.0)]), u);
        assert_eq!(
            err("element", vec![l(vec![]), n(0.0)]),
            "element: cannot use element function with an empty list"
        );
        assert!(err("element", vec![list, n(0.5)]).contains("a whole number is required"));
    }

    #[test]
    fn merge_objects() {
        let u = unk("var.extra_tags");
        assert_eq!(
            ok(
                "merge",
                vec![
                    obj(vec![("a", n(1.0)), ("b", n(2.0))]),
                    Value::Null,
                    obj(vec![("b", n(3.0)), ("c", u.clone())]),
                ]
            ),
            obj(vec![("a", n(1.0)), ("b", n(3.0)), ("c", u.clone())])
        );
        assert_eq!(ok("merge", vec![]), obj(vec![]));
        assert_eq!(ok("merge", vec![obj(vec![]), u.clone()]), u);
        assert_eq!(
            err("merge", vec![strs(&["a"])]),
            "merge: arguments must be maps or objects, got \"list\""
        );
    }

    #[test]
    fn keys_values_zipmap() {
        let u = unk("var.port");
        let m = obj(vec![("b", n(1.0)), ("a", u.clone())]);
        assert_eq!(ok("keys", vec![m.clone()]), strs(&["a", "b"]));
        assert_eq!(ok("values", vec![m]), l(vec![u.clone(), n(1.0)]));
        assert_eq!(
            ok(
                "zipmap",
                vec![l(vec![s("x"), n(2.0)]), l(vec![lb(), u.clone()])]
            ),
            obj(vec![("x", lb()), ("2", u.clone())])
        );
        assert_eq!(
            ok("zipmap", vec![strs(&["k", "k"]), nums(&[1.0, 2.0])]),
            obj(vec![("k", n(2.0))])
        );
        assert_eq!(
            err("zipmap", vec![strs(&["a"]), nums(&[1.0, 2.0])]),
            "zipmap: number of keys (1) does not match number of values (2)"
        );
        assert_eq!(
            err("zipmap", vec![l(vec![Value::Null]), nums(&[1.0])]),
            "zipmap: keys list has null value at index 0"
        );
        assert_eq!(ok("zipmap", vec![l(vec![u.clone()]), nums(&[1.0])]), u);
        assert_eq!(reason(&ok("keys", vec![lb()])), LB_REASON);
        assert!(err("keys", vec![Value::Null]).contains("must not be null"));
    }

    #[test]
    fn length_of_lists_maps_and_strings() {
        let u = unk("aws_instance.web.id");
        assert_eq!(ok("length", vec![l(vec![u.clone(), n(1.0)])]), n(2.0));
        assert_eq!(
            ok("length", vec![obj(vec![("a", u.clone()), ("b", n(1.0))])]),
            n(2.0)
        );
        assert_eq!(ok("length", vec![s("héllo")]), n(5.0));
        assert_eq!(ok("length", vec![s("e\u{301}")]), n(1.0));
        assert_eq!(ok("length", vec![s("🇺🇸🇫🇷")]), n(2.0));
        assert_eq!(ok("length", vec![s("\r\n")]), n(1.0));
        assert_eq!(ok("length", vec![s("👨\u{200D}👩\u{200D}👧!")]), n(2.0));
        assert_eq!(ok("length", vec![s("")]), n(0.0));
        assert_eq!(ok("length", vec![u.clone()]), u);
        assert_eq!(reason(&ok("length", vec![lb()])), LB_REASON);
        assert_eq!(
            err("length", vec![Value::Null]),
            "length: invalid value for \"value\" parameter: argument must not be null"
        );
        assert_eq!(
            err("length", vec![n(5.0)]),
            "length: argument must be a string, a collection type, or a structural type"
        );
    }

    #[test]
    fn coalesce_skips_null_and_empty_strings() {
        assert_eq!(
            ok("coalesce", vec![Value::Null, s(""), s("a"), s("b")]),
            s("a")
        );
        assert_eq!(ok("coalesce", vec![n(0.0), n(1.0)]), n(0.0));
        assert_eq!(ok("coalesce", vec![n(1.0), s("x")]), s("1"));
        assert_eq!(ok("coalesce", vec![s(""), n(2.0)]), s("2"));
        assert_eq!(ok("coalesce", vec![Value::Null, lb(), s("a")]), lb());
        let u = unk("var.name");
        assert_eq!(ok("coalesce", vec![Value::Null, u.clone(), s("a")]), u);
        assert_eq!(ok("coalesce", vec![s("a"), u]), s("a"));
        assert_eq!(
            err("coalesce", vec![Value::Null, s("")]),
            "coalesce: no non-null, non-empty-string arguments"
        );
        assert_eq!(
            err("coalesce", vec![s("a"), strs(&["b"])]),
            "coalesce: all arguments must have the same type"
        );
    }

    #[test]
    fn coalescelist_first_non_empty() {
        assert_eq!(
            ok(
                "coalescelist",
                vec![l(vec![]), Value::Null, strs(&["a", "b"])]
            ),
            strs(&["a", "b"])
        );
        let u = unk("var.subnets");
        assert_eq!(
            ok("coalescelist", vec![strs(&["x"]), u.clone()]),
            strs(&["x"])
        );
        assert_eq!(ok("coalescelist", vec![l(vec![]), u.clone()]), u);
        assert_eq!(
            err("coalescelist", vec![l(vec![]), l(vec![])]),
            "coalescelist: no non-null arguments"
        );
        assert_eq!(
            err("coalescelist", vec![s("a")]),
            "coalescelist: coalescelist arguments must be lists or tuples"
        );
    }

    #[test]
    fn compact_drops_null_and_empty() {
        assert_eq!(
            ok(
                "compact",
                vec![l(vec![s("a"), s(""), Value::Null, n(1.0), lb()])]
            ),
            l(vec![s("a"), s("1"), lb()])
        );
        let u = unk("var.maybe_empty");
        assert_eq!(ok("compact", vec![l(vec![s("a"), u.clone()])]), u);
        assert!(err("compact", vec![l(vec![strs(&["a"])])]).contains("a string is required"));
    }

    #[test]
    fn distinct_keeps_first_occurrences() {
        let other = rf("aws_security_group.app", "id");
        assert_eq!(
            ok(
                "distinct",
                vec![l(vec![s("a"), s("b"), s("a"), lb(), other.clone(), lb()])]
            ),
            l(vec![s("a"), s("b"), lb(), other])
        );
        assert_eq!(
            ok("distinct", vec![nums(&[1.0, 1.0, 2.0])]),
            nums(&[1.0, 2.0])
        );
        let u = unk("var.x");
        assert_eq!(ok("distinct", vec![l(vec![s("a"), u.clone()])]), u);
    }

    #[test]
    fn contains_is_three_valued() {
        assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("b")]), b(true));
        assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("c")]), b(false));
        assert_eq!(ok("contains", vec![strs(&["1"]), n(1.0)]), b(false));
        let u = unk("var.extra");
        assert_eq!(
            ok("contains", vec![l(vec![s("a"), u.clone()]), s("a")]),
            b(true)
        );
        assert_eq!(ok("contains", vec![l(vec![s("a"), u.clone()]), s("c")]), u);
        assert_eq!(ok("contains", vec![l(vec![]), u.clone()]), b(false));
        assert_eq!(ok("contains", vec![strs(&["a"]), u.clone()]), u);
        assert_eq!(ok("contains", vec![l(vec![s("x"), lb()]), lb()]), b(true));
        // Two different references may or may not have equal values.
        let other = rf("aws_security_group.app", "id");
        assert_eq!(
            reason(&ok("contains", vec![l(vec![lb()]), other])),
            LB_REASON
        );
        assert_eq!(
            ok(
                "contains",
                vec![l(vec![nums(&[1.0, 2.0])]), nums(&[1.0, 2.0])]
            ),
            b(true)
        );
        assert_eq!(
            err("contains", vec![Value::Null, s("a")]),
            "contains: cannot search a nil list or set"
        );
    }

    #[test]
    fn index_finds_the_first_match() {
        assert_eq!(ok("index", vec![strs(&["a", "b", "b"]), s("b")]), n(1.0));
        assert_eq!(ok("index", vec![l(vec![lb(), s("x")]), lb()]), n(0.0));
        let u = unk("var.first");
        assert_eq!(ok("index", vec![l(vec![u.clone(), s("a")]), s("a")]), u);
        assert_eq!(
            err("index", vec![strs(&["a"]), s("z")]),
            "index: item not found"
        );
        assert_eq!(
            err("index", vec![l(vec![]), s("z")]),
            "index: cannot search an empty list"
        );
    }

    #[test]
    fn slice_reverse_chunklist_one() {
        let list = strs(&["a", "b", "c", "d"]);
        assert_eq!(
            ok("slice", vec![list.clone(), n(1.0), n(3.0)]),
            strs(&["b", "c"])
        );
        assert_eq!(ok("slice", vec![list.clone(), n(4.0), n(4.0)]), l(vec![]));
        assert_eq!(
            err("slice", vec![list.clone(), n(3.0), n(1.0)]),
            "slice: start index must not be greater than end index"
        );
        assert_eq!(
            err("slice", vec![list.clone(), n(0.0), n(5.0)]),
            "slice: end index must not be greater than the length of the list"
        );
        assert_eq!(
            err("slice", vec![list.clone(), n(-1.0), n(1.0)]),
            "slice: start index must not be less than zero"
        );
        assert_eq!(
            ok("reverse", vec![l(vec![n(1.0), lb(), s("x")])]),
            l(vec![s("x"), lb(), n(1.0)])
        );
        assert_eq!(
            err("reverse", vec![s("abc")]),
            "reverse: can only reverse list or tuple values, not string"
        );
        assert_eq!(
            ok("chunklist", vec![nums(&[1.0, 2.0, 3.0, 4.0, 5.0]), n(2.0)]),
            l(vec![nums(&[1.0, 2.0]), nums(&[3.0, 4.0]), nums(&[5.0])])
        );
        assert_eq!(
            ok("chunklist", vec![nums(&[1.0, 2.0]), n(0.0)]),
            l(vec![nums(&[1.0, 2.0])])
        );
        assert_eq!(ok("chunklist", vec![l(vec![]), n(3.0)]), l(vec![]));
        assert_eq!(
            err("chunklist", vec![nums(&[1.0]), n(-1.0)]),
            "chunklist: the size argument must be positive"
        );
        assert_eq!(ok("one", vec![l(vec![])]), Value::Null);
        assert_eq!(ok("one", vec![l(vec![lb()])]), lb());
        assert_eq!(
            err("one", vec![strs(&["a", "b"])]),
            "one: must be a list, set, or tuple value with either zero or one elements"
        );
        let u = unk("var.list");
        assert_eq!(ok("one", vec![u.clone()]), u);
        assert_eq!(ok("slice", vec![u.clone(), n(0.0), n(1.0)]), u);
    }

    #[test]
    fn sort_is_lexicographic_on_strings() {
        assert_eq!(
            ok("sort", vec![l(vec![s("b"), s("a"), n(10.0), n(9.0)])]),
            strs(&["10", "9", "a", "b"])
        );
        let u = unk("var.names");
        assert_eq!(ok("sort", vec![l(vec![s("b"), u.clone()])]), u);
        assert_eq!(reason(&ok("sort", vec![l(vec![lb()])])), LB_REASON);
        assert_eq!(
            err("sort", vec![l(vec![s("a"), Value::Null])]),
            "sort: given list element 1 is null; a null string cannot be sorted"
        );
    }

    #[test]
    fn sum_min_max() {
        assert_eq!(ok("sum", vec![l(vec![n(1.0), s("2"), n(3.5)])]), n(6.5));
        assert_eq!(err("sum", vec![l(vec![])]), "sum: cannot sum an empty list");
        assert_eq!(
            err("sum", vec![l(vec![s("x")])]),
            "sum: argument must be list, set, or tuple of number values"
        );
        let u = unk("var.count");
        assert_eq!(ok("sum", vec![l(vec![n(1.0), u.clone()])]), u);
        assert_eq!(ok("min", vec![n(3.0), s("2"), n(5.0)]), n(2.0));
        assert_eq!(ok("max", vec![n(3.0), s("2"), n(5.0)]), n(5.0));
        assert_eq!(ok("max", vec![n(-1.5)]), n(-1.5));
        assert_eq!(ok("max", vec![u.clone(), n(1.0)]), u);
        assert_eq!(err("min", vec![]), "min: must pass at least one number");
    }

    // --- sets -------------------------------------------------------------------------------

    #[test]
    fn toset_dedupes_and_sorts() {
        assert_eq!(
            ok("toset", vec![strs(&["b", "a", "b", "10", "9"])]),
            strs(&["10", "9", "a", "b"])
        );
        assert_eq!(
            ok("toset", vec![nums(&[3.0, 1.0, 2.0, 1.0])]),
            nums(&[1.0, 2.0, 3.0])
        );
        assert_eq!(
            ok("toset", vec![l(vec![n(1.0), s("a")])]),
            strs(&["1", "a"])
        );
        let other = rf("aws_security_group.app", "id");
        let u = unk("var.cidr");
        assert_eq!(
            ok(
                "toset",
                vec![l(vec![u.clone(), lb(), s("x"), other.clone(), lb()])]
            ),
            l(vec![s("x"), other, lb(), u])
        );
        assert_eq!(ok("toset", vec![Value::Null]), Value::Null);
        assert_eq!(
            err("toset", vec![l(vec![s("a"), strs(&["b"])])]),
            "toset: invalid value for \"v\" parameter: cannot convert to a set of any single type"
        );
    }

    #[test]
    fn set_operations() {
        assert_eq!(
            ok("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            ok("setunion", vec![nums(&[1.0]), strs(&["1", "0"])]),
            strs(&["0", "1"])
        );
        assert_eq!(
            ok(
                "setintersection",
                vec![
                    strs(&["a", "b", "c"]),
                    strs(&["b", "c", "d"]),
                    strs(&["c", "b"])
                ]
            ),
            strs(&["b", "c"])
        );
        assert_eq!(
            ok(
                "setintersection",
                vec![l(vec![lb()]), l(vec![s("x"), lb()])]
            ),
            l(vec![lb()])
        );
        assert_eq!(
            ok("setintersection", vec![l(vec![lb()]), l(vec![])]),
            l(vec![])
        );
        assert_eq!(
            reason(&ok("setintersection", vec![strs(&["a"]), l(vec![lb()])])),
            LB_REASON
        );
        assert_eq!(
            ok(
                "setsubtract",
                vec![strs(&["a", "b", "c"]), strs(&["a", "c"])]
            ),
            strs(&["b"])
        );
        assert_eq!(
            ok("setsubtract", vec![l(vec![lb()]), l(vec![lb()])]),
            l(vec![])
        );
        let u = unk("var.blocked");
        assert_eq!(ok("setsubtract", vec![strs(&["a"]), l(vec![u.clone()])]), u);
        assert_eq!(ok("setunion", vec![strs(&["a"]), u.clone()]), u);
        assert_eq!(
            err("setunion", vec![strs(&["a"]), l(vec![strs(&["a"])])]),
            "setunion: given sets must all have compatible element types"
        );
    }

    // --- conversions ------------------------------------------------------------------------

    #[test]
    fn tolist_and_tomap_unify_element_types() {
        assert_eq!(
            ok("tolist", vec![l(vec![s("a"), n(1.0), b(true), lb()])]),
            l(vec![s("a"), s("1"), s("true"), lb()])
        );
        assert_eq!(ok("tolist", vec![nums(&[1.0, 2.0])]), nums(&[1.0, 2.0]));
        assert_eq!(
            ok("tolist", vec![l(vec![nums(&[1.0]), strs(&["a"])])]),
            l(vec![strs(&["1"]), strs(&["a"])])
        );
        assert_eq!(ok("tolist", vec![Value::Null]), Value::Null);
        assert_eq!(
            err("tolist", vec![obj(vec![])]),
            "tolist: invalid value for \"v\" parameter: cannot convert object to list"
        );
        assert!(err("tolist", vec![l(vec![n(1.0), nums(&[2.0])])])
            .contains("cannot convert to a list of any single type"));
        assert_eq!(
            ok("tomap", vec![obj(vec![("a", n(1.0)), ("b", s("x"))])]),
            obj(vec![("a", s("1")), ("b", s("x"))])
        );
        assert_eq!(
            ok("tomap", vec![obj(vec![("a", n(1.0)), ("b", n(2.0))])]),
            obj(vec![("a", n(1.0)), ("b", n(2.0))])
        );
        assert_eq!(ok("tomap", vec![Value::Null]), Value::Null);
        assert!(err("tomap", vec![strs(&["a"])]).contains("cannot convert list to map"));
        let u = unk("var.tags");
        assert_eq!(ok("tomap", vec![u.clone()]), u);
        assert_eq!(ok("tolist", vec![u.clone()]), u);
    }

    #[test]
    fn primitive_conversions() {
        assert_eq!(ok("tostring", vec![n(5.0)]), s("5"));
        assert_eq!(ok("tostring", vec![n(1.5)]), s("1.5"));
        assert_eq!(ok("tostring", vec![b(true)]), s("true"));
        assert_eq!(ok("tostring", vec![s("x")]), s("x"));
        assert_eq!(ok("tostring", vec![Value::Null]), Value::Null);
        assert_eq!(ok("tostring", vec![lb()]), lb());
        assert!(err("tostring", vec![strs(&["a"])]).contains("cannot convert list to string"));
        assert_eq!(ok("tonumber", vec![s("42")]), n(42.0));
        assert_eq!(ok("tonumber", vec![s("-1.5e3")]), n(-1500.0));
        assert_eq!(ok("tonumber", vec![n(7.0)]), n(7.0));
        assert_eq!(ok("tonumber", vec![Value::Null]), Value::Null);
        assert_eq!(
            err("tonumber", vec![s("abc")]),
            "tonumber: invalid value for \"v\" parameter: cannot convert \"abc\" to number; given string must be a decimal representation of a number"
        );
        assert!(err("tonumber", vec![s(" 1")]).contains("cannot convert"));
        assert!(err("tonumber", vec![b(true)]).contains("cannot convert bool to number"));
        assert_eq!(reason(&ok("tonumber", vec![lb()])), LB_REASON);
        assert_eq!(ok("tobool", vec![s("true")]), b(true));
        assert_eq!(ok("tobool", vec![s("0")]), b(false));
        assert_eq!(ok("tobool", vec![b(false)]), b(false));
        assert_eq!(ok("tobool", vec![Value::Null]), Value::Null);
        assert!(err("tobool", vec![s("yes")]).contains("cannot convert \"yes\" to bool"));
        assert!(err("tobool", vec![n(1.0)]).contains("cannot convert number to bool"));
    }

    // --- strings ----------------------------------------------------------------------------

    #[test]
    fn join_and_split() {
        assert_eq!(
            ok("join", vec![s(","), l(vec![s("a"), n(1.0), b(true)])]),
            s("a,1,true")
        );
        assert_eq!(
            ok("join", vec![s("-"), strs(&["a"]), strs(&["b", "c"])]),
            s("a-b-c")
        );
        assert_eq!(ok("join", vec![s(","), l(vec![])]), s(""));
        assert_eq!(
            reason(&ok(
                "join",
                vec![s(","), l(vec![s("a"), lb(), unk("later")])]
            )),
            LB_REASON
        );
        assert_eq!(
            err("join", vec![s(","), l(vec![s("a"), Value::Null])]),
            "join: element 1 is null; cannot concatenate null values"
        );
        assert_eq!(
            err("join", vec![s(",")]),
            "join: at least one list is required"
        );
        assert_eq!(
            ok("split", vec![s(","), s("a,b,,c")]),
            strs(&["a", "b", "", "c"])
        );
        assert_eq!(ok("split", vec![s(","), s("")]), strs(&[""]));
        assert_eq!(ok("split", vec![s(""), s("ab")]), strs(&["a", "b"]));
        assert_eq!(reason(&ok("split", vec![s(","), lb()])), LB_REASON);
    }

    #[test]
    fn case_and_trimming() {
        assert_eq!(ok("upper", vec![s("web-ß-é")]), s("WEB-ß-É"));
        assert_eq!(ok("lower", vec![s("WEB-İ-É")]), s("web-i-é"));
        assert_eq!(ok("upper", vec![n(1.0)]), s("1"));
        assert_eq!(reason(&ok("upper", vec![lb()])), LB_REASON);
        let u = unk("var.name");
        assert_eq!(ok("lower", vec![u.clone()]), u);
        assert_eq!(ok("trimspace", vec![s(" \t a b \n")]), s("a b"));
        assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(
            ok("trimprefix", vec![s("helloworld"), s("hello")]),
            s("world")
        );
        assert_eq!(ok("trimprefix", vec![s("hello"), s("x")]), s("hello"));
        assert_eq!(
            ok("trimsuffix", vec![s("helloworld"), s("world")]),
            s("hello")
        );
        assert_eq!(ok("trimsuffix", vec![s("aa"), s("a")]), s("a"));
    }

    #[test]
    fn replace_plain_and_regex() {
        assert_eq!(
            ok("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]),
            s("1 - 2 - 3")
        );
        assert_eq!(ok("replace", vec![s("ab"), s(""), s("-")]), s("-a-b-"));
        assert_eq!(ok("replace", vec![s("a/b"), s("/"), s("_")]), s("a_b"));
        let r = ok("replace", vec![s("a1"), s("/[0-9]/"), s("x")]);
        assert_eq!(
            reason(&r),
            "replace with the regular expression /[0-9]/ is not evaluated by this checker"
        );
        assert_eq!(
            reason(&ok("replace", vec![lb(), s("sg-"), s("")])),
            LB_REASON
        );
    }

    #[test]
    fn substr_counts_characters() {
        let sub = |x: &str, o: f64, len: f64| ok("substr", vec![s(x), n(o), n(len)]);
        assert_eq!(sub("hello world", 1.0, 4.0), s("ello"));
        assert_eq!(sub("🤔🤷", 0.0, 1.0), s("🤔"));
        assert_eq!(sub("hello world", -5.0, -1.0), s("world"));
        assert_eq!(sub("hello", 10.0, 2.0), s(""));
        assert_eq!(sub("hello", 0.0, 0.0), s(""));
        assert_eq!(sub("hello", 1.0, 100.0), s("ello"));
        assert_eq!(sub("héllo", -10.0, 2.0), s("hé"));
        // Terraform's quirk: a zero length after a negative offset takes the rest.
        assert_eq!(sub("hello", -3.0, 0.0), s("llo"));
    }

    // --- numbers ----------------------------------------------------------------------------

    #[test]
    fn number_functions() {
        assert_eq!(ok("abs", vec![n(-3.5)]), n(3.5));
        assert_eq!(ok("ceil", vec![n(1.2)]), n(2.0));
        assert_eq!(ok("floor", vec![n(-1.2)]), n(-2.0));
        assert_eq!(ok("floor", vec![s("2.7")]), n(2.0));
        assert!(err("abs", vec![s("x")]).contains("a number is required"));
        assert_eq!(ok("parseint", vec![s("100"), n(10.0)]), n(100.0));
        assert_eq!(ok("parseint", vec![s("FF"), n(16.0)]), n(255.0));
        assert_eq!(ok("parseint", vec![s("-11"), n(2.0)]), n(-3.0));
        assert_eq!(ok("parseint", vec![s("zz"), n(36.0)]), n(1295.0));
        assert_eq!(
            ok("parseint", vec![s("Zz"), n(62.0)]),
            n(61.0 * 62.0 + 35.0)
        );
        assert_eq!(
            err("parseint", vec![s("12"), n(2.0)]),
            "parseint: cannot parse \"12\" as a base 2 integer"
        );
        assert!(err("parseint", vec![s(""), n(10.0)]).contains("cannot parse"));
        assert_eq!(
            err("parseint", vec![n(1.0), n(10.0)]),
            "parseint: first argument must be a string, not number"
        );
        assert_eq!(
            err("parseint", vec![s("1"), n(1.0)]),
            "parseint: base must be a whole number between 2 and 62 inclusive"
        );
    }

    #[test]
    fn range_one_two_three_arguments() {
        assert_eq!(ok("range", vec![n(3.0)]), nums(&[0.0, 1.0, 2.0]));
        assert_eq!(ok("range", vec![n(1.0), n(4.0)]), nums(&[1.0, 2.0, 3.0]));
        assert_eq!(ok("range", vec![n(3.0), n(0.0)]), nums(&[3.0, 2.0, 1.0]));
        assert_eq!(ok("range", vec![n(-2.0)]), nums(&[0.0, -1.0]));
        assert_eq!(
            ok("range", vec![n(0.0), n(10.0), n(4.0)]),
            nums(&[0.0, 4.0, 8.0])
        );
        assert_eq!(
            ok("range", vec![n(0.0), n(0.5), n(0.1)]),
            nums(&[0.0, 0.1, 0.2, 0.3, 0.4])
        );
        assert_eq!(ok("range", vec![n(1.0), n(1.0)]), l(vec![]));
        assert_eq!(
            err("range", vec![n(0.0), n(10.0), n(-1.0)]),
            "range: end must be less than start when step is negative"
        );
        assert_eq!(
            err("range", vec![n(0.0), n(1.0), n(0.0)]),
            "range: step must not be zero"
        );
        assert!(err("range", vec![n(2000.0)]).contains("more than 1024 values"));
        let u = unk("var.count");
        assert_eq!(ok("range", vec![u.clone()]), u);
    }

    // --- JSON -------------------------------------------------------------------------------

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

    // --- format -----------------------------------------------------------------------------

    fn fmt(f: &str, args: Vec<Value>) -> Value {
        let mut all = vec![s(f)];
        all.extend(args);
        ok("format", all)
    }

    fn fmt_err(f: &str, args: Vec<Value>) -> String {
        let mut all = vec![s(f)];
        all.extend(args);
        err("format", all)
    }

    #[test]
    fn format_verbs() {
        assert_eq!(fmt("%s:%d", vec![s("web"), n(80.0)]), s("web:80"));
        assert_eq!(fmt("%d", vec![s("12")]), s("12"));
        assert_eq!(fmt("%s", vec![n(8080.0)]), s("8080"));
        assert_eq!(fmt("%03d", vec![n(7.0)]), s("007"));
        assert_eq!(fmt("%05d", vec![n(-42.0)]), s("-0042"));
        assert_eq!(fmt("%-5d|", vec![n(-42.0)]), s("-42  |"));
        assert_eq!(fmt("%+d % d", vec![n(5.0), n(5.0)]), s("+5  5"));
        assert_eq!(fmt("%.3d", vec![n(7.0)]), s("007"));
        assert_eq!(
            fmt(
                "%x %X %o %b %#x",
                vec![n(255.0), n(255.0), n(8.0), n(5.0), n(255.0)]
            ),
            s("ff FF 10 101 0xff")
        );
        assert_eq!(fmt("%5s|%-5s|", vec![s("ab"), s("cd")]), s("   ab|cd   |"));
        assert_eq!(fmt("%.2s", vec![s("héllo")]), s("hé"));
        assert_eq!(fmt("%q", vec![s("a\"b<")]), s("\"a\\\"b\\u003c\""));
        assert_eq!(fmt("%%d %s", vec![s("x")]), s("%d x"));
        assert_eq!(fmt("%[2]s %[1]s %s", vec![s("a"), s("b")]), s("b a b"));
        assert_eq!(fmt("%t", vec![s("true")]), s("true"));
        assert_eq!(fmt("%v", vec![Value::Null]), s("null"));
        assert_eq!(fmt("%v", vec![b(true)]), s("true"));
        assert_eq!(fmt("%v", vec![s("x")]), s("x"));
        assert_eq!(fmt("%#v", vec![s("x")]), s("\"x\""));
        assert_eq!(fmt("%v", vec![l(vec![n(1.0), s("a")])]), s("[1,\"a\"]"));
        assert_eq!(fmt("%v", vec![n(12345.0)]), s("12345"));
        assert_eq!(fmt("%v", vec![n(1000000.0)]), s("1e+06"));
        assert_eq!(fmt("%v", vec![n(-0.5)]), s("-0.5"));
        assert_eq!(fmt("%.2f", vec![n(1.23456)]), s("1.23"));
        assert_eq!(fmt("%f", vec![n(1.5)]), s("1.500000"));
        assert_eq!(fmt("%8.3f|", vec![n(-1.23456)]), s("  -1.235|"));
        assert_eq!(fmt("%e", vec![n(1234.5678)]), s("1.234568e+03"));
        assert_eq!(fmt("%.1E", vec![n(0.000123)]), s("1.2E-04"));
        assert_eq!(fmt("%g", vec![n(0.0001)]), s("0.0001"));
        assert_eq!(fmt("%g", vec![n(100000000.0)]), s("1e+08"));
        assert_eq!(fmt("%.3g", vec![n(1.23456)]), s("1.23"));
        assert_eq!(fmt("%g", vec![n(0.0)]), s("0"));
        assert_eq!(fmt("plain", vec![]), s("plain"));
    }

    #[test]
    fn format_errors() {
        assert_eq!(
            fmt_err("%s", vec![Value::Null]),
            "format: unsupported value for \"%s\" at 0: null value cannot be formatted"
        );
        assert_eq!(
            fmt_err("%d", vec![n(1.5)]),
            "format: unsupported value for \"%d\" at 0: an integer is required"
        );
        assert_eq!(
            fmt_err("x%s", vec![]),
            "format: not enough arguments for \"%s\" at 1: need index 1 but have 0 total"
        );
        assert_eq!(
            fmt_err("x", vec![n(1.0)]),
            "format: too many arguments; no verbs in format string"
        );
        assert_eq!(
            fmt_err("%s", vec![n(1.0), n(2.0)]),
            "format: too many arguments; only 1 used by format string"
        );
        assert_eq!(
            fmt_err("%y", vec![n(1.0)]),
            "format: unsupported format verb 'y' in \"%y\" at offset 0"
        );
        assert_eq!(
            fmt_err("50%", vec![]),
            "format: invalid format string starting at offset 3"
        );
        assert_eq!(
            fmt_err("%!", vec![]),
            "format: unrecognized format character '!' at offset 1"
        );
        assert!(fmt_err("%s", vec![strs(&["a"])]).contains("a string is required"));
        assert!(fmt_err("%999999999d", vec![n(1.0)]).contains("too large"));
        assert_eq!(
            fmt_err("%[]s", vec![s("a")]),
            "format: unrecognized format character ']' at offset 2"
        );
        assert_eq!(
            fmt_err("%[0]s", vec![s("a")]),
            "format: unrecognized format character '0' at offset 2"
        );
    }

    #[test]
    fn format_with_unknowns_and_references() {
        let u = unk("var.env");
        assert_eq!(fmt("%s-%s", vec![s("a"), u.clone()]), u);
        assert_eq!(reason(&fmt("%s-%s", vec![lb(), u.clone()])), LB_REASON);
        assert_eq!(reason(&fmt("%v", vec![l(vec![lb()])])), LB_REASON);
        assert_eq!(ok("format", vec![u.clone(), s("a")]), u);
    }

    #[test]
    fn formatlist_iterates_lists() {
        assert_eq!(
            ok("formatlist", vec![s("%s:%d"), strs(&["a", "b"]), n(80.0)]),
            strs(&["a:80", "b:80"])
        );
        assert_eq!(
            ok(
                "formatlist",
                vec![s("%s=%s"), strs(&["a", "b"]), strs(&["1", "2"])]
            ),
            strs(&["a=1", "b=2"])
        );
        assert_eq!(ok("formatlist", vec![s("%s!"), s("x")]), strs(&["x!"]));
        assert_eq!(ok("formatlist", vec![s("static")]), strs(&["static"]));
        assert_eq!(ok("formatlist", vec![s("%s"), l(vec![])]), l(vec![]));
        // One element's reference leaves that element unknown; the others stay known.
        let r = ok("formatlist", vec![s("sg:%s"), l(vec![lb(), s("b")])]);
        let Value::List(items) = r else {
            panic!("expected a list")
        };
        assert_eq!(reason(&items[0]), LB_REASON);
        assert_eq!(items[1], s("sg:b"));
        let u = unk("var.names");
        assert_eq!(ok("formatlist", vec![s("%s"), u.clone()]), u);
        assert_eq!(
            err("formatlist", vec![s("%s%s"), strs(&["a"]), strs(&["b", "c"])]),
            "formatlist: argument 2 has length 2, which is inconsistent with argument 1 of length 1"
        );
        assert_eq!(
            err("formatlist", vec![s("%d"), strs(&["1", "x"])]),
            "formatlist: error on format iteration 1: unsupported value for \"%d\" at 0: a number is required"
        );
    }

    // --- unknown propagation in general -----------------------------------------------------

    #[test]
    fn unknowns_keep_reason_and_origin() {
        let u = unk("var.vpc_id has no value");
        for (name, args) in [
            ("upper", vec![u.clone()]),
            ("join", vec![s(","), u.clone()]),
            ("join", vec![u.clone(), strs(&["a"])]),
            ("length", vec![u.clone()]),
            ("tostring", vec![u.clone()]),
            ("element", vec![u.clone(), n(0.0)]),
            ("element", vec![strs(&["a"]), u.clone()]),
            ("keys", vec![u.clone()]),
            ("merge", vec![u.clone()]),
            ("coalesce", vec![u.clone(), s("a")]),
            ("jsonencode", vec![l(vec![u.clone()])]),
            ("substr", vec![s("abc"), u.clone(), n(1.0)]),
        ] {
            assert_eq!(ok(name, args), u, "{name}");
        }
    }

    #[test]
    fn references_pass_through_collection_functions() {
        let app = rf("module.web.aws_security_group.app[0]", "id");
        let groups = l(vec![lb(), app.clone()]);
        assert_eq!(ok("concat", vec![groups.clone(), l(vec![])]), groups);
        assert_eq!(ok("tolist", vec![groups.clone()]), groups);
        assert_eq!(ok("compact", vec![groups.clone()]), groups);
        assert_eq!(ok("distinct", vec![groups.clone()]), groups);
        assert_eq!(ok("flatten", vec![l(vec![groups.clone()])]), groups);
        assert_eq!(
            ok("slice", vec![groups.clone(), n(1.0), n(2.0)]),
            l(vec![app.clone()])
        );
        assert_eq!(ok("element", vec![groups.clone(), n(1.0)]), app);
        assert_eq!(ok("values", vec![obj(vec![("lb", lb())])]), l(vec![lb()]));
        assert_eq!(
            ok("merge", vec![obj(vec![("lb", lb())])]),
            obj(vec![("lb", lb())])
        );
        assert_eq!(ok("one", vec![l(vec![app.clone()])]), app);
        assert_eq!(ok("index", vec![groups.clone(), lb()]), n(0.0));
        assert_eq!(ok("contains", vec![groups, lb()]), b(true));
    }

    // --- limits and linear-time sets ---------------------------------------------------------

    /// The quadratic definition that `dedupe` must agree with.
    fn dedupe_by_eq3(items: Vec<Value>) -> Vec<Value> {
        let mut out: Vec<Value> = Vec::new();
        for v in items {
            if !out.iter().any(|o| eq3(o, &v) == Ok(true)) {
                out.push(v);
            }
        }
        out
    }

    #[test]
    fn dedupe_agrees_with_pairwise_certain_equality() {
        let items = vec![
            n(1.0),
            s("1"),
            n(1.0),
            n(0.0),
            n(-0.0),
            n(f64::NAN),
            n(f64::NAN),
            b(true),
            s("true"),
            b(true),
            Value::Null,
            Value::Null,
            lb(),
            lb(),
            rf("aws_security_group.app", "id"),
            unk("a"),
            unk("a"),
            l(vec![n(1.0), s("x")]),
            l(vec![n(1.0), s("x")]),
            l(vec![n(1.0), unk("b")]),
            l(vec![n(1.0), unk("b")]),
            obj(vec![("a", n(1.0))]),
            obj(vec![("a", n(1.0))]),
            obj(vec![("a", s("1"))]),
            // Keys and strings that would collide if they were not length-prefixed.
            s("s1:a"),
            l(vec![s("a"), s("b")]),
            l(vec![s("ab")]),
            obj(vec![("a", lb())]),
            obj(vec![("a", lb())]),
        ];
        let fast = dedupe(items.clone());
        let slow = dedupe_by_eq3(items);
        assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
    }

    #[test]
    fn set_membership_agrees_with_pairwise_comparison() {
        let app = rf("aws_security_group.app", "id");
        let values = vec![
            lb(),
            app.clone(),
            s("x"),
            s("y"),
            n(1.0),
            n(f64::NAN),
            unk("u"),
            l(vec![s("x"), lb()]),
            l(vec![s("x"), s("y")]),
            obj(vec![("a", app)]),
        ];
        // Every set of up to three of the values, against every value.
        let mut sets: Vec<Vec<Value>> = vec![vec![]];
        for a in 0..values.len() {
            sets.push(vec![values[a].clone()]);
            for b in a..values.len() {
                sets.push(vec![values[a].clone(), values[b].clone()]);
                for c in b..values.len() {
                    sets.push(vec![
                        values[a].clone(),
                        values[b].clone(),
                        values[c].clone(),
                    ]);
                }
            }
        }
        for set in &sets {
            let index = SetIndex::new(set);
            for x in &values {
                let fast = match index.contains3(x) {
                    Ok(r) => r,
                    Err(_) => panic!("budget exhausted"),
                };
                let slow = contains3(set, x);
                match (&fast, &slow) {
                    (Ok(f), Ok(s)) => assert_eq!(f, s, "{x} in {set:?}"),
                    // Both uncertain; which unknown explains it may differ.
                    (Err(_), Err(_)) => {}
                    _ => panic!("{x} in {set:?}: {fast:?} but pairwise {slow:?}"),
                }
            }
        }
    }

    #[test]
    fn large_sets_are_linear() {
        // 100,000 distinct strings: pairwise comparison would take 10^10 steps.
        let many: Vec<Value> = (0..100_000).map(|i| s(&format!("10.{i}.0.0/16"))).collect();
        let mut twice = many.clone();
        twice.extend(many.iter().cloned());
        let len = |v: Value| v.as_list().map_or(0, <[Value]>::len);
        assert_eq!(len(ok("distinct", vec![l(twice.clone())])), 100_000);
        assert_eq!(len(ok("toset", vec![l(twice.clone())])), 100_000);
        let half = l(many[..50_000].to_vec());
        assert_eq!(len(ok("setsubtract", vec![l(twice), half])), 50_000);
    }

    #[test]
    fn results_past_the_size_limit_are_refused_before_they_are_built() {
        let kib = s(&"a".repeat(1024));
        let big = s(&"a".repeat(20_000));
        let over = |name: &str, args: Vec<Value>| match call(name, args) {
            Err(FnError(m, Limit::Exceeded)) => m,
            other => panic!("{name} should pass the size limit, got {other:?}"),
        };
        assert!(
            over("replace", vec![big.clone(), s("a"), kib.clone()]).contains("more than the limit")
        );
        assert!(
            over("replace", vec![big.clone(), s(""), kib.clone()]).contains("more than the limit")
        );
        let list = l(vec![s("x"); 20_000]);
        assert!(over("join", vec![kib.clone(), list.clone()]).contains("more than the limit"));
        let wide = "%65000s".repeat(300);
        let args: Vec<Value> = std::iter::once(s(&wide))
            .chain(std::iter::repeat_n(s("x"), 300))
            .collect();
        assert!(over("format", args).contains("more than the limit"));
        assert!(over("formatlist", vec![s("%65000s"), list]).contains("more than the limit"));
        assert!(
            over("split", vec![s(""), s(&"a".repeat(1_000_000))]).contains("more than the limit")
        );
        // Ordinary calls are untouched.
        assert_eq!(ok("replace", vec![s("a-b"), s("-"), s("+")]), s("a+b"));
        assert!(matches!(
            call("cidrsubnet", vec![s("x"), n(1.0), n(1.0)]),
            Err(FnError(_, Limit::Within))
        ));
    }

    #[test]
    fn huge_format_precision_is_an_error_not_a_panic() {
        // Found by hand: a precision of 99999 reached Rust's formatter, which panics above
        // u16::MAX.
        for verb in [
            "%.99999f",
            "%.99999e",
            "%.99999g",
            "%99999.99999f",
            "%.99999d",
        ] {
            let e = err("format", vec![s(verb), n(1e308)]);
            assert!(e.contains("too large"), "{verb}: {e}");
        }
        for verb in [
            "%.65000f",
            "%.65000e",
            "%.65000g",
            "%65000.65000f",
            "%65000d",
        ] {
            let v = ok("format", vec![s(verb), n(1.0)]);
            assert!(v.as_str().is_some(), "{verb}");
        }
        let v = ok("format", vec![s("%.65000f"), n(1.5)]);
        assert_eq!(v.as_str().map(str::len), Some(65002));
    }
}

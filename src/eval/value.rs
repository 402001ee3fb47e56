//! Values of the evaluator: known values, values unknown before apply (with why and where), and
//! references to resources kept as symbols.

use crate::source::Span;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Why a value cannot be known before apply, and where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    pub reason: Arc<str>,
    pub origin: Option<Span>,
    /// For a string known only as a concatenation (a template, `join`): its pieces in order,
    /// each a known string, a resource [`Reference`] or a bare unknown. `split` takes ids back
    /// out of it, and a health-check target keeps its port symbol.
    pub pieces: Option<Arc<[Value]>>,
    /// For a value computed from an unknown one (`var.port + 1`, `var.ports.http`,
    /// `upper(var.name)`): the computation, so that it equals only the same computation of
    /// the same value, never the value it was computed from. `None` for the value itself.
    pub derived: Option<u64>,
    /// For a list whose length is unknown (`concat` of a known list and an unknown one): the
    /// elements it is known to contain, whatever else it holds.
    pub members: Option<Arc<[Value]>>,
}

impl Unknown {
    /// An unknown value: why, and where it came from.
    pub fn new(reason: impl Into<Arc<str>>, origin: Option<Span>) -> Unknown {
        Unknown {
            reason: reason.into(),
            origin,
            pieces: None,
            derived: None,
            members: None,
        }
    }

    /// The pieces of a string made of text and opaque values, with `reason` and `origin` those
    /// of its first opaque piece. Adjacent text is merged and nested pieces are spliced in, so
    /// pieces never nest.
    pub fn concatenation(first: &Unknown, parts: Vec<Value>) -> Unknown {
        let mut pieces: Vec<Value> = Vec::with_capacity(parts.len());
        let push = |v: Value, pieces: &mut Vec<Value>| match (pieces.last_mut(), v) {
            (_, Value::String(s)) if s.is_empty() => {}
            (Some(Value::String(prev)), Value::String(s)) => prev.push_str(&s),
            (_, v) => pieces.push(v),
        };
        for p in parts {
            match p {
                Value::Unknown(Unknown {
                    pieces: Some(inner),
                    ..
                }) => {
                    for v in inner.iter() {
                        push(v.clone(), &mut pieces);
                    }
                }
                v => push(v, &mut pieces),
            }
        }
        Unknown {
            reason: first.reason.clone(),
            origin: first.origin,
            pieces: Some(pieces.into()),
            derived: None,
            members: None,
        }
    }

    /// The unknown result of computing `step` from this value: the same reason and origin
    /// (what makes it unknown, for messages), but another value. Two results are equal only
    /// when they are the same steps from the same value (SPEC §9.2: equal symbols compare equal,
    /// and nothing else does).
    pub fn derived(&self, step: impl fmt::Display) -> Unknown {
        use std::hash::{Hash, Hasher};
        // A digest of the whole derivation, so that a long chain of computations stays one
        // number (the steps name their operands, whose own derivations are digests too).
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.derived.hash(&mut h);
        step.to_string().hash(&mut h);
        Unknown {
            reason: self.reason.clone(),
            origin: self.origin,
            pieces: None,
            derived: Some(h.finish()),
            members: None,
        }
    }
}

/// A resource attribute that exists only after apply (`aws_security_group.lb.id`), kept as a
/// symbol: the model matches it to the resource it names.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reference {
    /// Full instance address, e.g. `module.web.aws_security_group.app[0]`; shared, since every
    /// reference to an instance names the same address.
    pub address: Arc<str>,
    /// The attribute read from it, e.g. `id`.
    pub attribute: crate::syntax::Name,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, tuples and sets.
    List(Vec<Value>),
    /// Objects and maps (keys sorted, as Terraform iterates them).
    Object(BTreeMap<String, Value>),
    Unknown(Unknown),
    Reference(Reference),
}

impl Value {
    pub fn unknown(reason: impl Into<String>, origin: Option<Span>) -> Value {
        Value::Unknown(Unknown::new(reason.into(), origin))
    }

    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// The first unknown found anywhere inside this value.
    pub fn find_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            Value::List(items) => items.iter().find_map(Value::find_unknown),
            Value::Object(map) => map.values().find_map(Value::find_unknown),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// A whole number, converting numeric strings as Terraform does.
    pub fn as_i64(&self) -> Option<i64> {
        let n = self.as_f64()?;
        (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&BTreeMap<String, Value>> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    /// The string form Terraform uses in templates, for primitive values only.
    pub fn to_template_string(&self) -> Option<String> {
        match self {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(format_number(*n)),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Terraform's type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Object(_) => "object",
            Value::Unknown(_) => "unknown",
            Value::Reference(_) => "reference",
        }
    }
}

/// Numbers print without a trailing `.0` when whole, as Terraform does.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e16 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{}", format_number(*n)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(items) => {
                write!(f, "[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{v}")?;
                }
                write!(f, "]")
            }
            Value::Object(map) => {
                write!(f, "{{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                write!(f, "}}")
            }
            Value::Unknown(u) => write!(f, "(unknown: {})", u.reason),
            Value::Reference(r) => write!(f, "{}.{}", r.address, r.attribute),
        }
    }
}

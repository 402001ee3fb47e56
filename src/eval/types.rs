//! Variable type constraints (`string`, `list(number)`, `object({…})`, legacy `"list"`) and
//! Terraform's conversion of input values to them.

use super::value::Value;
use crate::syntax::{Expr, ExprKind, ObjectKey};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// Attributes with their type, whether they are `optional(…)`, and the default of an
    /// `optional(type, default)` when that default is a constant.
    Object(Vec<(String, Type, bool, Option<Value>)>),
    Tuple(Vec<Type>),
}

/// Reads a type constraint expression; `None` when it is not a type.
pub(super) fn parse_type(expr: &Expr) -> Option<Type> {
    match &expr.kind {
        ExprKind::Variable(name) => simple(name),
        ExprKind::String(name) => match name.as_str() {
            "list" => Some(Type::List(Box::new(Type::Any))),
            "map" => Some(Type::Map(Box::new(Type::Any))),
            other => simple(other),
        },
        ExprKind::Call { name, args, .. } => {
            let one = || args.first().and_then(parse_type).map(Box::new);
            match name.as_str() {
                "list" => Some(Type::List(one()?)),
                "set" => Some(Type::Set(one()?)),
                "map" => Some(Type::Map(one()?)),
                "optional" => args.first().and_then(parse_type),
                "tuple" => match &args.first()?.kind {
                    ExprKind::Tuple(items) => Some(Type::Tuple(
                        items.iter().map(parse_type).collect::<Option<_>>()?,
                    )),
                    _ => None,
                },
                "object" => match &args.first()?.kind {
                    ExprKind::Object(items) => {
                        let mut attrs = Vec::new();
                        for (k, v) in items {
                            let name = match k {
                                ObjectKey::Ident(s) => s.clone(),
                                ObjectKey::Expr(e) => match &e.kind {
                                    ExprKind::String(s) => s.clone(),
                                    ExprKind::Variable(s) => s.to_string(),
                                    _ => return None,
                                },
                            };
                            let (optional, default) = match &v.kind {
                                ExprKind::Call { name, args, .. } if name == "optional" => {
                                    (true, args.get(1).and_then(constant))
                                }
                                _ => (false, None),
                            };
                            attrs.push((name, parse_type(v)?, optional, default));
                        }
                        Some(Type::Object(attrs))
                    }
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// The value of a constant expression (literals, and tuples and objects of them), for the
/// defaults of `optional(type, default)`; `None` for anything that needs evaluating.
fn constant(expr: &Expr) -> Option<Value> {
    Some(match &expr.kind {
        ExprKind::Null => Value::Null,
        ExprKind::Bool(b) => Value::Bool(*b),
        ExprKind::Number(n) => Value::Number(*n),
        ExprKind::String(s) => Value::String(s.clone()),
        ExprKind::Parens(e) => return constant(e),
        ExprKind::Tuple(items) => Value::List(items.iter().map(constant).collect::<Option<_>>()?),
        ExprKind::Object(items) => {
            let mut map = BTreeMap::new();
            for (k, v) in items {
                let key = match k {
                    ObjectKey::Ident(s) => s.to_string(),
                    ObjectKey::Expr(e) => match &e.kind {
                        ExprKind::String(s) => s.clone(),
                        _ => return None,
                    },
                };
                map.insert(key, constant(v)?);
            }
            Value::Object(map)
        }
        _ => return None,
    })
}

fn simple(name: &str) -> Option<Type> {
    match name {
        "string" => Some(Type::String),
        "number" => Some(Type::Number),
        "bool" => Some(Type::Bool),
        "any" => Some(Type::Any),
        "list" => Some(Type::List(Box::new(Type::Any))),
        "map" => Some(Type::Map(Box::new(Type::Any))),
        "set" => Some(Type::Set(Box::new(Type::Any))),
        _ => None,
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Type::Any => write!(f, "any"),
            Type::String => write!(f, "string"),
            Type::Number => write!(f, "number"),
            Type::Bool => write!(f, "bool"),
            Type::List(t) => write!(f, "list({t})"),
            Type::Set(t) => write!(f, "set({t})"),
            Type::Map(t) => write!(f, "map({t})"),
            Type::Object(_) => write!(f, "object"),
            Type::Tuple(_) => write!(f, "tuple"),
        }
    }
}

/// Why a value does not convert to a type. The message is the text the finding shows after
/// `invalid value for variable "name": `.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum ConvertError {
    #[error("a number is required, but the value is the string {0:?}")]
    NotANumber(String),
    #[error("a tuple of {expected} elements is required, but the value has {found}")]
    TupleLength { expected: usize, found: usize },
    #[error("attribute {0:?} is required")]
    MissingAttribute(String),
    /// A value of another kind: `found` is its [`Value::type_name`].
    #[error("a {expected} is required, but the value is a {found}")]
    Mismatch { expected: Type, found: &'static str },
    /// Element `index` of a list, set or tuple does not convert.
    #[error("element {index}: {inner}")]
    Element {
        index: usize,
        inner: Box<ConvertError>,
    },
    /// The element of a map at `key` does not convert.
    #[error("key {key:?}: {inner}")]
    Key {
        key: String,
        inner: Box<ConvertError>,
    },
    /// Attribute `name` of an object does not convert.
    #[error("attribute {name:?}: {inner}")]
    Attribute {
        name: String,
        inner: Box<ConvertError>,
    },
}

/// Converts a value to a type the way Terraform does for variables. Unknowns and references
/// pass through (a reference is an opaque string).
pub(super) fn convert(value: Value, ty: &Type) -> Result<Value, ConvertError> {
    match (&value, ty) {
        (Value::Unknown(_), _) | (_, Type::Any) | (Value::Null, _) => Ok(value),
        // A resource attribute known only after apply: Terraform checks its type then, so
        // here it converts to any type unchanged (`data.aws_availability_zones.x.names` to
        // `list(string)`, `aws_db_instance.db.port` to `number`).
        (Value::Reference(_), _) => Ok(value),
        (Value::String(_), Type::String) => Ok(value),
        (Value::Number(n), Type::String) => Ok(Value::String(super::value::format_number(*n))),
        (Value::Bool(b), Type::String) => Ok(Value::String(b.to_string())),
        (Value::Number(_), Type::Number) => Ok(value),
        (Value::String(s), Type::Number) => s
            .trim()
            .parse::<f64>()
            .map(Value::Number)
            .map_err(|_| ConvertError::NotANumber(s.clone())),
        (Value::Bool(_), Type::Bool) => Ok(value),
        (Value::String(s), Type::Bool) if s == "true" || s == "false" => {
            Ok(Value::Bool(s == "true"))
        }
        (Value::List(items), Type::List(t) | Type::Set(t)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                out.push(convert(v.clone(), t).map_err(|e| ConvertError::Element {
                    index: i,
                    inner: Box::new(e),
                })?);
            }
            if matches!(ty, Type::Set(_)) {
                let mut seen = Vec::new();
                out.retain(|v| {
                    if seen.contains(v) {
                        false
                    } else {
                        seen.push(v.clone());
                        true
                    }
                });
            }
            Ok(Value::List(out))
        }
        (Value::List(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(ConvertError::TupleLength {
                    expected: types.len(),
                    found: items.len(),
                });
            }
            let mut out = Vec::new();
            for (i, (v, t)) in items.iter().zip(types).enumerate() {
                out.push(convert(v.clone(), t).map_err(|e| ConvertError::Element {
                    index: i,
                    inner: Box::new(e),
                })?);
            }
            Ok(Value::List(out))
        }
        (Value::Object(map), Type::Map(t)) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                out.insert(
                    k.clone(),
                    convert(v.clone(), t).map_err(|e| ConvertError::Key {
                        key: k.clone(),
                        inner: Box::new(e),
                    })?,
                );
            }
            Ok(Value::Object(out))
        }
        (Value::Object(map), Type::Object(attrs)) => {
            let mut out = BTreeMap::new();
            for (name, t, optional, default) in attrs {
                // An omitted or null optional attribute takes its default (Terraform 1.3+).
                let given = map.get(name).filter(|v| !(*optional && **v == Value::Null));
                let given = given.or(default.as_ref());
                match given {
                    Some(v) => {
                        out.insert(
                            name.clone(),
                            convert(v.clone(), t).map_err(|e| ConvertError::Attribute {
                                name: name.clone(),
                                inner: Box::new(e),
                            })?,
                        );
                    }
                    None if *optional => {
                        out.insert(name.clone(), Value::Null);
                    }
                    None => return Err(ConvertError::MissingAttribute(name.clone())),
                }
            }
            Ok(Value::Object(out))
        }
        _ => Err(ConvertError::Mismatch {
            expected: ty.clone(),
            found: value.type_name(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(src: &str) -> Type {
        let e = hcl_edit::parser::parse_expr(src).unwrap();
        let e = crate::frontend::lower::Lowerer {
            file: Default::default(),
            base: 0,
        }
        .expr(&e);
        parse_type(&e).unwrap()
    }

    #[test]
    fn parses_types() {
        assert_eq!(ty("number"), Type::Number);
        assert_eq!(ty("\"list\""), Type::List(Box::new(Type::Any)));
        assert_eq!(ty("list(number)"), Type::List(Box::new(Type::Number)));
        assert_eq!(
            ty("object({port = number, name = optional(string)})"),
            Type::Object(vec![
                ("port".into(), Type::Number, false, None),
                ("name".into(), Type::String, true, None)
            ])
        );
    }

    #[test]
    fn converts_like_terraform() {
        assert_eq!(
            convert(Value::string("8080"), &Type::Number),
            Ok(Value::Number(8080.0))
        );
        assert_eq!(
            convert(Value::Number(80.0), &Type::String),
            Ok(Value::string("80"))
        );
        assert_eq!(
            convert(Value::string("eighty"), &Type::Number),
            Err(ConvertError::NotANumber("eighty".into()))
        );
        assert_eq!(
            convert(
                Value::List(vec![Value::string("1"), Value::Number(2.0)]),
                &Type::List(Box::new(Type::Number))
            ),
            Ok(Value::List(vec![Value::Number(1.0), Value::Number(2.0)]))
        );
        assert_eq!(
            convert(
                Value::List(vec![Value::string("a"), Value::string("a")]),
                &Type::Set(Box::new(Type::String))
            ),
            Ok(Value::List(vec![Value::string("a")]))
        );
    }

    #[test]
    fn conversion_errors_say_where_the_value_is_wrong() {
        let msg = |v: Value, t: Type| convert(v, &t).unwrap_err().to_string();
        assert_eq!(
            msg(
                Value::List(vec![Value::Number(1.0), Value::string("x")]),
                Type::List(Box::new(Type::Number))
            ),
            "element 1: a number is required, but the value is the string \"x\""
        );
        assert_eq!(
            msg(
                Value::List(vec![Value::Bool(true)]),
                Type::Tuple(vec![Type::Bool, Type::Bool])
            ),
            "a tuple of 2 elements is required, but the value has 1"
        );
        let obj = |k: &str, v: Value| Value::Object(BTreeMap::from([(k.to_string(), v)]));
        assert_eq!(
            msg(
                obj("a", Value::List(vec![])),
                Type::Map(Box::new(Type::String))
            ),
            "key \"a\": a string is required, but the value is a list"
        );
        let port = Type::Object(vec![("port".into(), Type::Number, false, None)]);
        assert_eq!(
            msg(obj("port", Value::string("http")), port.clone()),
            "attribute \"port\": a number is required, but the value is the string \"http\""
        );
        assert_eq!(
            msg(obj("name", Value::string("x")), port),
            "attribute \"port\" is required"
        );
        assert_eq!(
            msg(Value::Bool(true), Type::List(Box::new(Type::Number))),
            "a list(number) is required, but the value is a bool"
        );
    }

    #[test]
    fn optional_attributes_take_their_constant_default() {
        let t = ty("object({port = optional(number, 8080), create = optional(bool, true), name = optional(string)})");
        let v = convert(Value::Object(BTreeMap::new()), &t).unwrap();
        let Value::Object(m) = v else {
            panic!("an object")
        };
        assert_eq!(m["port"], Value::Number(8080.0));
        assert_eq!(m["create"], Value::Bool(true));
        assert_eq!(m["name"], Value::Null);
        // A null given for an optional attribute takes the default too.
        let given = Value::Object(BTreeMap::from([("port".to_string(), Value::Null)]));
        let Value::Object(m) = convert(given, &t).unwrap() else {
            panic!("an object")
        };
        assert_eq!(m["port"], Value::Number(8080.0));
    }
}

//! Variable type constraints (`string`, `list(number)`, `object({…})`, legacy `"list"`) and
//! Terraform's conversion of input values to them.

use super::value::Value;
use crate::syntax::{Expr, ExprKind, ObjectKey};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    /// Attributes with their type and whether they are `optional(…)`.
    Object(Vec<(String, Type, bool)>),
    Tuple(Vec<Type>),
}

/// Reads a type constraint expression; `None` when it is not a type.
pub fn parse_type(expr: &Expr) -> Option<Type> {
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
                            let optional = matches!(&v.kind, ExprKind::Call { name, .. } if name == "optional");
                            attrs.push((name, parse_type(v)?, optional));
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

/// Converts a value to a type the way Terraform does for variables. Unknowns and references
/// pass through (a reference is an opaque string).
pub fn convert(value: Value, ty: &Type) -> Result<Value, String> {
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
            .map_err(|_| format!("a number is required, but the value is the string {s:?}")),
        (Value::Bool(_), Type::Bool) => Ok(value),
        (Value::String(s), Type::Bool) if s == "true" || s == "false" => {
            Ok(Value::Bool(s == "true"))
        }
        (Value::List(items), Type::List(t) | Type::Set(t)) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, v) in items.iter().enumerate() {
                out.push(convert(v.clone(), t).map_err(|e| format!("element {i}: {e}"))?);
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
                return Err(format!(
                    "a tuple of {} elements is required, but the value has {}",
                    types.len(),
                    items.len()
                ));
            }
            let mut out = Vec::new();
            for (i, (v, t)) in items.iter().zip(types).enumerate() {
                out.push(convert(v.clone(), t).map_err(|e| format!("element {i}: {e}"))?);
            }
            Ok(Value::List(out))
        }
        (Value::Object(map), Type::Map(t)) => {
            let mut out = BTreeMap::new();
            for (k, v) in map {
                out.insert(
                    k.clone(),
                    convert(v.clone(), t).map_err(|e| format!("key {k:?}: {e}"))?,
                );
            }
            Ok(Value::Object(out))
        }
        (Value::Object(map), Type::Object(attrs)) => {
            let mut out = BTreeMap::new();
            for (name, t, optional) in attrs {
                match map.get(name) {
                    Some(v) => {
                        out.insert(
                            name.clone(),
                            convert(v.clone(), t)
                                .map_err(|e| format!("attribute {name:?}: {e}"))?,
                        );
                    }
                    None if *optional => {
                        out.insert(name.clone(), Value::Null);
                    }
                    None => return Err(format!("attribute {name:?} is required")),
                }
            }
            Ok(Value::Object(out))
        }
        _ => Err(format!(
            "a {ty} is required, but the value is a {}",
            value.type_name()
        )),
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
                ("port".into(), Type::Number, false),
                ("name".into(), Type::String, true)
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
        assert!(convert(Value::string("eighty"), &Type::Number).is_err());
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
}

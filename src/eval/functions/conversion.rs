//! Type conversion functions: `tolist`, `toset`, `tomap`, `tostring`, `tonumber` and `tobool`.

use super::args::{arity, invalid, parse_number, str_to_bool, unify, unknown_of, Res};
use super::set::make_set;
use crate::eval::value::{format_number, Value};

pub(super) fn tolist(args: &[Value]) -> Res<Value> {
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

pub(super) fn toset(args: &[Value]) -> Res<Value> {
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

pub(super) fn tomap(args: &[Value]) -> Res<Value> {
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

pub(super) fn tostring(args: &[Value]) -> Res<Value> {
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

pub(super) fn tonumber(args: &[Value]) -> Res<Value> {
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

pub(super) fn tobool(args: &[Value]) -> Res<Value> {
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

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{
        b, err, l, lb, n, nums, obj, ok, reason, rf, s, strs, unk, LB_REASON,
    };
    use crate::eval::value::Value;

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
}

//! Value builders and call helpers shared by the unit tests of every function family.

use super::call;
use crate::eval::value::{Reference, Value};
use crate::source::{FileId, Span};

pub(super) fn s(x: &str) -> Value {
    Value::string(x)
}

pub(super) fn n(x: f64) -> Value {
    Value::Number(x)
}

pub(super) fn b(x: bool) -> Value {
    Value::Bool(x)
}

pub(super) fn l(items: Vec<Value>) -> Value {
    Value::List(items)
}

pub(super) fn strs(items: &[&str]) -> Value {
    l(items.iter().map(|x| s(x)).collect())
}

pub(super) fn nums(items: &[f64]) -> Value {
    l(items.iter().map(|x| n(*x)).collect())
}

pub(super) fn obj(pairs: Vec<(&str, Value)>) -> Value {
    Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
}

pub(super) fn unk(reason: &str) -> Value {
    Value::unknown(reason, Some(Span::new(FileId(3), 10, 20)))
}

pub(super) fn rf(address: &str, attribute: &str) -> Value {
    Value::Reference(Reference {
        address: address.into(),
        attribute: attribute.into(),
    })
}

pub(super) fn lb() -> Value {
    rf("aws_security_group.lb", "id")
}

pub(super) const LB_REASON: &str =
    "the value of aws_security_group.lb.id is known only after apply";

/// The result of a call, with the derivation of unknown results left out: the family tests
/// check which value (reason and origin) an unknown comes from; `derived` has its own tests.
pub(super) fn ok(name: &str, args: Vec<Value>) -> Value {
    let mut v = call(name, args).unwrap_or_else(|e| panic!("{name} failed: {e}"));
    forget_derivation(&mut v);
    v
}

/// The result of a call as it is, derivation included.
pub(super) fn exact(name: &str, args: Vec<Value>) -> Value {
    call(name, args).unwrap_or_else(|e| panic!("{name} failed: {e}"))
}

fn forget_derivation(v: &mut Value) {
    match v {
        Value::Unknown(u) => u.derived = None,
        Value::List(items) => items.iter_mut().for_each(forget_derivation),
        Value::Object(map) => map.values_mut().for_each(forget_derivation),
        _ => {}
    }
}

pub(super) fn err(name: &str, args: Vec<Value>) -> String {
    match call(name, args) {
        Ok(v) => panic!("{name} should fail, got {v}"),
        Err(e) => e.0,
    }
}

pub(super) fn reason(v: &Value) -> String {
    match v {
        Value::Unknown(u) => u.reason.to_string(),
        other => panic!("expected an unknown, got {other}"),
    }
}

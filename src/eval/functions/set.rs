//! Sets and equality: Terraform's three-valued equality of values that may be unknown or
//! references, deduplication in linear time, Terraform's set order, and the set functions
//! `setunion`, `setintersection` and `setsubtract`.

use super::args::{arity, ref_unknown, to_list, unify, Res, Stop};
use crate::eval::value::Value;
use std::cmp::Ordering;

/// Three-valued equality: `Err` holds the unknown that makes the answer unknown. References
/// are equal when they name the same attribute of the same instance; otherwise their values may
/// or may not coincide.
pub(super) fn eq3(a: &Value, b: &Value) -> Result<bool, Value> {
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
pub(super) fn contains3(list: &[Value], x: &Value) -> Result<bool, Value> {
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
pub(super) fn dedupe(items: Vec<Value>) -> Vec<Value> {
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
pub(super) fn make_set(mut items: Vec<Value>) -> Res<Vec<Value>> {
    unify(items.iter_mut().collect())?;
    let mut out = dedupe(items);
    out.sort_by(set_order);
    Ok(out)
}

pub(super) fn setunion(args: &[Value]) -> Res<Value> {
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

pub(super) fn setintersection(args: &[Value]) -> Res<Value> {
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

pub(super) fn setsubtract(args: &[Value]) -> Res<Value> {
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

#[cfg(test)]
mod tests {
    use super::{contains3, dedupe, eq3, SetIndex};
    use crate::eval::functions::test_support::{
        b, err, l, lb, n, nums, obj, ok, reason, rf, s, strs, unk, LB_REASON,
    };
    use crate::eval::value::Value;

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
}

//! Collection functions on lists, tuples, maps and objects: `concat`, `flatten`, `lookup`,
//! `element`, `merge`, `keys`, `values`, `zipmap`, `length`, `coalesce`, `coalescelist`,
//! `compact`, `distinct`, `contains`, `index`, `slice`, `reverse`, `sort`, `one` and
//! `chunklist`. The set functions and the conversions have files of their own.

use super::args::{
    arity, deep_unknown, fail, invalid, not_null, opaque, stop_opaque, stringify, to_int, to_list,
    to_object, to_str, unify, unknown_of, Kinds, Res, Stop,
};
use super::set::{contains3, dedupe, eq3};
use super::string::graphemes;
use crate::eval::value::{Unknown, Value};
use std::collections::BTreeMap;

pub(super) fn concat(args: &[Value]) -> Res<Value> {
    if args.is_empty() {
        return fail("at least one argument is required");
    }
    let mut out = Vec::new();
    // A list of unknown length leaves the result's length unknown, but the elements of the
    // known lists are still in it.
    let mut unknown: Option<Unknown> = None;
    for a in args {
        match a {
            Value::Unknown(u) => {
                out.extend(u.members.iter().flat_map(|m| m.iter().cloned()));
                unknown.get_or_insert_with(|| u.clone());
            }
            _ => out.extend_from_slice(to_list(a, "seqs")?),
        }
    }
    Ok(match unknown {
        None => Value::List(out),
        Some(u) => Value::Unknown(Unknown {
            members: Some(out.into()),
            ..u.derived("concat")
        }),
    })
}

pub(super) fn flatten(args: &[Value]) -> Res<Value> {
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

pub(super) fn lookup(args: &[Value]) -> Res<Value> {
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

pub(super) fn element(args: &[Value]) -> Res<Value> {
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
    // Terraform wraps the index around with Go's `%` (the remainder keeps the index's sign) and
    // refuses a negative result: `element(l, -2)` of two elements is the first, of three an error.
    let i = index % list.len() as i64;
    if i < 0 {
        return fail("cannot use element function with a negative index");
    }
    let i = i as usize;
    Ok(list[i].clone())
}

pub(super) fn merge(args: &[Value]) -> Res<Value> {
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

pub(super) fn keys(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let map = to_object(&args[0], "inputMap")?;
    Ok(Value::List(
        map.keys().map(|k| Value::String(k.clone())).collect(),
    ))
}

pub(super) fn values(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let map = to_object(&args[0], "mapping")?;
    Ok(Value::List(map.values().cloned().collect()))
}

/// `list(a, b, …)`: Terraform 0.11's list constructor (removed in Terraform 0.15, where `[a, b]`
/// replaces it). Its elements take one type, as `tolist` gives them.
pub(super) fn list(args: &[Value]) -> Res<Value> {
    let mut items = args.to_vec();
    unify(items.iter_mut().collect())?;
    Ok(Value::List(items))
}

/// `map(k1, v1, k2, v2, …)`: Terraform 0.11's map constructor (removed in Terraform 0.15, where
/// `{k1 = v1}` replaces it). Keys are strings and unique, values take one type.
pub(super) fn map(args: &[Value]) -> Res<Value> {
    if args.len() % 2 != 0 {
        return fail("requires an even number of arguments, a key followed by its value");
    }
    let mut out = BTreeMap::new();
    for pair in args.chunks(2) {
        stop_opaque(&pair[0])?;
        let k = to_str(&pair[0], "keys")?;
        if out.insert(k.clone(), pair[1].clone()).is_some() {
            return fail(format!("duplicate key \"{k}\""));
        }
    }
    unify(out.values_mut().collect())?;
    Ok(Value::Object(out))
}

pub(super) fn zipmap(args: &[Value]) -> Res<Value> {
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

pub(super) fn length(args: &[Value]) -> Res<Value> {
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

pub(super) fn coalesce(args: &[Value]) -> Res<Value> {
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

pub(super) fn coalescelist(args: &[Value]) -> Res<Value> {
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

pub(super) fn compact(args: &[Value]) -> Res<Value> {
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

pub(super) fn distinct(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let list = to_list(&args[0], "list")?;
    if let Some(u) = list.iter().find_map(deep_unknown) {
        return Err(Stop::Unknown(u));
    }
    // The argument is a list: a tuple's elements are converted to one type first, so
    // `distinct([1, "1"])` is `["1"]`.
    let mut items = list.to_vec();
    unify(items.iter_mut().collect())?;
    Ok(Value::List(dedupe(items)))
}

pub(super) fn contains(args: &[Value]) -> Res<Value> {
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

pub(super) fn index(args: &[Value]) -> Res<Value> {
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

pub(super) fn slice(args: &[Value]) -> Res<Value> {
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

pub(super) fn reverse(args: &[Value]) -> Res<Value> {
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

pub(super) fn sort(args: &[Value]) -> Res<Value> {
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

pub(super) fn one(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let list = to_list(&args[0], "list")?;
    match list {
        [] => Ok(Value::Null),
        [v] => Ok(v.clone()),
        _ => fail("must be a list, set, or tuple value with either zero or one elements"),
    }
}

pub(super) fn chunklist(args: &[Value]) -> Res<Value> {
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

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{
        b, err, l, lb, n, nums, obj, ok, reason, rf, s, strs, unk, LB_REASON,
    };
    use crate::eval::value::Value;

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
        // A list of unknown length: the result's length is unknown, with the known elements
        // kept as members, whichever side they are on.
        for args in [vec![u.clone(), nums(&[1.0])], vec![nums(&[1.0]), u.clone()]] {
            match ok("concat", args) {
                Value::Unknown(r) => {
                    assert_eq!(r.reason.as_ref(), "data.aws_subnets.x.ids is unknown");
                    assert_eq!(r.members.as_deref(), Some(&[n(1.0)][..]));
                }
                other => panic!("expected an unknown, got {other}"),
            }
        }
        // Nested: the members of the inner one are members of the outer one.
        let inner = ok("concat", vec![strs(&["a"]), u.clone()]);
        match ok("concat", vec![inner, strs(&["b"])]) {
            Value::Unknown(r) => assert_eq!(
                r.members.as_deref(),
                Some(&strs(&["a", "b"]).as_list().unwrap().to_vec()[..])
            ),
            other => panic!("expected an unknown, got {other}"),
        }
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
        assert!(err("element", vec![list.clone(), n(-1.0)]).contains("negative index"));
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
}

//! Numeric functions: `abs`, `ceil`, `floor`, `min`, `max`, `parseint`, `sum` and `range`.

use super::args::{
    arity, deep_opaque, fail, not_null, parse_number, to_int, to_list, to_num, unknown_of, Res,
    Stop,
};
use crate::eval::value::Value;

fn number_fn(args: &[Value], f: fn(f64) -> f64) -> Res<Value> {
    arity(args, 1, 1)?;
    Ok(Value::Number(f(to_num(&args[0], "num")?)))
}

pub(super) fn abs(args: &[Value]) -> Res<Value> {
    number_fn(args, f64::abs)
}

pub(super) fn ceil(args: &[Value]) -> Res<Value> {
    number_fn(args, f64::ceil)
}

pub(super) fn floor(args: &[Value]) -> Res<Value> {
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

pub(super) fn min(args: &[Value]) -> Res<Value> {
    min_max(args, f64::min)
}

pub(super) fn max(args: &[Value]) -> Res<Value> {
    min_max(args, f64::max)
}

pub(super) fn parseint(args: &[Value]) -> Res<Value> {
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

pub(super) fn sum(args: &[Value]) -> Res<Value> {
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

pub(super) fn range(args: &[Value]) -> Res<Value> {
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

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{err, l, n, nums, ok, s, unk};

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
}

//! `format` and `formatlist`: Terraform's printf-like verbs, formatted the way Go's `fmt`
//! formats them (flags, width, precision, explicit argument indexes).

use super::args::{
    arity, deep_opaque, fail, parse_number, stop_opaque, str_to_bool, to_str, too_long, Res, Stop,
};
use super::encoding::{json_encode, json_quote};
use super::string::graphemes;
use crate::eval::value::{format_number, Value};

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
    if matches!(arg, Value::Null) {
        if verb.mode == 'v' {
            // Terraform's own result for `format("%v", null)` is an unknown string.
            return Err(Stop::Unknown(Value::unknown(
                "format: Terraform leaves %v of a null value unknown",
                None,
            )));
        }
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

pub(super) fn format(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let fmt = to_str(&args[0], "format")?;
    if let Some(u) = args[1..].iter().find_map(deep_opaque) {
        return Err(Stop::Unknown(u));
    }
    Ok(Value::String(format_string(&fmt, &args[1..])?))
}

pub(super) fn formatlist(args: &[Value]) -> Res<Value> {
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

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{
        b, err, l, lb, n, ok, reason, s, strs, unk, LB_REASON,
    };
    use crate::eval::value::Value;

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
        assert!(ok("format", vec![s("%v"), Value::Null]).is_unknown());
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

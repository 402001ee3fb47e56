//! String functions: `join`, `split`, `upper`, `lower`, `trimspace`, `trim`, `trimprefix`,
//! `trimsuffix`, `replace` and `substr`; and the segmentation into grapheme clusters that
//! Terraform counts string lengths in, which `length` and `format` use too.

use super::args::{arity, fail, opaque, to_int, to_list, to_str, too_long, Res, Stop};
use crate::eval::value::{Unknown, Value};

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
pub(super) fn graphemes(s: &str) -> Vec<&str> {
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

pub(super) fn join(args: &[Value]) -> Res<Value> {
    arity(args, 1, usize::MAX)?;
    let sep = to_str(&args[0], "separator")?;
    if args.len() < 2 {
        return fail("at least one list is required");
    }
    let mut lists = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        lists.push(to_list(a, "lists")?);
    }
    if let Some(Value::Unknown(first)) = lists.iter().flat_map(|l| l.iter()).find_map(opaque) {
        return Ok(joined_unknown(&first, &sep, &lists));
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

/// `join` over elements some of which are opaque: an unknown string that keeps its pieces, so
/// that `split` can take resource ids back out of it. An element that is neither a primitive
/// nor opaque (null, a collection) makes it plainly unknown, as Terraform reports those only
/// once the values are known.
fn joined_unknown(first: &Unknown, sep: &str, lists: &[&[Value]]) -> Value {
    let mut parts = Vec::new();
    for (i, v) in lists.iter().flat_map(|l| l.iter()).enumerate() {
        if i > 0 {
            parts.push(Value::string(sep));
        }
        match v {
            Value::Unknown(_) | Value::Reference(_) => parts.push(v.clone()),
            other => match other.to_template_string() {
                Some(s) => parts.push(Value::String(s)),
                None => return Value::Unknown(first.clone()),
            },
        }
    }
    Value::Unknown(Unknown::concatenation(first, parts))
}

/// Characters no resource id, ARN or address contains: a separator made only of them splits a
/// concatenation of ids at its text pieces only.
const NEVER_IN_IDS: &[char] = &[',', ';', '|', ' ', '\t', '\n'];

/// Attributes whose values are identifiers or addresses (they never contain [`NEVER_IN_IDS`]).
fn is_id_attribute(attribute: &str) -> bool {
    matches!(
        attribute,
        "id" | "arn" | "private_ip" | "public_ip" | "dns_name" | "cidr_block"
    ) || attribute.ends_with("_id")
}

/// `split` of a concatenation whose opaque pieces are all resource ids: the list of its
/// elements, each a known string, an id [`Reference`] or (when it mixes text and ids) an
/// unknown concatenation. `None` when a piece might contain the separator.
fn split_pieces(sep: &str, first: &Unknown, pieces: &[Value]) -> Option<Value> {
    if sep.is_empty() || !sep.chars().all(|c| NEVER_IN_IDS.contains(&c)) {
        return None;
    }
    let mut items = Vec::new();
    let mut current: Vec<Value> = Vec::new();
    let finish = |current: &mut Vec<Value>, items: &mut Vec<Value>| {
        let mut parts = std::mem::take(current);
        parts.retain(|p| !matches!(p, Value::String(s) if s.is_empty()));
        let only_text = parts.iter().all(|p| matches!(p, Value::String(_)));
        items.push(match parts.as_slice() {
            [] => Value::string(""),
            [one @ Value::Reference(_)] => one.clone(),
            _ if only_text => {
                Value::String(parts.iter().filter_map(Value::as_str).collect::<String>())
            }
            _ => Value::Unknown(Unknown::concatenation(first, parts)),
        });
    };
    for piece in pieces {
        match piece {
            Value::String(text) => {
                let mut segments = text.split(sep);
                if let Some(head) = segments.next() {
                    current.push(Value::string(head));
                }
                for seg in segments {
                    finish(&mut current, &mut items);
                    current.push(Value::string(seg));
                }
            }
            Value::Reference(r) if is_id_attribute(&r.attribute) => current.push(piece.clone()),
            _ => return None,
        }
    }
    finish(&mut current, &mut items);
    Some(Value::List(items))
}

pub(super) fn split(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let sep = to_str(&args[0], "separator")?;
    if let Value::Unknown(
        u @ Unknown {
            pieces: Some(pieces),
            ..
        },
    ) = &args[1]
    {
        if let Some(list) = split_pieces(&sep, u, pieces) {
            return Ok(list);
        }
    }
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

pub(super) fn upper(args: &[Value]) -> Res<Value> {
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

pub(super) fn lower(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    let s = to_str(&args[0], "str")?;
    Ok(Value::String(
        s.chars()
            .map(|c| c.to_lowercase().next().unwrap_or(c))
            .collect(),
    ))
}

pub(super) fn trimspace(args: &[Value]) -> Res<Value> {
    arity(args, 1, 1)?;
    Ok(Value::String(to_str(&args[0], "str")?.trim().to_string()))
}

pub(super) fn trim(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let s = to_str(&args[0], "str")?;
    let cutset = to_str(&args[1], "cutset")?;
    Ok(Value::String(
        s.trim_matches(|c| cutset.contains(c)).to_string(),
    ))
}

pub(super) fn trimprefix(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let s = to_str(&args[0], "str")?;
    let prefix = to_str(&args[1], "prefix")?;
    Ok(Value::String(
        s.strip_prefix(prefix.as_str()).unwrap_or(&s).to_string(),
    ))
}

pub(super) fn trimsuffix(args: &[Value]) -> Res<Value> {
    arity(args, 2, 2)?;
    let s = to_str(&args[0], "str")?;
    let suffix = to_str(&args[1], "suffix")?;
    Ok(Value::String(
        s.strip_suffix(suffix.as_str()).unwrap_or(&s).to_string(),
    ))
}

pub(super) fn replace(args: &[Value]) -> Res<Value> {
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

pub(super) fn substr(args: &[Value]) -> Res<Value> {
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

#[cfg(test)]
mod tests {
    use crate::eval::functions::test_support::{
        b, err, l, lb, n, ok, reason, rf, s, strs, unk, LB_REASON,
    };
    use crate::eval::value::Value;

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
    fn split_takes_ids_back_out_of_a_join() {
        let a = rf("aws_subnet.a[0]", "id");
        let b2 = rf("aws_subnet.a[1]", "id");
        let joined = ok(
            "join",
            vec![s(","), l(vec![a.clone(), s("subnet-1"), b2.clone()])],
        );
        // The joined string is unknown, with the first id's reason.
        assert_eq!(
            reason(&joined),
            "the value of aws_subnet.a[0].id is known only after apply"
        );
        assert_eq!(
            ok("split", vec![s(","), joined.clone()]),
            l(vec![a.clone(), s("subnet-1"), b2.clone()])
        );
        // Joined twice, with text around: the ids come back where the separators were.
        let twice = ok(
            "join",
            vec![s(","), l(vec![joined.clone(), s("x"), a.clone()])],
        );
        assert_eq!(
            ok("split", vec![s(","), twice]),
            l(vec![
                a.clone(),
                s("subnet-1"),
                b2.clone(),
                s("x"),
                a.clone()
            ])
        );
        // Another separator: the whole string is one element, text and ids mixed.
        let one = ok("split", vec![s(";"), joined.clone()]);
        match one.as_list() {
            Some([Value::Unknown(u)]) => assert!(u.pieces.is_some()),
            other => panic!("expected one unknown element, got {other:?}"),
        }
        // A separator an id may contain, or a piece that may contain the separator: unknown.
        assert!(ok("split", vec![s("-"), joined.clone()]).is_unknown());
        let with_var = ok("join", vec![s(","), l(vec![a.clone(), unk("var.more")])]);
        assert!(ok("split", vec![s(","), with_var]).is_unknown());
        let names = ok(
            "join",
            vec![s(","), l(vec![rf("aws_instance.x", "user_data")])],
        );
        assert!(ok("split", vec![s(","), names]).is_unknown());
        // The other string functions still see an unknown.
        assert!(ok("upper", vec![joined]).is_unknown());
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
}

//! Terraform's built-in functions as network code uses them, applied to evaluated [`Value`]s.
//!
//! [`call`] runs one function on arguments the evaluator has already computed. Semantics follow
//! Terraform: argument conversions (numeric strings to numbers, numbers and bools to strings),
//! the same error conditions, sets deduplicated and ordered the way Terraform orders them, and
//! exact CIDR arithmetic for IPv4 and IPv6.
//!
//! Two kinds of values are opaque here:
//!
//! - An unknown argument makes the result unknown only when the result depends on it, and the
//!   result then carries the *first* such unknown (its reason and origin) so the user learns
//!   which value was missing. A collection that merely contains unknowns stays a known
//!   collection: `length([unknown, 1])` is 2 and `concat([a], [unknown])` is a two-element list.
//! - A [`Reference`](super::value::Reference) (`aws_security_group.lb.id`) is a known identity
//!   whose text is unknown. Collection functions pass it through unchanged and compare
//!   references by address and attribute; functions that need its text (`join`, `format`,
//!   `upper`, the CIDR functions, …) return an unknown saying the value is known only after
//!   apply.
//!
//! Not here: `try` and `can` (the evaluator evaluates their arguments lazily) and `file` and
//! `templatefile` (they read files). `replace` with a `/regex/` pattern is not evaluated: it
//! returns an unknown saying so rather than guessing.
//!
//! The functions are laid out as Terraform's own `lang/funcs` is: [`FUNCTIONS`] maps each name
//! to its implementation, each family has a file of its own (`collection`, `set`, `conversion`,
//! `string`, `number`, `encoding` for JSON, `format`, `cidr`), and `args` holds what they share:
//! argument checks, conversions and the early exits for unknown values. Every implementation
//! has the same shape, [`Impl`]: it takes arguments the evaluator has already evaluated. Adding
//! a function is one function in its family's file and one row in the table.

mod args;
mod cidr;
mod collection;
mod conversion;
mod encoding;
mod format;
mod number;
mod set;
mod string;
#[cfg(test)]
mod test_support;

use super::value::Value;
use args::{Res, Stop};

/// A call Terraform itself would reject. The message starts with the function name, e.g.
/// `cidrsubnet: prefix extension of 9 bits would make a prefix of 33 bits, which is too long
/// for an IPv4 address`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(super) struct FnError(pub(super) String, pub(super) Limit);

/// Whether a failed call passed one of the tool's own size limits (rather than being a call
/// Terraform would reject).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Limit {
    Within,
    Exceeded,
}

/// A function's implementation: the evaluated arguments in, the result or an early stop out.
type Impl = fn(&[Value]) -> Res<Value>;

/// Every function [`call`] implements, by name, sorted by name for a binary search.
static FUNCTIONS: &[(&str, Impl)] = &[
    ("abs", number::abs),
    ("base64decode", encoding::base64decode),
    ("base64encode", encoding::base64encode),
    ("ceil", number::ceil),
    ("chunklist", collection::chunklist),
    ("cidrhost", cidr::cidrhost),
    ("cidrnetmask", cidr::cidrnetmask),
    ("cidrsubnet", cidr::cidrsubnet),
    ("cidrsubnets", cidr::cidrsubnets),
    ("coalesce", collection::coalesce),
    ("coalescelist", collection::coalescelist),
    ("compact", collection::compact),
    ("concat", collection::concat),
    ("contains", collection::contains),
    ("distinct", collection::distinct),
    ("element", collection::element),
    ("flatten", collection::flatten),
    ("floor", number::floor),
    ("format", format::format),
    ("formatlist", format::formatlist),
    ("index", collection::index),
    ("join", string::join),
    ("jsondecode", encoding::jsondecode),
    ("jsonencode", encoding::jsonencode),
    ("keys", collection::keys),
    ("length", collection::length),
    ("list", collection::list),
    ("lookup", collection::lookup),
    ("lower", string::lower),
    ("map", collection::map),
    ("max", number::max),
    ("merge", collection::merge),
    ("min", number::min),
    ("one", collection::one),
    ("parseint", number::parseint),
    ("range", number::range),
    ("replace", string::replace),
    ("reverse", collection::reverse),
    ("setintersection", set::setintersection),
    ("setsubtract", set::setsubtract),
    ("setunion", set::setunion),
    ("slice", collection::slice),
    ("sort", collection::sort),
    ("split", string::split),
    ("substr", string::substr),
    ("sum", number::sum),
    ("tobool", conversion::tobool),
    ("tolist", conversion::tolist),
    ("tomap", conversion::tomap),
    ("tonumber", conversion::tonumber),
    ("toset", conversion::toset),
    ("tostring", conversion::tostring),
    ("trim", string::trim),
    ("trimprefix", string::trimprefix),
    ("trimspace", string::trimspace),
    ("trimsuffix", string::trimsuffix),
    ("upper", string::upper),
    ("values", collection::values),
    ("zipmap", collection::zipmap),
];

/// Functions whose result is their argument's value itself.
const IDENTITY: &[&str] = &["nonsensitive", "sensitive", "tonumber", "tostring"];

/// True when [`call`] implements `name`.
pub(super) fn is_known_function(name: &str) -> bool {
    implementation(name).is_some()
}

/// Applies the Terraform function `name` to `args`.
///
/// Returns `Ok(Value::Unknown(..))` when the result depends on a value not known before apply,
/// and `Err` when Terraform would reject the call (wrong arity, wrong type, out of range).
pub(super) fn call(name: &str, args: Vec<Value>) -> Result<Value, FnError> {
    let Some(f) = implementation(name) else {
        return Err(FnError(
            format!("there is no function named \"{name}\""),
            Limit::Within,
        ));
    };
    match f(&args) {
        // A result the function could not compute because of an unknown argument is another
        // value than that argument, unless the function gives back its argument's value (a
        // conversion). An unknown the function returns as it is (an element it selected, a
        // concatenation that keeps its pieces) is that value itself.
        Err(Stop::Unknown(Value::Unknown(u)))
            if u.pieces.is_none() && !IDENTITY.contains(&name) =>
        {
            Ok(Value::Unknown(u.derived(format_args!("{name}{args:?}"))))
        }
        Ok(v) | Err(Stop::Unknown(v)) => Ok(v),
        Err(Stop::Error(msg)) => Err(FnError(format!("{name}: {msg}"), Limit::Within)),
        Err(Stop::Limit(msg)) => Err(FnError(format!("{name}: {msg}"), Limit::Exceeded)),
    }
}

/// The implementation of the function `name`, found in [`FUNCTIONS`].
fn implementation(name: &str) -> Option<Impl> {
    FUNCTIONS
        .binary_search_by(|&(n, _)| n.cmp(name))
        .ok()
        .map(|i| FUNCTIONS[i].1)
}

#[cfg(test)]
mod tests {
    use super::test_support::{err, l, n, ok, s, strs, unk};

    #[test]
    fn a_value_computed_from_an_unknown_is_another_value() {
        use super::test_support::{exact, rf};
        let u = unk("var.port has no value");
        // Computed from it: another value, with its reason and origin, equal only to the same
        // computation.
        let up = exact("upper", vec![u.clone()]);
        assert_ne!(up, u);
        assert_eq!(up, exact("upper", vec![u.clone()]));
        assert_ne!(up, exact("lower", vec![u.clone()]));
        match (&up, &u) {
            (Value::Unknown(a), Value::Unknown(b)) => {
                assert_eq!((&a.reason, a.origin), (&b.reason, b.origin));
                assert!(a.derived.is_some() && b.derived.is_none());
            }
            _ => panic!("expected unknowns"),
        }
        assert_ne!(exact("element", vec![u.clone(), n(0.0)]), u);
        // Conversions and selections give the value itself.
        assert_eq!(exact("tonumber", vec![u.clone()]), u);
        assert_eq!(
            exact("element", vec![l(vec![s("a"), u.clone()]), n(1.0)]),
            u
        );
        assert_eq!(
            exact(
                "lookup",
                vec![
                    super::test_support::obj(vec![("http", u.clone())]),
                    s("http")
                ]
            ),
            u
        );
        // A concatenation keeps its pieces (split reads them).
        let joined = exact(
            "join",
            vec![s(","), l(vec![rf("aws_subnet.a", "id"), u.clone()])],
        );
        assert!(matches!(&joined, Value::Unknown(j) if j.pieces.is_some() && j.derived.is_none()));
    }
    use super::*;

    #[test]
    fn registry_is_sorted_and_every_name_dispatches() {
        let names: Vec<&str> = FUNCTIONS.iter().map(|&(name, _)| name).collect();
        let mut sorted = names.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, names);
        for name in &names {
            assert!(is_known_function(name));
            if let Err(e) = call(name, vec![]) {
                assert!(!e.0.contains("no function named"), "{name}: {e}");
            }
        }
        for name in ["try", "can", "file", "templatefile", "regex", "cidrsubnetz"] {
            assert!(!is_known_function(name), "{name}");
        }
        assert_eq!(
            err("nosuch", vec![]),
            "there is no function named \"nosuch\""
        );
    }

    #[test]
    fn unknowns_keep_reason_and_origin() {
        let u = unk("var.vpc_id has no value");
        for (name, args) in [
            ("upper", vec![u.clone()]),
            ("join", vec![s(","), u.clone()]),
            ("join", vec![u.clone(), strs(&["a"])]),
            ("length", vec![u.clone()]),
            ("tostring", vec![u.clone()]),
            ("element", vec![u.clone(), n(0.0)]),
            ("element", vec![strs(&["a"]), u.clone()]),
            ("keys", vec![u.clone()]),
            ("merge", vec![u.clone()]),
            ("coalesce", vec![u.clone(), s("a")]),
            ("jsonencode", vec![l(vec![u.clone()])]),
            ("substr", vec![s("abc"), u.clone(), n(1.0)]),
        ] {
            assert_eq!(ok(name, args), u, "{name}");
        }
    }

    #[test]
    fn results_past_the_size_limit_are_refused_before_they_are_built() {
        let kib = s(&"a".repeat(1024));
        let big = s(&"a".repeat(20_000));
        let over = |name: &str, args: Vec<Value>| match call(name, args) {
            Err(FnError(m, Limit::Exceeded)) => m,
            other => panic!("{name} should pass the size limit, got {other:?}"),
        };
        assert!(
            over("replace", vec![big.clone(), s("a"), kib.clone()]).contains("more than the limit")
        );
        assert!(
            over("replace", vec![big.clone(), s(""), kib.clone()]).contains("more than the limit")
        );
        let list = l(vec![s("x"); 20_000]);
        assert!(over("join", vec![kib.clone(), list.clone()]).contains("more than the limit"));
        let wide = "%65000s".repeat(300);
        let args: Vec<Value> = std::iter::once(s(&wide))
            .chain(std::iter::repeat_n(s("x"), 300))
            .collect();
        assert!(over("format", args).contains("more than the limit"));
        assert!(over("formatlist", vec![s("%65000s"), list]).contains("more than the limit"));
        assert!(
            over("split", vec![s(""), s(&"a".repeat(1_000_000))]).contains("more than the limit")
        );
        // Ordinary calls are untouched.
        assert_eq!(ok("replace", vec![s("a-b"), s("-"), s("+")]), s("a+b"));
        assert!(matches!(
            call("cidrsubnet", vec![s("x"), n(1.0), n(1.0)]),
            Err(FnError(_, Limit::Within))
        ));
    }
}

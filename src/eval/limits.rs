//! Limits that keep evaluation of hostile or pathological Terraform bounded in stack, time and
//! memory, and turn each limit that is reached into a located TF004 error instead of a crash, a
//! hang or an exhausted machine.
//!
//! The parser already refuses syntax nested deeper than 64 levels, but evaluation composes
//! expressions across references: a chain of 200 locals, each nested 60 deep, is 12,000 nested
//! evaluations, and the values they build nest as deep. So the evaluator bounds, per root:
//!
//! - **nesting** of expression evaluations ([`MAX_EVAL_DEPTH`]), which bounds the stack; see
//!   the README section "Robustness" for the measured stack use;
//! - **value size and depth** ([`MAX_VALUE_BYTES`], [`MAX_VALUE_DEPTH`]): every collection,
//!   function result and template is measured as it is built;
//! - **work** ([`MAX_WORK`]): one unit per expression evaluated plus one per 64 bytes of a value
//!   copied by a reference, so that loops over loops and repeated references to a big value end;
//! - **memory kept** ([`MAX_ROOT_BYTES`]): the total size of all attribute values of a root;
//! - **instances** ([`MAX_ROOT_INSTANCES`]): resource and module instances of a root, after
//!   `count` and `for_each` of nested modules multiply.
//!
//! When the work or memory budget runs out, evaluation of that root stops: the finding says
//! where, and every value evaluated afterwards is unknown. Other roots are not affected.

use super::value::Value;

/// Deepest nesting of expression evaluations (across references) before evaluation stops.
pub const MAX_EVAL_DEPTH: usize = 500;
/// Largest value (approximate bytes in memory) one expression may build.
pub const MAX_VALUE_BYTES: usize = 16 * 1024 * 1024;
/// Deepest nesting of lists and objects in one value.
pub const MAX_VALUE_DEPTH: usize = 256;
/// Work units one root may spend.
pub const MAX_WORK: u64 = 20_000_000;
/// Total size of the attribute values of one root.
pub const MAX_ROOT_BYTES: usize = 256 * 1024 * 1024;
/// Resource and module instances of one root.
pub const MAX_ROOT_INSTANCES: usize = 100_000;

/// Size of one value node, apart from the text it holds.
const NODE_BYTES: usize = std::mem::size_of::<Value>();

/// Approximate memory of a value in bytes and its nesting depth. Stops counting (without
/// recursion, so any depth is safe) once the size passes `stop_at`.
pub fn footprint(value: &Value, stop_at: usize) -> (usize, usize) {
    // Most values are scalars: measure them without a work list.
    match value {
        Value::String(s) => return (NODE_BYTES + s.len(), 1),
        Value::Unknown(u) => return (NODE_BYTES + u.reason.len(), 1),
        Value::Reference(r) => return (NODE_BYTES + r.address.len() + r.attribute.len(), 1),
        Value::Null | Value::Bool(_) | Value::Number(_) => return (NODE_BYTES, 1),
        Value::List(_) | Value::Object(_) => {}
    }
    let mut bytes = 0usize;
    let mut depth = 0usize;
    // A small list or object fits the inline part of the work list.
    let mut stack: smallvec::SmallVec<[(&Value, usize); 16]> = smallvec::smallvec![(value, 1)];
    while let Some((v, d)) = stack.pop() {
        depth = depth.max(d);
        bytes += NODE_BYTES;
        match v {
            Value::String(s) => bytes += s.len(),
            Value::List(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
            Value::Object(map) => {
                for (k, i) in map {
                    bytes += k.len() + NODE_BYTES;
                    stack.push((i, d + 1));
                }
            }
            Value::Unknown(u) => bytes += u.reason.len(),
            Value::Reference(r) => bytes += r.address.len() + r.attribute.len(),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
        if bytes > stop_at {
            break;
        }
    }
    (bytes, depth)
}

/// A size limit a value passed. The message is the text of the TF004 finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// More than [`MAX_VALUE_BYTES`].
    #[error("this value is larger than the limit of {} MiB", MAX_VALUE_BYTES / (1024 * 1024))]
    TooLarge,
    /// Lists and objects nested more than [`MAX_VALUE_DEPTH`] levels.
    #[error(
        "this value nests lists and objects more than {} levels deep",
        MAX_VALUE_DEPTH
    )]
    TooDeep,
    /// A template whose text grew past [`MAX_VALUE_BYTES`].
    #[error("template result is larger than the limit of {} MiB", MAX_VALUE_BYTES / (1024 * 1024))]
    TemplateTooLarge,
}

/// What a root has spent so far.
#[derive(Debug, Default)]
pub struct Budget {
    /// Current nesting of expression evaluations.
    pub depth: usize,
    /// Work units spent.
    pub work: u64,
    /// Bytes of attribute values kept.
    pub kept: usize,
    /// Resource and module instances created.
    pub instances: usize,
    /// Set when the work or memory budget ran out: why evaluation stopped.
    pub halted: Option<String>,
    /// The nesting limit was reported (once per root: every entry into the same deep chain
    /// would report it again).
    pub too_deep: bool,
    /// The same for chains of references (the evaluator follows at most 200 in a row).
    pub refs_too_deep: bool,
}

/// The running size of a collection being built, checked as each element is added.
#[derive(Debug, Default)]
pub struct Growth {
    bytes: usize,
    depth: usize,
}

impl Growth {
    /// Adds one element; `Err` says which limit the collection passed.
    pub fn add(&mut self, v: &Value) -> Result<(), LimitError> {
        let (bytes, depth) = footprint(v, MAX_VALUE_BYTES);
        self.bytes = self.bytes.saturating_add(bytes + NODE_BYTES);
        self.depth = self.depth.max(depth);
        check(self.bytes, self.depth + 1)
    }
}

/// Checks a whole value against the size and depth limits.
pub fn check_value(v: &Value) -> Result<(), LimitError> {
    let (bytes, depth) = footprint(v, MAX_VALUE_BYTES);
    check(bytes, depth)
}

fn check(bytes: usize, depth: usize) -> Result<(), LimitError> {
    if bytes > MAX_VALUE_BYTES {
        Err(LimitError::TooLarge)
    } else if depth > MAX_VALUE_DEPTH {
        Err(LimitError::TooDeep)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footprint_counts_text_and_depth_without_recursion() {
        let mut v = Value::String("abcd".into());
        for _ in 0..100_000 {
            v = Value::List(vec![v]);
        }
        let (bytes, depth) = footprint(&v, usize::MAX);
        assert_eq!(depth, 100_001);
        assert_eq!(bytes, 100_001 * NODE_BYTES + 4);
        assert_eq!(check_value(&v), Err(LimitError::TooDeep));
        // Dropping a value this deep recurses; take it apart iteratively.
        while let Value::List(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
        }
    }

    #[test]
    fn growth_stops_at_the_size_limit() {
        let big = Value::String("x".repeat(MAX_VALUE_BYTES / 4));
        let mut g = Growth::default();
        for _ in 0..3 {
            g.add(&big).unwrap();
        }
        assert_eq!(g.add(&big), Err(LimitError::TooLarge));
    }

    #[test]
    fn limit_errors_print_the_finding_text() {
        assert_eq!(
            LimitError::TooLarge.to_string(),
            "this value is larger than the limit of 16 MiB"
        );
        assert_eq!(
            LimitError::TooDeep.to_string(),
            "this value nests lists and objects more than 256 levels deep"
        );
        assert_eq!(
            LimitError::TemplateTooLarge.to_string(),
            "template result is larger than the limit of 16 MiB"
        );
    }
}

//! Terraform evaluation: variables, locals, count/for_each, modules and functions, with unknown
//! values and resource references kept as symbols.
//!
//! Evaluation is lazy and memoised per module instance, the way Terraform walks its graph: a
//! value is computed when something refers to it, and a cycle among references is reported
//! (TF003) instead of recursing. The output is every resource instance with its evaluated
//! arguments (each keeping the span of the expression it came from) and the reference graph.
//!
//! The parts:
//!
//! - `evaluator`: the state of one root's evaluation and the walk over its resources and
//!   module calls; its submodules hold the memo and cycle detection, findings and the budget,
//!   variables, locals and outputs, `count`/`for_each` expansion, resources, bodies with their
//!   `dynamic` blocks, and module calls;
//! - `expr`: expressions, one submodule per kind: operators, templates, `for` expressions,
//!   function calls (`try` and `can` included), references, and attribute, index and splat
//!   access;
//! - `functions`: Terraform's built-in functions, on values already evaluated;
//! - `decls`: the declarations of a module directory, indexed by name; `schema`: the arguments
//!   accepted in the nested blocks the checks read;
//! - `types`: type constraints and the conversion of variable values to them;
//! - [`plan`]: values a Terraform plan knows, filled in where evaluation left unknowns;
//! - [`value`]: values, unknowns and references; [`limits`]: the bounds on nesting, size, work
//!   and instances; [`graph`]: the reference graph.

mod decls;
mod evaluator;
mod expr;
mod functions;
pub mod graph;
pub mod limits;
pub mod plan;
mod schema;
mod types;
pub mod value;

/// Joins `parts` into one string of exactly their length. Addresses and keys are built this way
/// on the hot paths of evaluation: `format!` costs several times as much for such short strings.
pub(crate) fn join_parts(parts: &[&str]) -> String {
    let mut s = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        s.push_str(p);
    }
    s
}

/// The address suffix of instance `i` of a counted resource or module: `[i]`.
pub(crate) fn index_suffix(i: usize) -> String {
    join_parts(&["[", itoa::Buffer::new().format(i), "]"])
}

pub use evaluator::{evaluate_root, evaluate_root_with, Inputs};
pub use value::{Reference, Unknown, Value};

use crate::diagnostic::Finding;
use crate::source::Span;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Evaluated arguments and nested blocks of a resource (with `dynamic` blocks expanded).
#[derive(Debug, Clone, Default)]
pub struct EvalBody {
    /// Arguments in source order. A body has a handful, so a list searched by name is cheaper to
    /// build and to read than a map.
    attributes: Vec<(crate::syntax::Name, EvalAttr)>,
    pub blocks: Vec<EvalBlock>,
}

impl EvalBody {
    /// An empty body with room for `attributes` arguments and `blocks` blocks.
    pub fn with_capacity(attributes: usize, blocks: usize) -> EvalBody {
        EvalBody {
            attributes: Vec::with_capacity(attributes),
            blocks: Vec::with_capacity(blocks),
        }
    }

    /// Argument `name`; when a body sets it twice, the later one.
    pub fn get(&self, name: &str) -> Option<&EvalAttr> {
        self.attributes
            .iter()
            .rev()
            .find_map(|(k, a)| (k == name).then_some(a))
    }

    /// Adds argument `name`; a later value of the same name hides an earlier one (without a
    /// search here, so that building a body stays linear in its size).
    pub fn insert(&mut self, name: crate::syntax::Name, attr: EvalAttr) {
        self.attributes.push((name, attr));
    }

    /// The names of the arguments set to something other than `null`, in source order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.attributes
            .iter()
            .filter(|(_, a)| a.value != Value::Null)
            .map(|(k, _)| k.as_str())
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a EvalBlock> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    /// The body as an object value, nested blocks becoming lists of objects.
    pub fn to_value(&self) -> Value {
        let mut map: BTreeMap<String, Value> = self
            .attributes
            .iter()
            .map(|(k, a)| (k.to_string(), a.value.clone()))
            .collect();
        for b in &self.blocks {
            let entry = map
                .entry(b.kind.to_string())
                .or_insert_with(|| Value::List(vec![]));
            if let Value::List(items) = entry {
                items.push(b.body.to_value());
            }
        }
        Value::Object(map)
    }
}

#[derive(Debug, Clone)]
pub struct EvalAttr {
    pub value: Value,
    /// The expression that produced the value.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct EvalBlock {
    pub kind: crate::syntax::Name,
    pub body: EvalBody,
    /// The block header (`ingress`, `dynamic "ingress"`): a tight location for findings.
    pub span: Span,
    /// Set for the one block standing for a `dynamic` block whose `for_each` is unknown: it
    /// may be there any number of times, including none.
    pub uncertain: Option<Unknown>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// One instance of a resource or data source after `count`/`for_each` expansion.
#[derive(Debug, Clone)]
pub struct ResourceInstance {
    /// Full address: `module.web.aws_security_group.app[0]` (shared with references to it).
    pub address: Arc<str>,
    /// Address without the instance key: `module.web.aws_security_group.app`.
    pub resource: Arc<str>,
    pub mode: Mode,
    pub rtype: crate::syntax::Name,
    pub name: crate::syntax::Name,
    pub body: EvalBody,
    /// The block header (`resource "aws_elb" "web"`).
    pub span: Span,
    /// The module call blocks that led here, outermost first.
    pub call_sites: Vec<Span>,
    /// Set for the one instance standing for a resource (or module) whose `count` or
    /// `for_each` is unknown: it may exist any number of times, including none.
    pub uncertain: Option<Unknown>,
}

/// The result of evaluating one root module.
#[derive(Debug)]
pub struct RootEval {
    pub root: PathBuf,
    pub resources: Vec<ResourceInstance>,
    pub graph: graph::RefGraph,
    pub findings: Vec<Finding>,
}

impl RootEval {
    /// The instance with this address.
    pub fn resource(&self, address: &str) -> Option<&ResourceInstance> {
        self.resources.iter().find(|r| &*r.address == address)
    }
}

#[cfg(test)]
mod tests {
    use super::{index_suffix, join_parts};

    #[test]
    fn addresses_are_built_like_format_would() {
        for i in [0, 7, 10, 99, 1234567, usize::MAX] {
            assert_eq!(index_suffix(i), format!("[{i}]"));
        }
        assert_eq!(
            join_parts(&["module.a.", "aws_vpc", ".", "main"]),
            "module.a.aws_vpc.main"
        );
        assert_eq!(join_parts(&[]), "");
    }
}

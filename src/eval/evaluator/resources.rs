//! Resources and data sources: the addresses of their instances ([`Addrs`]) and the evaluated
//! body of each instance, memoised by address.

use super::memo::Node;
use super::{block_id, Evaluator, Expansion, Scope, MAX_DEPTH};
use crate::eval::value::Value;
use crate::eval::{index_suffix, join_parts, EvalBody, Mode};
use crate::source::Span;
use crate::syntax::Block;
use std::sync::Arc;

/// The addresses of a resource's instances.
pub(crate) struct Addrs {
    /// `module.x.aws_subnet.app` (`data.` after the module prefix for data sources).
    pub(crate) base: Arc<str>,
    /// With `count`: the address of each instance, `base[i]`.
    pub(crate) count: Vec<Arc<str>>,
}

impl<'p> Evaluator<'p> {
    /// The addresses of `rtype.name` in `inst` (declared by `block`, expanded as `expansion`),
    /// built on first use.
    pub(crate) fn instance_addrs(
        &mut self,
        inst: usize,
        mode: Mode,
        rtype: &str,
        name: &str,
        block: &Block,
        expansion: &Expansion,
    ) -> Arc<Addrs> {
        if let Some(a) = self.addrs.get(&(inst, block_id(block))) {
            return a.clone();
        }
        let p = &self.insts[inst].prefix;
        let base: Arc<str> = match mode {
            Mode::Managed => join_parts(&[p, rtype, ".", name]),
            Mode::Data => join_parts(&[p, "data.", rtype, ".", name]),
        }
        .into();
        let count = match expansion {
            Expansion::Count(n) => (0..*n)
                .map(|i| join_parts(&[&base, &index_suffix(i)]).into())
                .collect(),
            _ => Vec::new(),
        };
        let addrs = Arc::new(Addrs { base, count });
        self.addrs.insert((inst, block_id(block)), addrs.clone());
        addrs
    }

    /// The expansion of resource (or data source) `rtype.name`.
    pub(crate) fn resource_expansion(
        &mut self,
        inst: usize,
        mode: Mode,
        rtype: &str,
        name: &str,
        block: &'p Block,
        span: Span,
    ) -> Expansion {
        self.expansion(inst, block, span, || match mode {
            Mode::Managed => join_parts(&["resource.", rtype, ".", name]),
            Mode::Data => join_parts(&["data.", rtype, ".", name]),
        })
    }

    /// The evaluated body of one resource instance, memoised by address.
    pub(crate) fn instance_body(
        &mut self,
        inst: usize,
        block: &'p Block,
        address: &str,
        count: Option<Value>,
        each: Option<(Value, Value)>,
        span: Span,
    ) -> Arc<EvalBody> {
        if let Some(b) = self.bodies.get(address) {
            return b.clone();
        }
        let node = Node::Body(address.to_string());
        if self.stack.contains(&node) {
            // A resource referring to its own attributes: report the cycle, return what we have.
            self.enter(node, span, |_| Value::Null);
            return Arc::new(EvalBody::default());
        }
        if self.stack.len() >= MAX_DEPTH {
            // The same limit as `enter`, which a chain through resources whose expansions are
            // already known would otherwise never meet. The body is not memoised: a shallower
            // path may still evaluate it.
            self.too_deep(span);
            return Arc::new(EvalBody::default());
        }
        self.edge_to(address, span);
        if self.record_graph {
            self.graph.node(address);
        }
        self.stack.push(node);
        let scope = Scope {
            inst,
            count,
            each,
            bound: vec![],
        };
        let body = Arc::new(self.eval_body(&block.body, &scope, true));
        // The node's own copy of the address becomes the memo key.
        let key = match self.stack.pop() {
            Some(Node::Body(a)) => a,
            _ => address.to_string(),
        };
        self.bodies.insert(key, body.clone());
        body
    }
}

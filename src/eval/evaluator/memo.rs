//! Evaluation done once: the value of each [`Node`] of a module instance is memoised, a node met
//! again while it is being evaluated is a cycle (TF003), and every reference is an edge of the
//! reference graph when the graph is recorded.

use super::{Evaluator, MAX_DEPTH};
use crate::diagnostic::codes::TF003;
use crate::diagnostic::Finding;
use crate::eval::limits;
use crate::eval::value::Value;
use crate::source::Span;

/// Something evaluated once per module instance. Names borrow from the declarations, so that
/// looking one up in the memo allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Node<'p> {
    Var(usize, &'p str),
    Local(usize, &'p str),
    Output(usize, &'p str),
    Expand(usize, String),
    Body(String),
}

impl<'p> Evaluator<'p> {
    /// The display address of a node, for the graph and for cycle messages.
    fn node_name(&self, node: &Node) -> String {
        let p = |i: &usize| self.insts[*i].prefix.clone();
        match node {
            Node::Var(i, n) => format!("{}var.{n}", p(i)),
            Node::Local(i, n) => format!("{}local.{n}", p(i)),
            Node::Output(i, n) => format!("{}output.{n}", p(i)),
            Node::Expand(i, n) => format!("{}{}", p(i), n.trim_start_matches("resource.")),
            Node::Body(a) => a.clone(),
        }
    }

    /// Records a reference from whatever is being evaluated to `target`.
    pub(crate) fn edge_to(&mut self, target: &str, span: Span) {
        if !self.record_graph {
            return;
        }
        if let Some(top) = self.stack.last() {
            let from = self.node_name(top);
            self.graph.edge(&from, target, span);
        }
    }

    /// Runs `f` as the evaluation of `node`, memoised, with cycle detection.
    pub(super) fn enter(
        &mut self,
        node: Node<'p>,
        span: Span,
        f: impl FnOnce(&mut Self) -> Value,
    ) -> Value {
        if let Some((v, bytes)) = self.memo.get_mut(&node) {
            // The size of a memoised value is measured once, at its first reuse.
            let bytes = *bytes.get_or_insert_with(|| limits::footprint(v, usize::MAX).0);
            let v = v.clone();
            self.charge_bytes(bytes);
            return v;
        }
        if self.record_graph {
            let name = self.node_name(&node);
            self.edge_to(&name, span);
        }
        if let Some(pos) = self.stack.iter().position(|n| *n == node) {
            let name = self.node_name(&node);
            let mut chain: Vec<String> = self.stack[pos..]
                .iter()
                .map(|n| self.node_name(n))
                .collect();
            chain.push(name.clone());
            self.report(Finding::new(
                &TF003,
                span,
                format!("cycle among references: {}", chain.join(" → ")),
            ));
            return Value::unknown(format!("{name} depends on itself"), Some(span));
        }
        if self.stack.len() >= MAX_DEPTH {
            self.too_deep(span);
            return Value::unknown("references nest too deeply", Some(span));
        }
        if self.record_graph {
            let name = self.node_name(&node);
            self.graph.node(&name);
        }
        self.stack.push(node.clone());
        let v = f(self);
        self.stack.pop();
        self.memo.insert(node, (v.clone(), None));
        v
    }
}

//! Findings and the root's budget. Every finding goes through [`Evaluator::report`], once per
//! place and code. The limits of [`crate::eval::limits`] are spent here: work charged for copied
//! values, memory kept by attribute values, instances created, and the depth of references;
//! when the work or memory runs out, evaluation of the root halts.

use super::{Evaluator, Scope, MAX_DEPTH};
use crate::diagnostic::codes::TF004;
use crate::diagnostic::Finding;
use crate::eval::limits;
use crate::eval::value::Value;
use crate::source::Span;
use crate::syntax::Expr;

impl<'p> Evaluator<'p> {
    /// Reports a finding once per (span, code).
    pub(crate) fn report(&mut self, finding: Finding) {
        if self.reported.insert((finding.span, finding.code())) {
            self.findings.push(finding);
        }
    }

    /// Evaluates an attribute expression; errors become unknown values. The value counts
    /// towards the memory the root keeps ([`limits::MAX_ROOT_BYTES`]).
    pub(super) fn eval_attr(&mut self, expr: &Expr, scope: &Scope) -> Value {
        let v = match self.eval(expr, scope) {
            Ok(v) => v,
            Err(e) => return Value::unknown(e.message, Some(e.span)),
        };
        let (bytes, _) = limits::footprint(&v, limits::MAX_ROOT_BYTES);
        self.budget.kept = self.budget.kept.saturating_add(bytes);
        if self.budget.kept > limits::MAX_ROOT_BYTES {
            let why = format!(
                "the values of this root take more than {} MiB; evaluation stopped here",
                limits::MAX_ROOT_BYTES / (1024 * 1024)
            );
            return Value::unknown(self.halt(expr.span, why), Some(expr.span));
        }
        v
    }

    /// Charges the work of copying a value (one unit per 64 bytes).
    pub(crate) fn charge_copy(&mut self, v: &Value) {
        let (bytes, _) = limits::footprint(v, usize::MAX);
        self.charge_bytes(bytes);
    }

    /// Counts copying `bytes` of values towards the work limit.
    pub(super) fn charge_bytes(&mut self, bytes: usize) {
        self.budget.work = self.budget.work.saturating_add(bytes as u64 / 64);
    }

    /// Stops evaluation of this root: reports why at `span` (once) and makes every later
    /// evaluation fail with the same reason. Returns the reason.
    pub(crate) fn halt(&mut self, span: Span, why: String) -> String {
        if let Some(h) = &self.budget.halted {
            return h.clone();
        }
        self.report(Finding::new(&TF004, span, why.clone()).help(
            "this input is beyond what the tool evaluates; values after this point are unknown",
        ));
        self.budget.halted = Some(why.clone());
        why
    }

    /// Reports a chain of references deeper than [`MAX_DEPTH`], once per root: every other
    /// entry into the same chain would report it again at another place.
    pub(super) fn too_deep(&mut self, span: Span) {
        if !self.budget.refs_too_deep {
            self.budget.refs_too_deep = true;
            self.report(Finding::new(
                &TF004,
                span,
                format!(
                    "references nest more than {MAX_DEPTH} levels deep; evaluation stopped here"
                ),
            ));
        }
    }

    /// Counts `n` new instances against [`limits::MAX_ROOT_INSTANCES`]; false when over.
    pub(super) fn add_instances(&mut self, n: usize) -> bool {
        self.budget.instances = self.budget.instances.saturating_add(n);
        self.budget.instances <= limits::MAX_ROOT_INSTANCES
    }
}

//! Bodies of blocks: arguments evaluated in a scope, nested blocks, and `dynamic` blocks
//! expanded over their `for_each` (one uncertain block when it is unknown).

use super::{Evaluator, Scope, MAX_INSTANCES};
use crate::eval::value::{Unknown, Value};
use crate::eval::{EvalAttr, EvalBlock, EvalBody};
use crate::syntax::{Block, Body};
use std::collections::BTreeMap;
use std::sync::Arc;

impl<'p> Evaluator<'p> {
    /// Evaluates a body: attributes, nested blocks and `dynamic` blocks.
    pub(super) fn eval_body(&mut self, body: &'p Body, scope: &Scope, top: bool) -> EvalBody {
        let mut out = EvalBody::with_capacity(body.attributes.len(), body.blocks.len());
        for attr in &body.attributes {
            if top
                && matches!(
                    attr.name.as_str(),
                    "count" | "for_each" | "provider" | "depends_on"
                )
            {
                continue;
            }
            let value = self.eval_attr(&attr.expr, scope);
            out.insert(
                attr.name.clone(),
                EvalAttr {
                    value,
                    span: attr.expr.span,
                },
            );
        }
        for block in &body.blocks {
            match block.kind.as_str() {
                "lifecycle" | "provisioner" | "connection" if top => {}
                "dynamic" => self.expand_dynamic(block, scope, &mut out),
                _ => {
                    let inner = self.eval_body(&block.body, scope, false);
                    out.blocks.push(EvalBlock {
                        uncertain: None,
                        kind: block.kind.clone(),
                        body: inner,
                        span: block.header_span,
                    });
                }
            }
        }
        out
    }

    fn expand_dynamic(&mut self, block: &'p Block, scope: &Scope, out: &mut EvalBody) {
        let Some(kind) = block.labels.first() else {
            return;
        };
        let iterator = block
            .body
            .attribute("iterator")
            .and_then(|a| match &a.expr.kind {
                crate::syntax::ExprKind::Variable(n) => Some(n.clone()),
                crate::syntax::ExprKind::String(n) => Some(n.as_str().into()),
                _ => None,
            })
            .unwrap_or_else(|| kind.clone());
        let Some(content) = block.body.blocks_of("content").next() else {
            return;
        };
        let mut uncertain = None;
        let items: Vec<(Value, Value)> = match block.body.attribute("for_each") {
            None => vec![],
            Some(a) => match self.eval_attr(&a.expr, scope) {
                Value::List(items) => items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (Value::Number(i as f64), v))
                    .collect(),
                Value::Object(map) => map
                    .into_iter()
                    .map(|(k, v)| (Value::String(k), v))
                    .collect(),
                Value::Null => vec![],
                other => {
                    // Unknown (or unusable) collection: one block whose iterator is unknown, so
                    // every rule it produces is undecided rather than missing.
                    let u = match other {
                        Value::Unknown(u) => Value::Unknown(u),
                        o => Value::unknown(
                            format!("dynamic \"{kind}\" for_each is a {}", o.type_name()),
                            Some(a.expr.span),
                        ),
                    };
                    if let Value::Unknown(x) = &u {
                        uncertain = Some(Unknown::new(format!("how many \"{kind}\" blocks there are is known only after apply ({})", x.reason), x.origin.or(Some(a.expr.span))));
                    }
                    vec![(u.clone(), u)]
                }
            },
        };
        // One scope for the loop, its iterator replaced at each step.
        let mut inner = scope.clone();
        let outer = inner.bound.len();
        for (k, v) in items.into_iter().take(MAX_INSTANCES) {
            inner.bound.truncate(outer);
            let mut obj = BTreeMap::new();
            obj.insert("key".to_string(), k);
            obj.insert("value".to_string(), v);
            inner
                .bound
                .push((iterator.clone(), Arc::new(Value::Object(obj))));
            let body = self.eval_body(&content.body, &inner, false);
            out.blocks.push(EvalBlock {
                kind: kind.clone(),
                body,
                span: block.header_span,
                uncertain: uncertain.clone(),
            });
        }
    }
}

//! Expression evaluation: [`Evaluator::eval`] checks the limits of nesting and work, then
//! evaluates literals, tuples and objects, conditionals and unary operators here, and hands the
//! rest to the submodules:
//!
//! - `operators`: binary operators (arithmetic, comparison, logic) with unknown operands;
//! - `templates`: string templates and heredocs, with their `%{if}` and `%{for}` directives;
//! - `for_expr`: `for` expressions, and the pairs a `for` iterates over;
//! - `calls`: function calls: `try` and `can`, `file()` and its kin, and the built-ins of
//!   [`crate::eval::functions`];
//! - `references`: names that start a traversal (`var.`, `local.`, `count.`, `each.`, `path.`,
//!   `module.`, `data.`, resources), resolved into values or symbols, and the attributes of a
//!   resource reference;
//! - `access`: `.attr`, `[index]` and the splats `[*]` and `.*` applied to a value.

mod access;
mod calls;
mod for_expr;
mod operators;
mod references;
mod templates;

use self::operators::binary;
use super::evaluator::{EvalError, EvalResult, Evaluator, Scope};
use super::limits::{self, Growth};
use super::value::Value;
use crate::diagnostic::codes::TF004;
use crate::diagnostic::Finding;
use crate::source::Span;
use crate::syntax::{Expr, ExprKind, ObjectKey, TemplatePart, UnaryOp};
use std::collections::BTreeMap;

fn err(span: Span, message: impl Into<String>) -> EvalError {
    EvalError {
        message: message.into(),
        span,
    }
}

impl<'p> Evaluator<'p> {
    /// Evaluates an expression within the limits of [`super::limits`]: nesting depth and work.
    pub(super) fn eval(&mut self, expr: &Expr, scope: &Scope) -> EvalResult {
        if let Some(why) = &self.budget.halted {
            return Err(err(expr.span, why.clone()));
        }
        self.budget.work += 1;
        if self.budget.work > limits::MAX_WORK {
            let why = format!(
                "evaluation of this root needs more than {} steps; it stopped here",
                limits::MAX_WORK
            );
            return Err(err(expr.span, self.halt(expr.span, why)));
        }
        if self.budget.depth >= limits::MAX_EVAL_DEPTH {
            let why = format!(
                "expressions nest more than {} levels deep through references; evaluation stopped here",
                limits::MAX_EVAL_DEPTH
            );
            if !self.budget.too_deep {
                self.budget.too_deep = true;
                self.report(Finding::new(&TF004, expr.span, why.clone()));
            }
            return Err(err(expr.span, why));
        }
        self.budget.depth += 1;
        let v = self.eval_inner(expr, scope);
        self.budget.depth -= 1;
        v
    }

    fn eval_inner(&mut self, expr: &Expr, scope: &Scope) -> EvalResult {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Null => Ok(Value::Null),
            ExprKind::Bool(b) => Ok(Value::Bool(*b)),
            ExprKind::Number(n) => Ok(Value::Number(*n)),
            ExprKind::String(s) => Ok(Value::String(s.clone())),
            ExprKind::Parens(e) => self.eval(e, scope),
            ExprKind::Template(parts) => {
                if let [TemplatePart::Interpolation(e)] = parts.as_slice() {
                    // `"${x}"` is `x` itself, whatever its type (Terraform 0.11 style).
                    return self.eval(e, scope);
                }
                self.template(parts, scope, span)
            }
            ExprKind::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                let mut growth = Growth::default();
                for i in items {
                    let v = self.eval(i, scope)?;
                    if let Err(m) = growth.add(&v) {
                        return Err(self.over_limit(span, m));
                    }
                    out.push(v);
                }
                Ok(Value::List(out))
            }
            ExprKind::Object(items) => {
                let mut map = BTreeMap::new();
                let mut growth = Growth::default();
                for (k, v) in items {
                    let key = match k {
                        ObjectKey::Ident(s) => s.clone(),
                        ObjectKey::Expr(e) => match self.eval(e, scope)? {
                            Value::Unknown(u) => {
                                return Ok(Value::Unknown(u.derived("an object with this key")))
                            }
                            other => other.to_template_string().ok_or_else(|| {
                                err(
                                    e.span,
                                    format!(
                                        "an object key must be a string, not {}",
                                        other.type_name()
                                    ),
                                )
                            })?,
                        },
                    };
                    let v = self.eval(v, scope)?;
                    if let Err(m) = growth.add(&v) {
                        return Err(self.over_limit(span, m));
                    }
                    map.insert(key, v);
                }
                Ok(Value::Object(map))
            }
            ExprKind::Variable(name) => self.traversal(expr, name, &[], scope),
            ExprKind::Traversal(root, ops) => match &root.kind {
                ExprKind::Variable(name) => self.traversal(root, name, ops, scope),
                _ => {
                    let v = self.eval(root, scope)?;
                    self.apply_ops(v, ops, scope)
                }
            },
            ExprKind::Conditional(c, t, f) => {
                let cond = self.eval(c, scope)?;
                match cond {
                    Value::Unknown(u) => {
                        let a = self.eval(t, scope);
                        let b = self.eval(f, scope);
                        match (a, b) {
                            (Ok(a), Ok(b)) if a == b => Ok(a),
                            // One of two values, chosen by an unknown condition.
                            (a, b) => Ok(Value::Unknown(u.derived(format_args!(
                                "? {:?} : {:?}",
                                a.ok(),
                                b.ok()
                            )))),
                        }
                    }
                    other => match other.as_bool() {
                        // Terraform gives both results one type: a number or bool chosen
                        // against a string becomes a string (`false ? "a" : 1` is "1").
                        Some(cond) => {
                            let (chosen, other) = if cond { (t, f) } else { (f, t) };
                            let v = self.eval(chosen, scope)?;
                            if matches!(v, Value::Number(_) | Value::Bool(_))
                                && matches!(self.eval(other, scope), Ok(Value::String(_)))
                            {
                                if let Some(s) = v.to_template_string() {
                                    return Ok(Value::String(s));
                                }
                            }
                            Ok(v)
                        }
                        None => Err(err(
                            c.span,
                            format!("a condition must be a bool, not {}", other.type_name()),
                        )),
                    },
                }
            }
            ExprKind::Unary(op, e) => {
                let v = self.eval(e, scope)?;
                if let Value::Unknown(u) = v {
                    return Ok(Value::Unknown(u.derived(format_args!("{op:?}"))));
                }
                match op {
                    UnaryOp::Neg => v
                        .as_f64()
                        .map(|n| Value::Number(-n))
                        .ok_or_else(|| err(span, "'-' needs a number")),
                    UnaryOp::Not => v
                        .as_bool()
                        .map(|b| Value::Bool(!b))
                        .ok_or_else(|| err(span, "'!' needs a bool")),
                }
            }
            ExprKind::Binary(op, a, b) => {
                let x = self.eval(a, scope)?;
                let y = self.eval(b, scope)?;
                binary(*op, x, y, span)
            }
            ExprKind::For(f) => self.for_expr(f, scope, span),
            ExprKind::Call {
                name,
                args,
                expand_final,
            } => self.call(name, args, *expand_final, scope, span),
        }
    }

    /// Reports a value that passed a size limit (TF004, once per location) and returns the
    /// error that makes the value unknown.
    fn over_limit(&mut self, span: Span, why: impl std::fmt::Display) -> EvalError {
        let message = why.to_string();
        self.report(Finding::new(&TF004, span, message.clone()));
        err(span, message)
    }
}

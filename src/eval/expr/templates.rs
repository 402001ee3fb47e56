//! String templates and heredocs: literal text, interpolations, `%{if}` and `%{for}`
//! directives. A template stops growing at the value size limit; an interpolated unknown or
//! resource reference makes the whole string unknown, a concatenation that keeps its pieces.

use super::err;
use super::for_expr::iterate;
use crate::eval::evaluator::{EvalResult, Evaluator, Scope};
use crate::eval::limits::{self, LimitError};
use crate::eval::value::{Reference, Unknown, Value};
use crate::source::Span;
use crate::syntax::TemplatePart;
use std::sync::Arc;

impl<'p> Evaluator<'p> {
    pub(super) fn template(
        &mut self,
        parts: &[TemplatePart],
        scope: &Scope,
        span: Span,
    ) -> EvalResult {
        let mut out = String::new();
        // Once an opaque value is interpolated the string is unknown, but its pieces are kept.
        let mut opaque: Option<(Unknown, Vec<Value>)> = None;
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interpolation(e) => {
                    let v = self.eval(e, scope)?;
                    match v {
                        Value::Unknown(u) => {
                            add_opaque(&mut opaque, &mut out, u.clone(), Value::Unknown(u))
                        }
                        Value::Reference(r) => {
                            let u = Unknown::new(
                                format!("the value of {} is known only after apply", ref_name(&r)),
                                Some(e.span),
                            );
                            add_opaque(&mut opaque, &mut out, u, Value::Reference(r));
                        }
                        Value::Null => return Err(err(e.span, "a template cannot include null")),
                        other => out.push_str(&other.to_template_string().ok_or_else(|| {
                            err(
                                e.span,
                                format!("a template cannot include a {}", other.type_name()),
                            )
                        })?),
                    }
                    if let Err(m) = check_template_len(&out) {
                        return Err(self.over_limit(span, m));
                    }
                }
                TemplatePart::If {
                    cond,
                    then,
                    otherwise,
                } => {
                    let c = self.eval(cond, scope)?;
                    let branch = match c {
                        Value::Unknown(u) => return Ok(Value::Unknown(u)),
                        other => other
                            .as_bool()
                            .ok_or_else(|| err(cond.span, "a template condition must be a bool"))?,
                    };
                    let v = self.template(if branch { then } else { otherwise }, scope, span)?;
                    match v {
                        Value::String(s) => out.push_str(&s),
                        Value::Unknown(u) => {
                            add_opaque(&mut opaque, &mut out, u.clone(), Value::Unknown(u))
                        }
                        other => return Ok(other),
                    }
                    if let Err(m) = check_template_len(&out) {
                        return Err(self.over_limit(span, m));
                    }
                }
                TemplatePart::For {
                    key_var,
                    value_var,
                    collection,
                    body,
                } => {
                    let coll = self.eval(collection, scope)?;
                    // One scope for the loop, its variables replaced at each step.
                    let mut inner = scope.clone();
                    let outer = inner.bound.len();
                    for (k, v) in iterate(coll, collection.span)? {
                        inner.bound.truncate(outer);
                        if let Some(kv) = key_var {
                            inner.bound.push((kv.clone(), Arc::new(k)));
                        }
                        inner.bound.push((value_var.clone(), Arc::new(v)));
                        match self.template(body, &inner, span)? {
                            Value::String(s) => out.push_str(&s),
                            Value::Unknown(u) => {
                                add_opaque(&mut opaque, &mut out, u.clone(), Value::Unknown(u))
                            }
                            other => return Ok(other),
                        }
                        if let Err(m) = check_template_len(&out) {
                            return Err(self.over_limit(span, m));
                        }
                    }
                }
            }
        }
        Ok(match opaque {
            None => Value::String(out),
            Some((first, mut pieces)) => {
                pieces.push(Value::String(out));
                Value::Unknown(Unknown::concatenation(&first, pieces))
            }
        })
    }
}

/// Records an opaque piece of a template: the text before it, then the piece itself.
fn add_opaque(
    opaque: &mut Option<(Unknown, Vec<Value>)>,
    out: &mut String,
    u: Unknown,
    piece: Value,
) {
    let (_, pieces) = opaque.get_or_insert_with(|| (u, Vec::new()));
    pieces.push(Value::String(std::mem::take(out)));
    pieces.push(piece);
}

fn ref_name(r: &Reference) -> String {
    if r.attribute.is_empty() {
        r.address.to_string()
    } else {
        format!("{}.{}", r.address, r.attribute)
    }
}

/// Templates stop growing at the value size limit.
fn check_template_len(out: &str) -> Result<(), LimitError> {
    if out.len() > limits::MAX_VALUE_BYTES {
        return Err(LimitError::TemplateTooLarge);
    }
    Ok(())
}

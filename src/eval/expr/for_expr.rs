//! `for` expressions (`[for …]` and `{for …}`, with `if` and grouping `...`), bounded by
//! [`MAX_ELEMENTS`], and [`iterate`]: the (key, value) pairs a `for` walks, shared with template
//! `%{for}` directives.

use super::err;
use crate::eval::evaluator::{EvalError, EvalResult, Evaluator, Scope};
use crate::eval::limits::Growth;
use crate::eval::value::Value;
use crate::source::Span;
use crate::syntax::ForExpr;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Largest collection a `for` expression or template loop may build.
const MAX_ELEMENTS: usize = 100_000;

impl<'p> Evaluator<'p> {
    pub(super) fn for_expr(&mut self, f: &ForExpr, scope: &Scope, span: Span) -> EvalResult {
        let coll = self.eval(&f.collection, scope)?;
        let items = iterate(coll, f.collection.span)?;
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut growth = Growth::default();
        // One scope for the loop, its variables replaced at each step.
        let mut inner = scope.clone();
        let outer = inner.bound.len();
        for (k, v) in items {
            inner.bound.truncate(outer);
            if let Some(kv) = &f.key_var {
                inner.bound.push((kv.clone(), Arc::new(k)));
            }
            inner.bound.push((f.value_var.clone(), Arc::new(v)));
            if let Some(c) = &f.cond {
                match self.eval(c, &inner)? {
                    Value::Unknown(u) => return Ok(Value::Unknown(u.derived("for"))),
                    other => {
                        if !other
                            .as_bool()
                            .ok_or_else(|| err(c.span, "a for condition must be a bool"))?
                        {
                            continue;
                        }
                    }
                }
            }
            let value = self.eval(&f.value, &inner)?;
            if let Err(m) = growth.add(&value) {
                return Err(self.over_limit(span, m));
            }
            match &f.key {
                None => list.push(value),
                Some(ke) => {
                    let key = match self.eval(ke, &inner)? {
                        Value::Unknown(u) => return Ok(Value::Unknown(u.derived("for"))),
                        other => other
                            .to_template_string()
                            .ok_or_else(|| err(ke.span, "a for key must be a string"))?,
                    };
                    if f.grouping {
                        groups.entry(key).or_default().push(value);
                    } else if map.insert(key.clone(), value).is_some() {
                        return Err(err(
                            ke.span,
                            format!("duplicate key {key:?} in for expression (use ... to group)"),
                        ));
                    }
                }
            }
            if list.len() + map.len() + groups.len() > MAX_ELEMENTS {
                let m = format!("for expression builds more than {MAX_ELEMENTS} elements");
                return Err(self.over_limit(span, m));
            }
        }
        Ok(match &f.key {
            None => Value::List(list),
            Some(_) if f.grouping => Value::Object(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::List(v)))
                    .collect(),
            ),
            Some(_) => Value::Object(map),
        })
    }
}

/// The (key, value) pairs a `for` iterates over.
pub(super) fn iterate(coll: Value, span: Span) -> Result<Vec<(Value, Value)>, EvalError> {
    match coll {
        Value::List(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::Number(i as f64), v))
            .collect()),
        Value::Object(map) => Ok(map
            .into_iter()
            .map(|(k, v)| (Value::String(k), v))
            .collect()),
        Value::Unknown(u) => Err(EvalError {
            message: u.reason.to_string(),
            span: u.origin.unwrap_or(span),
        }),
        other => Err(err(
            span,
            format!("cannot iterate over a {}", other.type_name()),
        )),
    }
}

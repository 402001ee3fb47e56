//! Traversal operators applied to a value: `.attr` (on an object, or on a resource reference,
//! which reads the resource's configured attribute), `[index]` on lists, maps and references,
//! and the splats `[*]` and `.*` that apply the operators after them to every element.

use super::err;
use crate::eval::evaluator::{EvalResult, Evaluator, Scope};
use crate::eval::value::{Reference, Value};
use crate::source::Span;
use crate::syntax::Traverser;

impl<'p> Evaluator<'p> {
    /// Applies attribute, index and splat operators to a value.
    pub(super) fn apply_ops(
        &mut self,
        mut v: Value,
        ops: &[Traverser],
        scope: &Scope,
    ) -> EvalResult {
        let mut i = 0;
        while i < ops.len() {
            match &ops[i] {
                Traverser::GetAttr(name, span) => v = self.get_attr(v, name, *span)?,
                Traverser::Index(e) => {
                    let k = self.eval(e, scope)?;
                    v = self.index(v, k, e.span)?;
                }
                Traverser::AttrSplat(_) | Traverser::FullSplat(_) => {
                    let full = matches!(ops[i], Traverser::FullSplat(_));
                    let end = if full {
                        ops.len()
                    } else {
                        ops[i + 1..]
                            .iter()
                            .position(|o| !matches!(o, Traverser::GetAttr(..)))
                            .map_or(ops.len(), |p| i + 1 + p)
                    };
                    let rest = &ops[i + 1..end];
                    let items = match v {
                        Value::Unknown(u) => {
                            return Ok(Value::Unknown(u.derived(format_args!("[*]{rest:?}"))))
                        }
                        Value::Null => vec![],
                        Value::List(items) => items,
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_ops(item, rest, scope)?);
                    }
                    v = Value::List(out);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        Ok(v)
    }

    fn get_attr(&mut self, v: Value, name: &str, span: Span) -> EvalResult {
        match v {
            Value::Unknown(u) => Ok(Value::Unknown(u.derived(format_args!(".{name}")))),
            Value::Object(mut map) => map
                .remove(name)
                .ok_or_else(|| err(span, format!("no attribute named \"{name}\""))),
            Value::Reference(r) if r.attribute.is_empty() => {
                Ok(self.resource_attr(r.address, name, span))
            }
            Value::Reference(r) => Ok(Value::Reference(Reference {
                address: r.address,
                attribute: compact_str::format_compact!("{}.{name}", r.attribute),
            })),
            Value::Null => Err(err(span, format!("cannot read \"{name}\" of null"))),
            other => Err(err(
                span,
                format!(
                    "cannot read attribute \"{name}\" of a {}",
                    other.type_name()
                ),
            )),
        }
    }

    pub(super) fn index(&mut self, v: Value, k: Value, span: Span) -> EvalResult {
        match (v, k) {
            (Value::Unknown(u), k) => Ok(Value::Unknown(u.derived(format_args!("[{k:?}]")))),
            (v, Value::Unknown(u)) => Ok(Value::Unknown(u.derived(format_args!("{v:?}[_]")))),
            (Value::List(items), k) => {
                let i = k.as_i64().ok_or_else(|| {
                    err(
                        span,
                        format!("a list index must be a number, not {}", k.type_name()),
                    )
                })?;
                let len = items.len();
                usize::try_from(i)
                    .ok()
                    .and_then(|i| items.into_iter().nth(i))
                    .ok_or_else(|| {
                        err(
                            span,
                            format!("index {i} is out of range for a list of {len} elements"),
                        )
                    })
            }
            (Value::Object(mut map), k) => {
                let key = k
                    .to_template_string()
                    .ok_or_else(|| err(span, "a map key must be a string"))?;
                map.remove(&key)
                    .ok_or_else(|| err(span, format!("no element with key {key:?}")))
            }
            (Value::Reference(r), k) => Ok(Value::Reference(Reference {
                address: r.address,
                attribute: compact_str::format_compact!(
                    "{}[{}]",
                    r.attribute,
                    k.to_template_string().unwrap_or_default()
                ),
            })),
            (other, _) => Err(err(span, format!("cannot index a {}", other.type_name()))),
        }
    }
}

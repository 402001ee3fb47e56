//! `count` and `for_each`: how many instances a resource, data source or module call has
//! ([`Expansion`]), evaluated once per module instance and block, with the instance limits
//! reported as TF004.

use super::memo::Node;
use super::{block_id, Evaluator, Scope, MAX_INSTANCES};
use crate::diagnostic::codes::TF004;
use crate::diagnostic::Finding;
use crate::eval::index_suffix;
use crate::eval::limits;
use crate::eval::value::{format_number, Unknown, Value};
use crate::source::Span;
use crate::syntax::Block;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One instance of an expansion: address suffix, `count.index`, and `each` (key, value).
pub(crate) type InstanceKey = (String, Option<Value>, Option<(Value, Value)>);

/// How many instances a resource or module call has.
#[derive(Debug, Clone)]
pub(crate) enum Expansion {
    Single,
    Count(usize),
    /// Shared: an expansion is looked up (and cloned) on every reference to its resource.
    ForEach(Arc<BTreeMap<String, Value>>),
    Unknown(Unknown),
}

impl Expansion {
    /// (address suffix, count.index, each) per instance. An unknown expansion yields one
    /// representative instance `[*]` whose index or key is unknown.
    pub(crate) fn keys(&self) -> Vec<InstanceKey> {
        match self {
            Expansion::Single => vec![(String::new(), None, None)],
            Expansion::Count(n) => (0..*n)
                .map(|i| (index_suffix(i), Some(Value::Number(i as f64)), None))
                .collect(),
            Expansion::ForEach(map) => map
                .iter()
                .map(|(k, v)| {
                    (
                        format!("[{k:?}]"),
                        None,
                        Some((Value::String(k.clone()), v.clone())),
                    )
                })
                .collect(),
            Expansion::Unknown(u) => {
                let v = Value::Unknown(u.clone());
                vec![("[*]".into(), Some(v.clone()), Some((v.clone(), v)))]
            }
        }
    }

    /// The instance of [`Self::keys`] whose address suffix is `suffix`, found without listing
    /// them all for `count` and for the usual `for_each` keys.
    pub(crate) fn key(&self, suffix: &str) -> Option<InstanceKey> {
        match self {
            Expansion::Single => suffix.is_empty().then(|| (String::new(), None, None)),
            Expansion::Count(n) => {
                let i: usize = suffix.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
                (i < *n && index_suffix(i) == suffix)
                    .then(|| (suffix.to_string(), Some(Value::Number(i as f64)), None))
            }
            Expansion::ForEach(map) => {
                let plain = suffix
                    .strip_prefix("[\"")
                    .and_then(|s| s.strip_suffix("\"]"))
                    .and_then(|k| map.get_key_value(k))
                    .filter(|(k, _)| format!("[{k:?}]") == suffix);
                match plain {
                    Some((k, v)) => Some((
                        suffix.to_string(),
                        None,
                        Some((Value::String(k.clone()), v.clone())),
                    )),
                    // Keys that Debug-escapes: compare every suffix.
                    None => self.keys().into_iter().find(|(s, _, _)| s == suffix),
                }
            }
            Expansion::Unknown(_) => self.keys().into_iter().find(|(s, _, _)| s == suffix),
        }
    }
}

impl<'p> Evaluator<'p> {
    /// Evaluates `count`/`for_each` of a resource, data source or module call block, once per
    /// module instance. `key` names it (`resource.type.name`, `module.name`) for cycle reports; it
    /// is built only the first time.
    pub(super) fn expansion(
        &mut self,
        inst: usize,
        block: &'p Block,
        span: Span,
        key: impl FnOnce() -> String,
    ) -> Expansion {
        if let Some(e) = self.expansions.get(&(inst, block_id(block))) {
            return e.clone();
        }
        let key = key();
        let scope = Scope {
            inst,
            ..Scope::default()
        };
        let node = Node::Expand(inst, key);
        let mut result = Expansion::Single;
        let count = block.body.attribute("count");
        let for_each = block.body.attribute("for_each");
        let v = self.enter(node, span, |ev| {
            if let Some(a) = count.or(for_each) {
                ev.eval_attr(&a.expr, &scope)
            } else {
                Value::Null
            }
        });
        if let Some(a) = count {
            result = match &v {
                Value::Unknown(u) => Expansion::Unknown(u.clone()),
                // Terraform 0.11 (`count = "${var.enabled}"`) converted a bool, or its string,
                // to 1 or 0 where a number was expected.
                _ if v.as_bool().is_some() => {
                    Expansion::Count(usize::from(v.as_bool() == Some(true)))
                }
                _ => match v.as_f64() {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_INSTANCES as f64 => {
                        Expansion::Count(n as usize)
                    }
                    Some(n) if n > MAX_INSTANCES as f64 => {
                        self.report(Finding::new(&TF004,
                            a.expr.span,
                            format!("count is {}, more than the limit of {MAX_INSTANCES} instances; this resource was not expanded", format_number(n)),
                        ));
                        Expansion::Unknown(Unknown::new(
                            "count exceeds the instance limit",
                            Some(a.expr.span),
                        ))
                    }
                    _ => {
                        self.report(Finding::new(
                            &TF004,
                            a.expr.span,
                            format!("count must be a whole number of zero or more, but it is {v}"),
                        ));
                        Expansion::Unknown(Unknown::new("invalid count", Some(a.expr.span)))
                    }
                },
            };
        } else if let Some(a) = for_each {
            result = match &v {
                Value::Unknown(u) => Expansion::Unknown(u.clone()),
                Value::Object(map) if map.len() <= MAX_INSTANCES => {
                    Expansion::ForEach(Arc::new(map.clone()))
                }
                Value::List(items) if items.len() <= MAX_INSTANCES => {
                    if let Some(u) = v.find_unknown() {
                        Expansion::Unknown(u.clone())
                    } else {
                        let mut map = BTreeMap::new();
                        let mut unknown_key = None;
                        for item in items {
                            match item {
                                Value::String(s) => {
                                    map.insert(s.clone(), item.clone());
                                }
                                Value::Number(_) | Value::Bool(_) => {
                                    let s = item.to_template_string().unwrap_or_default();
                                    map.insert(s.clone(), Value::String(s));
                                }
                                // A resource's id or ARN is a string known only after apply:
                                // the instance keys are unknown, not wrong (SPEC §4).
                                Value::Reference(r) => {
                                    unknown_key = Some(Unknown::new(format!(
                                            "the for_each keys come from {}.{}, known only after apply",
                                            r.address, r.attribute
                                        )
                                        , Some(a.expr.span)));
                                    break;
                                }
                                other => {
                                    return self.bad_for_each(a.expr.span, inst, block, format!("for_each over a set needs strings, but an element is {}", other.type_name()));
                                }
                            }
                        }
                        match unknown_key {
                            Some(u) => Expansion::Unknown(u),
                            None => Expansion::ForEach(Arc::new(map)),
                        }
                    }
                }
                Value::Object(_) | Value::List(_) => {
                    self.report(Finding::new(&TF004,
                        a.expr.span,
                        format!("for_each creates more than the limit of {MAX_INSTANCES} instances; this resource was not expanded"),
                    ));
                    Expansion::Unknown(Unknown::new(
                        "for_each exceeds the instance limit",
                        Some(a.expr.span),
                    ))
                }
                Value::Null => Expansion::ForEach(Arc::default()),
                other => {
                    let msg = format!(
                        "for_each needs a map or a set of strings, but it is {}",
                        other.type_name()
                    );
                    return self.bad_for_each(a.expr.span, inst, block, msg);
                }
            };
        }
        let n = match &result {
            Expansion::Single | Expansion::Unknown(_) => 1,
            Expansion::Count(n) => *n,
            Expansion::ForEach(map) => map.len(),
        };
        if !self.add_instances(n) {
            let at = count.or(for_each).map_or(span, |a| a.expr.span);
            self.report(Finding::new(&TF004,
                at,
                format!(
                    "this root has more than {} resource and module instances (count and for_each multiply through modules); this block was not expanded",
                    limits::MAX_ROOT_INSTANCES
                ),
            ));
            result = Expansion::Unknown(Unknown::new("the root has too many instances", Some(at)));
        }
        self.expansions
            .insert((inst, block_id(block)), result.clone());
        result
    }

    fn bad_for_each(&mut self, span: Span, inst: usize, block: &Block, msg: String) -> Expansion {
        self.report(Finding::new(&TF004, span, msg));
        let e = Expansion::Unknown(Unknown::new("invalid for_each", Some(span)));
        self.expansions.insert((inst, block_id(block)), e.clone());
        e
    }
}

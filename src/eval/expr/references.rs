//! References: a traversal starting at a name is resolved here. Bound names (`for` variables,
//! `dynamic` iterators) come first; then `var.`, `local.`, `count.index`, `each.key`/`.value`,
//! `path.`, `terraform.`, `self`, `module.` (outputs of one or all instances of a call),
//! `data.` and resources, whose instances become [`Reference`] symbols. An attribute of such a
//! symbol is its configured value when the resource sets it. A name nothing declares is
//! TF002.

use super::err;
use crate::diagnostic::codes::TF002;
use crate::diagnostic::Finding;
use crate::eval::evaluator::{EvalResult, Evaluator, Expansion, Scope};
use crate::eval::value::{Reference, Value};
use crate::eval::Mode;
use crate::source::Span;
use crate::syntax::{Expr, Traverser};
use std::collections::BTreeMap;
use std::sync::Arc;

impl<'p> Evaluator<'p> {
    /// Resolves a traversal that starts at a root name.
    pub(super) fn traversal(
        &mut self,
        root: &Expr,
        name: &str,
        ops: &[Traverser],
        scope: &Scope,
    ) -> EvalResult {
        if let Some(v) = scope.lookup(name) {
            let v = v.clone();
            self.charge_copy(&v);
            return self.apply_ops(v, ops, scope);
        }
        let inst = scope.inst;
        let attr = |i: usize| match ops.get(i) {
            Some(Traverser::GetAttr(a, s)) => Some((a.as_str(), *s)),
            _ => None,
        };
        let whole = |upto: usize| -> Span {
            match ops.get(upto.saturating_sub(1)) {
                Some(Traverser::GetAttr(_, s)) => root.span.to(*s),
                _ => root.span,
            }
        };
        match name {
            "var" => {
                let (n, _) = attr(0)
                    .ok_or_else(|| err(root.span, "var needs an attribute, e.g. var.name"))?;
                let declared = self
                    .decls(inst)
                    .is_some_and(|d| d.variables.contains_key(n));
                if !declared {
                    return Ok(self.undeclared(
                        inst,
                        whole(1),
                        format!("var.{n}"),
                        "input variable",
                    ));
                }
                let v = self.variable(inst, n, whole(1));
                self.apply_ops(v, &ops[1..], scope)
            }
            "local" => {
                let (n, _) = attr(0)
                    .ok_or_else(|| err(root.span, "local needs an attribute, e.g. local.name"))?;
                match self.local(inst, n, whole(1)) {
                    Some(v) => self.apply_ops(v, &ops[1..], scope),
                    None => {
                        Ok(self.undeclared(inst, whole(1), format!("local.{n}"), "local value"))
                    }
                }
            }
            "count" => match (attr(0), &scope.count) {
                (Some(("index", _)), Some(v)) => {
                    let v = v.clone();
                    self.apply_ops(v, &ops[1..], scope)
                }
                _ => Err(err(
                    whole(1),
                    "count.index is only available in a block that sets count",
                )),
            },
            "each" => match (attr(0), &scope.each) {
                (Some(("key", _)), Some((k, _))) => {
                    let k = k.clone();
                    self.apply_ops(k, &ops[1..], scope)
                }
                (Some(("value", _)), Some((_, v))) => {
                    let v = v.clone();
                    self.apply_ops(v, &ops[1..], scope)
                }
                _ => Err(err(
                    whole(1),
                    "each.key and each.value are only available in a block that sets for_each",
                )),
            },
            "path" => {
                let (n, _) = attr(0).ok_or_else(|| err(root.span, "path needs an attribute"))?;
                let dir = match n {
                    "module" => self.insts[inst].dir.clone(),
                    "root" => self.root.clone(),
                    "cwd" => std::env::current_dir().unwrap_or_default(),
                    _ => return Err(err(whole(1), format!("path.{n} does not exist"))),
                };
                let v = Value::String(crate::source::display_path(&dir));
                self.apply_ops(v, &ops[1..], scope)
            }
            "terraform" => match attr(0) {
                Some(("workspace", _)) => {
                    self.apply_ops(Value::string("default"), &ops[1..], scope)
                }
                _ => Ok(Value::unknown(
                    "terraform.* is not known before apply",
                    Some(root.span),
                )),
            },
            "self" => Ok(Value::unknown(
                "self is known only at apply",
                Some(root.span),
            )),
            "module" => {
                let (n, _) = attr(0)
                    .ok_or_else(|| err(root.span, "module needs a name, e.g. module.vpc"))?;
                let Some((expansion, ids)) = self.module_instances(inst, n, whole(1)) else {
                    return Ok(self.undeclared(
                        inst,
                        whole(1),
                        format!("module.{n}"),
                        "module call",
                    ));
                };
                self.module_value(expansion, ids, &ops[1..], scope, whole(1))
            }
            "data" => {
                let (t, _) = attr(0).ok_or_else(|| err(root.span, "data needs a type and name"))?;
                let (n, _) = attr(1).ok_or_else(|| err(root.span, "data needs a type and name"))?;
                self.resource_value(Mode::Data, t, n, &ops[2..], scope, whole(2))
            }
            _ => {
                let Some((n, _)) = attr(0) else {
                    return Ok(self.undeclared(inst, root.span, name.to_string(), "name"));
                };
                self.resource_value(Mode::Managed, name, n, &ops[1..], scope, whole(1))
            }
        }
    }

    /// Reports TF002 and returns an unknown value so evaluation can go on.
    /// A reference to a name module instance `inst` does not declare: TF002, unless a file of
    /// that module could not be parsed, where the name may well be declared; then the value is
    /// unknown and the syntax error is the one finding.
    fn undeclared(&mut self, inst: usize, span: Span, what: String, kind: &str) -> Value {
        if self.module_unparsed(inst) {
            return Value::unknown(
                format!(
                    "`{what}` may be declared in a file of this module that could not be parsed"
                ),
                Some(span),
            );
        }
        self.report(
            Finding::new(
                &TF002,
                span,
                format!("reference to undeclared {kind} `{what}`"),
            )
            .help(format!("declare `{what}` in this module, or fix the name")),
        );
        Value::unknown(format!("`{what}` is not declared"), Some(span))
    }

    fn resource_value(
        &mut self,
        mode: Mode,
        rtype: &str,
        rname: &str,
        ops: &[Traverser],
        scope: &Scope,
        span: Span,
    ) -> EvalResult {
        let inst = scope.inst;
        let block = self.decls(inst).and_then(|d| d.block(mode, rtype, rname));
        let Some(block) = block else {
            let what = match mode {
                Mode::Managed => format!("{rtype}.{rname}"),
                Mode::Data => format!("data.{rtype}.{rname}"),
            };
            return Ok(self.undeclared(
                inst,
                span,
                what,
                if mode == Mode::Data {
                    "data source"
                } else {
                    "resource"
                },
            ));
        };
        let expansion = self.resource_expansion(inst, mode, rtype, rname, block, span);
        let addrs = self.instance_addrs(inst, mode, rtype, rname, block, &expansion);
        let r = |address: Arc<str>| {
            Value::Reference(Reference {
                address,
                attribute: Default::default(),
            })
        };
        let suffixed = |suffix: &str| r(format!("{}{suffix}", addrs.base).into());
        // `x[i]` of an expanded resource: name the one instance rather than building the list
        // of all of them (which made `count` resources referring to each other quadratic).
        let indexed = match (&expansion, ops.first()) {
            (Expansion::Count(_) | Expansion::ForEach(_), Some(Traverser::Index(ie))) => {
                Some((self.eval(ie, scope)?, ie.span))
            }
            _ => None,
        };
        if let Some((k, _)) = &indexed {
            let one = match (&expansion, k) {
                (Expansion::Count(n), k) => k
                    .as_i64()
                    .filter(|i| (0..*n as i64).contains(i))
                    .and_then(|i| addrs.count.get(i as usize))
                    .map(|a| r(a.clone())),
                (Expansion::ForEach(map), Value::String(s)) if map.contains_key(s) => {
                    Some(suffixed(&format!("[{s:?}]")))
                }
                _ => None,
            };
            if let Some(one) = one {
                if self.records_graph() {
                    for (suffix, _, _) in expansion.keys() {
                        self.edge_to(&format!("{}{suffix}", addrs.base), span);
                    }
                }
                return self.apply_ops(one, &ops[1..], scope);
            }
        }
        let v = match &expansion {
            Expansion::Single => r(addrs.base.clone()),
            Expansion::Count(_) => Value::List(addrs.count.iter().map(|a| r(a.clone())).collect()),
            Expansion::ForEach(map) => Value::Object(
                map.keys()
                    .map(|k| (k.clone(), suffixed(&format!("[{k:?}]"))))
                    .collect(),
            ),
            Expansion::Unknown(u) => {
                // Indexing an unknown expansion still names the one representative instance.
                match ops.first() {
                    Some(Traverser::Index(_)) => {
                        let rest = &ops[1..];
                        return self.apply_ops(suffixed("[*]"), rest, scope);
                    }
                    _ => Value::unknown(
                        format!(
                            "the number of instances of {} is known only after apply ({})",
                            addrs.base, u.reason
                        ),
                        u.origin.or(Some(span)),
                    ),
                }
            }
        };
        if self.records_graph() {
            for (suffix, _, _) in expansion.keys() {
                self.edge_to(&format!("{}{suffix}", addrs.base), span);
            }
        }
        match indexed {
            // The index was evaluated above: apply it without evaluating it again.
            Some((k, at)) => {
                let v = self.index(v, k, at)?;
                self.apply_ops(v, &ops[1..], scope)
            }
            None => self.apply_ops(v, ops, scope),
        }
    }

    fn module_value(
        &mut self,
        expansion: Expansion,
        ids: Vec<usize>,
        ops: &[Traverser],
        scope: &Scope,
        span: Span,
    ) -> EvalResult {
        let keys = expansion.keys();
        match (&expansion, ops.first()) {
            (Expansion::Single, Some(Traverser::GetAttr(out, s))) => {
                let v = self.module_output(ids[0], out, span.to(*s))?;
                return self.apply_ops(v, &ops[1..], scope);
            }
            (Expansion::Unknown(_), Some(Traverser::Index(_))) => {
                if let Some(Traverser::GetAttr(out, s)) = ops.get(1) {
                    let v = self.module_output(ids[0], out, span.to(*s))?;
                    return self.apply_ops(v, &ops[2..], scope);
                }
            }
            (Expansion::Count(_) | Expansion::ForEach(_), Some(Traverser::Index(ie))) => {
                let idx = self.eval(ie, scope)?;
                if let Value::Unknown(u) = idx {
                    return Ok(Value::Unknown(u));
                }
                let suffix = match &expansion {
                    Expansion::Count(_) => format!("[{}]", idx.as_i64().unwrap_or(-1)),
                    _ => format!("[{:?}]", idx.to_template_string().unwrap_or_default()),
                };
                let pos = keys
                    .iter()
                    .position(|(s, _, _)| *s == suffix)
                    .ok_or_else(|| err(ie.span, format!("module has no instance {suffix}")))?;
                if let Some(Traverser::GetAttr(out, s)) = ops.get(1) {
                    let v = self.module_output(ids[pos], out, span.to(*s))?;
                    return self.apply_ops(v, &ops[2..], scope);
                }
                let v = self.module_object(ids[pos], span)?;
                return self.apply_ops(v, &ops[1..], scope);
            }
            _ => {}
        }
        // The whole module (or all of its instances) as a value.
        let v = match &expansion {
            Expansion::Single => self.module_object(ids[0], span)?,
            Expansion::Count(_) => {
                let mut items = Vec::new();
                for id in &ids {
                    items.push(self.module_object(*id, span)?);
                }
                Value::List(items)
            }
            Expansion::ForEach(_) => {
                let mut map = BTreeMap::new();
                for ((suffix, _, each), id) in keys.iter().zip(&ids) {
                    let k = each
                        .as_ref()
                        .and_then(|(k, _)| k.as_str().map(str::to_string))
                        .unwrap_or_else(|| suffix.clone());
                    map.insert(k, self.module_object(*id, span)?);
                }
                Value::Object(map)
            }
            Expansion::Unknown(u) => Value::Unknown(u.clone()),
        };
        self.apply_ops(v, ops, scope)
    }

    fn module_output(&mut self, id: usize, name: &str, span: Span) -> EvalResult {
        match self.output(id, name, span) {
            Some(v) => Ok(v),
            None => {
                let prefix = self.insts[id].prefix.trim_end_matches('.').to_string();
                Ok(self.undeclared(id, span, format!("{prefix}.{name}"), "module output"))
            }
        }
    }

    fn module_object(&mut self, id: usize, span: Span) -> EvalResult {
        if let Some(why) = self.insts[id].missing.clone() {
            return Ok(Value::unknown(why, Some(span)));
        }
        let names: Vec<String> = self
            .decls(id)
            .map(|d| d.outputs.keys().map(|k| k.to_string()).collect())
            .unwrap_or_default();
        let mut map = BTreeMap::new();
        for n in names {
            if let Some(v) = self.output(id, &n, span) {
                map.insert(n, v);
            }
        }
        Ok(Value::Object(map))
    }

    /// An attribute of a resource instance: its configured value, or a symbol for attributes
    /// that exist only after apply (`id`, `arn`, …) and for a `name` whose value is unknown.
    pub(super) fn resource_attr(&mut self, address: Arc<str>, name: &str, span: Span) -> Value {
        let symbol = || {
            Value::Reference(Reference {
                address: address.clone(),
                attribute: name.into(),
            })
        };
        if name == "id" || name == "arn" {
            return symbol();
        }
        let Some(body) = self.body_for_address(&address, span) else {
            return symbol();
        };
        if let Some(a) = body.get(name) {
            // A name known only after apply still names this resource: keep its identity
            // (`load_balancers = [aws_elb.web.name]` with `name = var.name`).
            if name == "name" && a.value.is_unknown() {
                return symbol();
            }
            let v = a.value.clone();
            self.charge_copy(&v);
            return v;
        }
        if body.blocks.iter().any(|b| b.kind == name) {
            let items = Value::List(body.blocks_of(name).map(|b| b.body.to_value()).collect());
            self.charge_copy(&items);
            return items;
        }
        symbol()
    }

    /// Finds the block and instance of an address produced by this evaluator and evaluates it.
    fn body_for_address(
        &mut self,
        address: &str,
        span: Span,
    ) -> Option<std::sync::Arc<crate::eval::EvalBody>> {
        if let Some(b) = self.bodies.get(address) {
            return Some(b.clone());
        }
        // Split `prefix` + `[data.]type.name` + `[key]`.
        let inst = self.inst_of_address(address)?;
        let rest = &address[self.insts[inst].prefix.len()..];
        let (mode, rest) = match rest.strip_prefix("data.") {
            Some(r) => (Mode::Data, r),
            None => (Mode::Managed, rest),
        };
        let (key, suffix) = match rest.find('[') {
            Some(p) => (&rest[..p], &rest[p..]),
            None => (rest, ""),
        };
        let (rtype, name) = key.split_once('.')?;
        let block = self.decls(inst)?.block(mode, rtype, name)?;
        let expansion = self.resource_expansion(inst, mode, rtype, name, block, span);
        let (_, count, each) = expansion.key(suffix)?;
        Some(self.instance_body(inst, block, address, count, each, span))
    }
}

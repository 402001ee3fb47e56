//! Expression evaluation: literals, templates, operators, conditionals, `for` expressions,
//! splats, function calls, and the resolution of references (`var.`, `local.`, `module.`,
//! `data.`, resources) into values or symbols.

use super::evaluator::{EvalError, EvalResult, Evaluator, Expansion, Scope};
use super::functions::{FnError, Limit};
use super::limits::{self, Growth, LimitError};
use super::value::{Reference, Value};
use super::Mode;
use crate::diagnostic::codes::{TF002, TF004};
use crate::diagnostic::Finding;
use crate::source::Span;
use crate::syntax::{
    BinaryOp, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, Traverser, UnaryOp,
};
use std::collections::BTreeMap;
use std::sync::Arc;

fn err(span: Span, message: impl Into<String>) -> EvalError {
    EvalError {
        message: message.into(),
        span,
    }
}

/// Largest collection a `for` expression or template loop may build.
const MAX_ELEMENTS: usize = 100_000;

impl<'p> Evaluator<'p> {
    /// Evaluates an expression within the limits of [`super::limits`]: nesting depth and work.
    pub fn eval(&mut self, expr: &Expr, scope: &Scope) -> EvalResult {
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
                            Value::Unknown(u) => return Ok(Value::Unknown(u)),
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
                            _ => Ok(Value::Unknown(u)),
                        }
                    }
                    other => match other.as_bool() {
                        Some(true) => self.eval(t, scope),
                        Some(false) => self.eval(f, scope),
                        None => Err(err(
                            c.span,
                            format!("a condition must be a bool, not {}", other.type_name()),
                        )),
                    },
                }
            }
            ExprKind::Unary(op, e) => {
                let v = self.eval(e, scope)?;
                if let Value::Unknown(_) = v {
                    return Ok(v);
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

    fn template(&mut self, parts: &[TemplatePart], scope: &Scope, span: Span) -> EvalResult {
        let mut out = String::new();
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interpolation(e) => {
                    let v = self.eval(e, scope)?;
                    match v {
                        Value::Unknown(u) => return Ok(Value::Unknown(u)),
                        Value::Reference(r) => {
                            return Ok(Value::unknown(
                                format!("the value of {} is known only after apply", ref_name(&r)),
                                Some(e.span),
                            ))
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
                            other => return Ok(other),
                        }
                        if let Err(m) = check_template_len(&out) {
                            return Err(self.over_limit(span, m));
                        }
                    }
                }
            }
        }
        Ok(Value::String(out))
    }

    fn for_expr(&mut self, f: &ForExpr, scope: &Scope, span: Span) -> EvalResult {
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
                    Value::Unknown(u) => return Ok(Value::Unknown(u)),
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
                        Value::Unknown(u) => return Ok(Value::Unknown(u)),
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

    fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        expand_final: bool,
        scope: &Scope,
        span: Span,
    ) -> EvalResult {
        match name {
            "try" => {
                let mut last = None;
                for a in args {
                    match self.eval(a, scope) {
                        Ok(v) => return Ok(v),
                        Err(e) => last = Some(e),
                    }
                }
                return Err(last.unwrap_or_else(|| err(span, "try needs at least one argument")));
            }
            "can" => {
                let a = args
                    .first()
                    .ok_or_else(|| err(span, "can needs one argument"))?;
                return Ok(match self.eval(a, scope) {
                    Ok(Value::Unknown(u)) => Value::Unknown(u),
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            "file" | "templatefile" | "fileexists" | "filebase64" => {
                return self.file_call(name, args, scope, span);
            }
            "timestamp" | "uuid" | "bcrypt" | "plantimestamp" => {
                return Ok(Value::unknown(
                    format!("{name}() is known only at apply"),
                    Some(span),
                ));
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        let mut growth = Growth::default();
        for a in args {
            let v = self.eval(a, scope)?;
            if let Err(m) = growth.add(&v) {
                return Err(self.over_limit(span, m));
            }
            values.push(v);
        }
        if expand_final {
            match values.pop() {
                Some(Value::List(items)) => values.extend(items),
                Some(Value::Unknown(u)) => return Ok(Value::Unknown(u)),
                Some(other) => {
                    return Err(err(
                        span,
                        format!("... needs a list, not {}", other.type_name()),
                    ))
                }
                None => {}
            }
        }
        let bare = name.rsplit("::").next().unwrap_or(name);
        let v = match call_builtin(bare, values) {
            Ok(v) => v,
            Err(FnError(m, Limit::Exceeded)) => return Err(self.over_limit(span, m)),
            Err(FnError(m, Limit::Within)) => return Err(err(span, m)),
        };
        if let Err(m) = limits::check_value(&v) {
            return Err(self.over_limit(span, format!("{name}: {m}")));
        }
        Ok(v)
    }

    /// `file()` and friends read only inside the scanned paths; anything else is unknown.
    fn file_call(&mut self, name: &str, args: &[Expr], scope: &Scope, span: Span) -> EvalResult {
        let arg = args
            .first()
            .ok_or_else(|| err(span, format!("{name} needs a path")))?;
        let path = match self.eval(arg, scope)? {
            Value::String(s) => s,
            Value::Unknown(u) => return Ok(Value::Unknown(u)),
            other => {
                return Err(err(
                    arg.span,
                    format!("{name} needs a string path, not {}", other.type_name()),
                ))
            }
        };
        let dir = self.insts[scope.inst].dir.clone();
        let full = crate::frontend::discover::normalize(&dir.join(&path));
        let inside = std::fs::canonicalize(&full)
            .map(|c| self.project.in_scope(&c))
            .unwrap_or(false);
        if !inside {
            return Ok(Value::unknown(
                format!(
                    "{name}({path:?}) reads outside the scanned paths, so its content is not read"
                ),
                Some(span),
            ));
        }
        match name {
            "fileexists" => Ok(Value::Bool(full.is_file())),
            "file" => match crate::frontend::read_bounded(&full, 1024 * 1024) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map(Value::String)
                    .map_err(|_| err(span, format!("{path:?} is not valid UTF-8"))),
                Err(why) => Ok(Value::unknown(
                    format!("{path:?} is not read: {why} (file() reads at most 1 MiB)"),
                    Some(span),
                )),
            },
            _ => Ok(Value::unknown(
                format!("{name}({path:?}) is not evaluated"),
                Some(span),
            )),
        }
    }

    // ----- references ---------------------------------------------------------------------

    /// Resolves a traversal that starts at a root name.
    fn traversal(
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

    /// Applies attribute, index and splat operators to a value.
    pub fn apply_ops(&mut self, mut v: Value, ops: &[Traverser], scope: &Scope) -> EvalResult {
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
                        Value::Unknown(u) => return Ok(Value::Unknown(u)),
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
            Value::Unknown(u) => Ok(Value::Unknown(u)),
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

    /// An attribute of a resource instance: its configured value, or a symbol for attributes
    /// that exist only after apply (`id`, `arn`, …).
    fn resource_attr(&mut self, address: Arc<str>, name: &str, span: Span) -> Value {
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
    ) -> Option<std::sync::Arc<super::EvalBody>> {
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

    fn index(&mut self, v: Value, k: Value, span: Span) -> EvalResult {
        match (v, k) {
            (Value::Unknown(u), _) | (_, Value::Unknown(u)) => Ok(Value::Unknown(u)),
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

fn ref_name(r: &Reference) -> String {
    if r.attribute.is_empty() {
        r.address.to_string()
    } else {
        format!("{}.{}", r.address, r.attribute)
    }
}

/// The (key, value) pairs a `for` iterates over.
fn iterate(coll: Value, span: Span) -> Result<Vec<(Value, Value)>, EvalError> {
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

fn binary(op: BinaryOp, x: Value, y: Value, span: Span) -> EvalResult {
    use BinaryOp::{Add, And, Div, Eq, Gt, GtEq, Lt, LtEq, Mod, Mul, NotEq, Or, Sub};
    match op {
        And | Or => {
            let a = x.as_bool();
            let b = y.as_bool();
            match (op, a, b) {
                (And, Some(false), _) | (And, _, Some(false)) => Ok(Value::Bool(false)),
                (Or, Some(true), _) | (Or, _, Some(true)) => Ok(Value::Bool(true)),
                (_, Some(a), Some(b)) => Ok(Value::Bool(if op == And { a && b } else { a || b })),
                _ => match (&x, &y) {
                    (Value::Unknown(u), _) | (_, Value::Unknown(u)) => {
                        Ok(Value::Unknown(u.clone()))
                    }
                    _ => Err(err(span, "logical operators need bools")),
                },
            }
        }
        _ => {
            if let Value::Unknown(u) = &x {
                return Ok(Value::Unknown(u.clone()));
            }
            if let Value::Unknown(u) = &y {
                return Ok(Value::Unknown(u.clone()));
            }
            match op {
                Eq | NotEq => {
                    let eq = match (&x, &y) {
                        (Value::Reference(a), Value::Reference(b)) if a == b => Some(true),
                        (Value::Reference(_), _) | (_, Value::Reference(_)) => None,
                        (Value::Number(a), Value::Number(b)) => Some(a == b),
                        _ => {
                            if x.find_unknown().is_some() || y.find_unknown().is_some() {
                                None
                            } else {
                                Some(x == y)
                            }
                        }
                    };
                    match eq {
                        Some(e) => Ok(Value::Bool(if op == Eq { e } else { !e })),
                        None => Ok(Value::unknown(
                            "comparison of values known only after apply",
                            Some(span),
                        )),
                    }
                }
                _ => {
                    let (a, b) = match (x.as_f64(), y.as_f64()) {
                        (Some(a), Some(b)) => (a, b),
                        _ => {
                            if matches!(x, Value::Reference(_)) || matches!(y, Value::Reference(_))
                            {
                                return Ok(Value::unknown(
                                    "arithmetic on a value known only after apply",
                                    Some(span),
                                ));
                            }
                            return Err(err(
                                span,
                                format!(
                                    "arithmetic needs numbers, not {} and {}",
                                    x.type_name(),
                                    y.type_name()
                                ),
                            ));
                        }
                    };
                    Ok(match op {
                        Lt => Value::Bool(a < b),
                        LtEq => Value::Bool(a <= b),
                        Gt => Value::Bool(a > b),
                        GtEq => Value::Bool(a >= b),
                        Add => Value::Number(a + b),
                        Sub => Value::Number(a - b),
                        Mul => Value::Number(a * b),
                        Div if b == 0.0 => return Err(err(span, "division by zero")),
                        Div => Value::Number(a / b),
                        Mod if b == 0.0 => return Err(err(span, "modulo by zero")),
                        Mod => Value::Number(a % b),
                        _ => unreachable!("handled above"),
                    })
                }
            }
        }
    }
}

/// Templates stop growing at the value size limit.
fn check_template_len(out: &str) -> Result<(), LimitError> {
    if out.len() > limits::MAX_VALUE_BYTES {
        return Err(LimitError::TemplateTooLarge);
    }
    Ok(())
}

/// Built-in functions; the pure ones live in [`super::functions`].
fn call_builtin(name: &str, args: Vec<Value>) -> Result<Value, super::functions::FnError> {
    if !super::functions::is_known_function(name) {
        return Ok(Value::unknown(
            format!("function {name}() is not evaluated by this tool"),
            None,
        ));
    }
    super::functions::call(name, args)
}

//! The evaluator's state: module instances, memoised values, cycle detection, and the walk that
//! expands and evaluates every resource of a root.

use super::decls::Decls;
use super::graph::RefGraph;
use super::join_parts;
use super::limits::{self, Budget};
use super::types::{convert, parse_type};
use super::value::{Unknown, Value};
use super::{EvalAttr, EvalBlock, EvalBody, Mode, ResourceInstance, RootEval};
use crate::diagnostic::codes::{TF001, TF003, TF004, TF005};
use crate::diagnostic::Finding;
use crate::frontend::{self, Project};
use crate::source::Span;
use crate::syntax::{Block, Body, Expr};
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Values given from outside the configuration for the root's variables.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Parsed `--var-file` bodies, in order.
    pub var_files: Vec<Body>,
    /// `--var name=value`, in order.
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_name=value` from the environment.
    pub env_vars: Vec<(String, String)>,
}

/// Most instances one `count` or `for_each` may create.
pub const MAX_INSTANCES: usize = 10_000;
/// Deepest chain of references followed before giving up.
const MAX_DEPTH: usize = 200;

/// An evaluation failure inside an expression. At attribute level it becomes an unknown value
/// with this message; `try()` and `can()` catch it.
#[derive(Debug, Clone)]
pub struct EvalError {
    pub message: String,
    pub span: Span,
}

pub type EvalResult = Result<Value, EvalError>;

/// Where an expression is evaluated: a module instance plus the bindings of `count`,
/// `for_each`, `for` expressions and `dynamic` iterators.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    pub inst: usize,
    pub count: Option<Value>,
    pub each: Option<(Value, Value)>,
    /// Shared, so that cloning a scope for each iteration of a loop does not copy values.
    pub bound: Vec<(crate::syntax::Name, Arc<Value>)>,
}

impl Scope {
    pub fn lookup(&self, name: &str) -> Option<&Value> {
        self.bound
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| &**v)
    }
}

/// Something evaluated once per module instance. Names borrow from the declarations, so that
/// looking one up in the memo allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Node<'p> {
    Var(usize, &'p str),
    Local(usize, &'p str),
    Output(usize, &'p str),
    Expand(usize, String),
    Body(String),
}

/// One instance of an expansion: address suffix, `count.index`, and `each` (key, value).
pub type InstanceKey = (String, Option<Value>, Option<(Value, Value)>);

/// How many instances a resource or module call has.
#[derive(Debug, Clone)]
pub enum Expansion {
    Single,
    Count(usize),
    /// Shared: an expansion is looked up (and cloned) on every reference to its resource.
    ForEach(Arc<BTreeMap<String, Value>>),
    Unknown(Unknown),
}

impl Expansion {
    /// (address suffix, count.index, each) per instance. An unknown expansion yields one
    /// representative instance `[*]` whose index or key is unknown.
    pub fn keys(&self) -> Vec<InstanceKey> {
        match self {
            Expansion::Single => vec![(String::new(), None, None)],
            Expansion::Count(n) => (0..*n)
                .map(|i| (super::index_suffix(i), Some(Value::Number(i as f64)), None))
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
    pub fn key(&self, suffix: &str) -> Option<InstanceKey> {
        match self {
            Expansion::Single => suffix.is_empty().then(|| (String::new(), None, None)),
            Expansion::Count(n) => {
                let i: usize = suffix.strip_prefix('[')?.strip_suffix(']')?.parse().ok()?;
                (i < *n && super::index_suffix(i) == suffix)
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

/// One instance of a module: the root, or a child created by a `module` block.
#[derive(Debug)]
pub struct ModInst<'p> {
    pub dir: PathBuf,
    /// Address prefix of everything inside, e.g. `module.web[0].` (empty for the root).
    pub prefix: String,
    /// The calling instance, the call block, and the scope of the call (count/each).
    pub parent: Option<(usize, &'p Block, Scope)>,
    pub call_sites: Vec<Span>,
    /// Module key path as in `modules.json` (`vpc.subnets`).
    pub key_path: String,
    /// Set when the module's source could not be loaded: every output is unknown for this reason.
    pub missing: Option<String>,
    /// Set when this instance stands for a module call whose `count`/`for_each` is unknown.
    pub uncertain: Option<Unknown>,
}

pub struct Evaluator<'p> {
    pub project: &'p Project,
    pub root: PathBuf,
    pub inputs: &'p Inputs,
    /// Declarations of every module directory met, indexed on first use.
    pub decls: Vec<Decls<'p>>,
    /// Index into `decls` by directory (`None`: no such module).
    decls_by_dir: HashMap<PathBuf, Option<usize>>,
    /// Index into `decls` by module instance, so that a lookup does not hash a path.
    decls_by_inst: Vec<Option<Option<usize>>>,
    pub insts: Vec<ModInst<'p>>,
    /// Values computed so far, with their size once measured ([`limits::footprint`]).
    pub memo: HashMap<Node<'p>, (Value, Option<usize>)>,
    /// Expansions by module instance and declaring block (its address in the project, which
    /// lives as long as the evaluator), so that a lookup formats no key.
    pub expansions: HashMap<(usize, usize), Expansion>,
    /// Instance addresses of resources, by module instance and declaring block, built once:
    /// every reference to an instance shares its address.
    addrs: HashMap<(usize, usize), Arc<Addrs>>,
    pub children: HashMap<(usize, String), Vec<usize>>,
    pub bodies: HashMap<String, Arc<EvalBody>>,
    pub stack: Vec<Node<'p>>,
    reported: HashSet<(Span, &'static str)>,
    pub findings: Vec<Finding>,
    pub graph: RefGraph,
    /// Module instances by address prefix, for finding the instance of an address.
    prefixes: HashMap<String, usize>,
    /// Whether references are recorded in [`Self::graph`] (only `graph` needs them).
    record_graph: bool,
    root_inputs: Option<BTreeMap<String, (Value, Option<Span>)>>,
    /// What this root has spent of its limits.
    pub budget: Budget,
}

/// Evaluates one root module and every module it calls, recording the reference graph.
pub fn evaluate_root(project: &Project, root: &Path, inputs: &Inputs) -> RootEval {
    evaluate_root_with(project, root, inputs, true)
}

/// Evaluates one root module and every module it calls; the reference graph is left empty
/// unless `record_graph` is set (the checks do not use it, and building it costs a string per
/// reference).
pub fn evaluate_root_with(
    project: &Project,
    root: &Path,
    inputs: &Inputs,
    record_graph: bool,
) -> RootEval {
    let mut ev = Evaluator {
        project,
        root: root.to_path_buf(),
        inputs,
        decls: Vec::new(),
        decls_by_dir: HashMap::default(),
        decls_by_inst: Vec::new(),
        insts: vec![ModInst {
            dir: root.to_path_buf(),
            prefix: String::new(),
            parent: None,
            call_sites: vec![],
            key_path: String::new(),
            missing: None,
            uncertain: None,
        }],
        memo: HashMap::default(),
        expansions: HashMap::default(),
        addrs: HashMap::default(),
        children: HashMap::default(),
        bodies: HashMap::default(),
        stack: Vec::new(),
        reported: HashSet::default(),
        findings: Vec::new(),
        graph: RefGraph::default(),
        prefixes: HashMap::from_iter([(String::new(), 0)]),
        record_graph,
        root_inputs: None,
        budget: Budget::default(),
    };
    // Size the memo tables for the root's own declarations once, instead of growing them.
    if let Some(d) = ev.decls(0) {
        let blocks = d.resources.len() + d.data.len();
        let values = d.variables.len() + d.locals.len() + d.outputs.len();
        let calls = d.modules.len();
        ev.memo.reserve(values + blocks);
        ev.bodies.reserve(blocks);
        ev.addrs.reserve(blocks);
        ev.expansions.reserve(blocks + calls);
    }
    let mut resources = Vec::new();
    ev.walk(0, &mut resources);
    // The walk leaves bodies in the memo; move them out instead of copying them.
    let mut bodies = std::mem::take(&mut ev.bodies);
    // A stable sort keeps an address walked twice in walk order, next to itself.
    resources.sort_by(|a: &ResourceInstance, b| a.address.cmp(&b.address));
    for i in 0..resources.len() {
        match bodies.remove(&*resources[i].address) {
            Some(body) => resources[i].body = Arc::unwrap_or_clone(body),
            // The same address walked twice: copy the body moved the first time.
            None if i > 0 && resources[i - 1].address == resources[i].address => {
                resources[i].body = resources[i - 1].body.clone();
            }
            None => {}
        }
    }
    drop(bodies);
    RootEval {
        root: root.to_path_buf(),
        resources,
        graph: ev.graph,
        findings: ev.findings,
    }
}

impl<'p> Evaluator<'p> {
    /// Declarations of a module directory, indexed on first use.
    pub fn decls(&mut self, inst: usize) -> Option<&Decls<'p>> {
        if let Some(Some(index)) = self.decls_by_inst.get(inst) {
            return index.map(|i| &self.decls[i]);
        }
        let dir = &self.insts[inst].dir;
        let index = match self.decls_by_dir.get(dir) {
            Some(index) => *index,
            None => {
                let index = self.project.modules.get(dir).map(|module| {
                    let mut findings = Vec::new();
                    let d = Decls::new(&module.body, &mut findings);
                    // Duplicates are reported once per directory, not per instance.
                    self.findings.extend(findings);
                    self.decls.push(d);
                    self.decls.len() - 1
                });
                self.decls_by_dir.insert(dir.clone(), index);
                index
            }
        };
        if self.decls_by_inst.len() <= inst {
            self.decls_by_inst.resize(inst + 1, None);
        }
        self.decls_by_inst[inst] = Some(index);
        index.map(|i| &self.decls[i])
    }

    /// True when a file of module instance `inst`'s directory could not be parsed.
    pub fn module_unparsed(&self, inst: usize) -> bool {
        self.project
            .modules
            .get(&self.insts[inst].dir)
            .is_some_and(|m| m.unparsed)
    }

    /// True when references are being recorded in the graph.
    pub fn records_graph(&self) -> bool {
        self.record_graph
    }

    /// The module instance an address belongs to: the one with the longest prefix of it.
    pub fn inst_of_address(&self, address: &str) -> Option<usize> {
        address
            .char_indices()
            .rev()
            .filter(|&(_, c)| c == '.')
            .map(|(i, _)| &address[..=i])
            .chain([""])
            .find_map(|prefix| self.prefixes.get(prefix).copied())
    }

    /// Reports a finding once per (span, code).
    pub fn report(&mut self, finding: Finding) {
        if self.reported.insert((finding.span, finding.code())) {
            self.findings.push(finding);
        }
    }

    /// The display address of a node, for the graph and for cycle messages.
    pub fn node_name(&self, node: &Node) -> String {
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
    pub fn edge_to(&mut self, target: &str, span: Span) {
        if !self.record_graph {
            return;
        }
        if let Some(top) = self.stack.last() {
            let from = self.node_name(top);
            self.graph.edge(&from, target, span);
        }
    }

    /// Runs `f` as the evaluation of `node`, memoised, with cycle detection.
    pub fn enter(
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

    /// Evaluates an attribute expression; errors become unknown values. The value counts
    /// towards the memory the root keeps ([`limits::MAX_ROOT_BYTES`]).
    pub fn eval_attr(&mut self, expr: &Expr, scope: &Scope) -> Value {
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
    pub fn charge_copy(&mut self, v: &Value) {
        let (bytes, _) = limits::footprint(v, usize::MAX);
        self.charge_bytes(bytes);
    }

    /// Counts copying `bytes` of values towards the work limit.
    fn charge_bytes(&mut self, bytes: usize) {
        self.budget.work = self.budget.work.saturating_add(bytes as u64 / 64);
    }

    /// Stops evaluation of this root: reports why at `span` (once) and makes every later
    /// evaluation fail with the same reason. Returns the reason.
    pub fn halt(&mut self, span: Span, why: String) -> String {
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
    fn too_deep(&mut self, span: Span) {
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
    fn add_instances(&mut self, n: usize) -> bool {
        self.budget.instances = self.budget.instances.saturating_add(n);
        self.budget.instances <= limits::MAX_ROOT_INSTANCES
    }

    // ----- variables ---------------------------------------------------------------------

    /// The value of `var.name` in an instance.
    pub fn variable(&mut self, inst: usize, name: &str, span: Span) -> Value {
        let Some((name, block)) = self
            .decls(inst)
            .and_then(|d| d.variables.get_key_value(name))
            .map(|(k, b)| (*k, *b))
        else {
            return Value::unknown(format!("var.{name} is not declared"), None);
        };
        self.enter(Node::Var(inst, name), span, |ev| {
            ev.compute_variable(inst, name, block)
        })
    }

    fn compute_variable(&mut self, inst: usize, name: &str, block: &'p Block) -> Value {
        let ty = block
            .body
            .attribute("type")
            .and_then(|a| parse_type(&a.expr));
        let default = block.body.attribute("default");
        let given: Option<(Value, Span)> = match &self.insts[inst].parent {
            None => self
                .root_input(name, ty.as_ref())
                .map(|(v, s)| (v, s.unwrap_or(block.header_span))),
            Some((parent, call, scope)) => {
                let (parent, call, scope) = (*parent, *call, scope.clone());
                let _ = parent;
                call.body
                    .attribute(name)
                    .map(|a| (self.eval_attr(&a.expr, &scope), a.expr.span))
            }
        };
        let (value, span) = match given {
            Some((v, s)) if !(v == Value::Null && default.is_some() && is_non_nullable(block)) => {
                (v, s)
            }
            _ => match default {
                Some(d) => {
                    let scope = Scope {
                        inst,
                        ..Scope::default()
                    };
                    (self.eval_attr(&d.expr, &scope), d.expr.span)
                }
                None => {
                    let why = if self.insts[inst].parent.is_none() {
                        format!("variable \"{name}\" has no default and no value was given (tfvars, --var or TF_VAR_{name})")
                    } else {
                        format!("module input \"{name}\" is not set by the module call")
                    };
                    return Value::unknown(why, Some(block.header_span));
                }
            },
        };
        match ty {
            Some(ty) => match convert(value, &ty) {
                Ok(v) => v,
                Err(e) => {
                    self.report(
                        Finding::new(
                            &TF004,
                            span,
                            format!("invalid value for variable \"{name}\": {e}"),
                        )
                        .label(
                            block.header_span,
                            format!("\"{name}\" is declared with type {ty}"),
                        ),
                    );
                    Value::unknown(format!("var.{name} has an invalid value"), Some(span))
                }
            },
            None => value,
        }
    }

    /// A root variable's value from tfvars, `--var-file`, `--var` or `TF_VAR_*`, in
    /// Terraform's precedence (later sources win).
    fn root_input(
        &mut self,
        name: &str,
        ty: Option<&super::types::Type>,
    ) -> Option<(Value, Option<Span>)> {
        if self.root_inputs.is_none() {
            let mut map: BTreeMap<String, (Value, Option<Span>)> = BTreeMap::new();
            let scope = Scope::default();
            for (k, v) in &self.inputs.env_vars {
                map.insert(k.clone(), (Value::String(v.clone()), None));
            }
            let module = self.project.modules.get(&self.root);
            let tfvars: Vec<&Body> = module
                .map(|m| m.tfvars.iter().collect())
                .unwrap_or_default();
            let files: Vec<&Body> = tfvars
                .into_iter()
                .chain(self.inputs.var_files.iter())
                .collect();
            for body in files {
                for attr in &body.attributes {
                    let v = self.eval_attr(&attr.expr, &scope);
                    map.insert(attr.name.to_string(), (v, Some(attr.expr.span)));
                }
            }
            for (k, v) in &self.inputs.vars {
                map.insert(k.clone(), (Value::String(v.clone()), None));
            }
            self.root_inputs = Some(map);
        }
        let (value, span) = self.root_inputs.as_ref()?.get(name)?.clone();
        // Command-line and environment strings are HCL expressions for non-string types.
        let value = match (&value, span, ty) {
            (Value::String(s), None, Some(t))
                if !matches!(
                    t,
                    super::types::Type::String
                        | super::types::Type::Number
                        | super::types::Type::Bool
                ) =>
            {
                match hcl_edit::parser::parse_expr(s) {
                    Ok(e) => {
                        let e = crate::frontend::lower::Lowerer {
                            file: Default::default(),
                            base: 0,
                        }
                        .expr(&e);
                        self.eval(&e, &Scope::default()).unwrap_or(value.clone())
                    }
                    Err(_) => value.clone(),
                }
            }
            _ => value,
        };
        Some((value, span))
    }

    pub fn local(&mut self, inst: usize, name: &str, span: Span) -> Option<Value> {
        let attr = self.decls(inst).and_then(|d| d.locals.get(name).copied())?;
        let node = Node::Local(inst, attr.name.as_str());
        Some(self.enter(node, span, |ev| {
            let scope = Scope {
                inst,
                ..Scope::default()
            };
            ev.eval_attr(&attr.expr, &scope)
        }))
    }

    pub fn output(&mut self, inst: usize, name: &str, span: Span) -> Option<Value> {
        if let Some(why) = &self.insts[inst].missing {
            return Some(Value::unknown(why.clone(), Some(span)));
        }
        let (name, block) = self
            .decls(inst)
            .and_then(|d| d.outputs.get_key_value(name))
            .map(|(k, b)| (*k, *b))?;
        let node = Node::Output(inst, name);
        Some(self.enter(node, span, |ev| {
            let scope = Scope {
                inst,
                ..Scope::default()
            };
            match block.body.attribute("value") {
                Some(a) => ev.eval_attr(&a.expr, &scope),
                None => Value::Null,
            }
        }))
    }

    // ----- expansion ----------------------------------------------------------------------

    /// Evaluates `count`/`for_each` of a resource, data source or module call block, once per
    /// module instance. `key` names it (`resource.type.name`, `module.name`) for cycle reports; it
    /// is built only the first time.
    pub fn expansion(
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
                _ => match v.as_f64() {
                    Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= MAX_INSTANCES as f64 => {
                        Expansion::Count(n as usize)
                    }
                    Some(n) if n > MAX_INSTANCES as f64 => {
                        self.report(Finding::new(&TF004,
                            a.expr.span,
                            format!("count is {}, more than the limit of {MAX_INSTANCES} instances; this resource was not expanded", super::value::format_number(n)),
                        ));
                        Expansion::Unknown(Unknown {
                            reason: "count exceeds the instance limit".into(),
                            origin: Some(a.expr.span),
                        })
                    }
                    _ => {
                        self.report(Finding::new(
                            &TF004,
                            a.expr.span,
                            format!("count must be a whole number of zero or more, but it is {v}"),
                        ));
                        Expansion::Unknown(Unknown {
                            reason: "invalid count".into(),
                            origin: Some(a.expr.span),
                        })
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
                        for item in items {
                            match item {
                                Value::String(s) => {
                                    map.insert(s.clone(), item.clone());
                                }
                                Value::Number(_) | Value::Bool(_) => {
                                    let s = item.to_template_string().unwrap_or_default();
                                    map.insert(s.clone(), Value::String(s));
                                }
                                other => {
                                    return self.bad_for_each(a.expr.span, inst, block, format!("for_each over a set needs strings, but an element is {}", other.type_name()));
                                }
                            }
                        }
                        Expansion::ForEach(Arc::new(map))
                    }
                }
                Value::Object(_) | Value::List(_) => {
                    self.report(Finding::new(&TF004,
                        a.expr.span,
                        format!("for_each creates more than the limit of {MAX_INSTANCES} instances; this resource was not expanded"),
                    ));
                    Expansion::Unknown(Unknown {
                        reason: "for_each exceeds the instance limit".into(),
                        origin: Some(a.expr.span),
                    })
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
            result = Expansion::Unknown(Unknown {
                reason: "the root has too many instances".into(),
                origin: Some(at),
            });
        }
        self.expansions
            .insert((inst, block_id(block)), result.clone());
        result
    }

    fn bad_for_each(&mut self, span: Span, inst: usize, block: &Block, msg: String) -> Expansion {
        self.report(Finding::new(&TF004, span, msg));
        let e = Expansion::Unknown(Unknown {
            reason: "invalid for_each".into(),
            origin: Some(span),
        });
        self.expansions.insert((inst, block_id(block)), e.clone());
        e
    }

    // ----- resources ----------------------------------------------------------------------

    /// The addresses of `rtype.name` in `inst` (declared by `block`, expanded as `expansion`),
    /// built on first use.
    pub fn instance_addrs(
        &mut self,
        inst: usize,
        mode: Mode,
        rtype: &str,
        name: &str,
        block: &Block,
        expansion: &Expansion,
    ) -> Arc<Addrs> {
        if let Some(a) = self.addrs.get(&(inst, block_id(block))) {
            return a.clone();
        }
        let p = &self.insts[inst].prefix;
        let base: Arc<str> = match mode {
            Mode::Managed => join_parts(&[p, rtype, ".", name]),
            Mode::Data => join_parts(&[p, "data.", rtype, ".", name]),
        }
        .into();
        let count = match expansion {
            Expansion::Count(n) => (0..*n)
                .map(|i| join_parts(&[&base, &super::index_suffix(i)]).into())
                .collect(),
            _ => Vec::new(),
        };
        let addrs = Arc::new(Addrs { base, count });
        self.addrs.insert((inst, block_id(block)), addrs.clone());
        addrs
    }

    /// The expansion of resource (or data source) `rtype.name`.
    pub fn resource_expansion(
        &mut self,
        inst: usize,
        mode: Mode,
        rtype: &str,
        name: &str,
        block: &'p Block,
        span: Span,
    ) -> Expansion {
        self.expansion(inst, block, span, || match mode {
            Mode::Managed => join_parts(&["resource.", rtype, ".", name]),
            Mode::Data => join_parts(&["data.", rtype, ".", name]),
        })
    }

    /// The evaluated body of one resource instance, memoised by address.
    pub fn instance_body(
        &mut self,
        inst: usize,
        block: &'p Block,
        address: &str,
        count: Option<Value>,
        each: Option<(Value, Value)>,
        span: Span,
    ) -> Arc<EvalBody> {
        if let Some(b) = self.bodies.get(address) {
            return b.clone();
        }
        let node = Node::Body(address.to_string());
        if self.stack.contains(&node) {
            // A resource referring to its own attributes: report the cycle, return what we have.
            self.enter(node, span, |_| Value::Null);
            return Arc::new(EvalBody::default());
        }
        if self.stack.len() >= MAX_DEPTH {
            // The same limit as `enter`, which a chain through resources whose expansions are
            // already known would otherwise never meet. The body is not memoised: a shallower
            // path may still evaluate it.
            self.too_deep(span);
            return Arc::new(EvalBody::default());
        }
        self.edge_to(address, span);
        if self.record_graph {
            self.graph.node(address);
        }
        self.stack.push(node);
        let scope = Scope {
            inst,
            count,
            each,
            bound: vec![],
        };
        let body = Arc::new(self.eval_body(&block.body, &scope, true));
        // The node's own copy of the address becomes the memo key.
        let key = match self.stack.pop() {
            Some(Node::Body(a)) => a,
            _ => address.to_string(),
        };
        self.bodies.insert(key, body.clone());
        body
    }

    /// Evaluates a body: attributes, nested blocks and `dynamic` blocks.
    pub fn eval_body(&mut self, body: &'p Body, scope: &Scope, top: bool) -> EvalBody {
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
                        uncertain = Some(Unknown {
                            reason: format!("how many \"{kind}\" blocks there are is known only after apply ({})", x.reason).into(),
                            origin: x.origin.or(Some(a.expr.span)),
                        });
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

    // ----- modules ------------------------------------------------------------------------

    /// The child instances of a module call, created on first use.
    pub fn module_instances(
        &mut self,
        inst: usize,
        name: &str,
        span: Span,
    ) -> Option<(Expansion, Vec<usize>)> {
        let block = self
            .decls(inst)
            .and_then(|d| d.modules.get(name).copied())?;
        let expansion = self.expansion(inst, block, span, || format!("module.{name}"));
        let call_name = format!("{}module.{name}", self.insts[inst].prefix);
        self.edge_to(&call_name, span);
        if let Some(c) = self.children.get(&(inst, name.to_string())) {
            return Some((expansion, c.clone()));
        }
        let mut ids = Vec::new();
        let source = block
            .body
            .attribute("source")
            .and_then(|a| match &a.expr.kind {
                crate::syntax::ExprKind::String(s) => Some((s.clone(), a.expr.span)),
                _ => None,
            });
        let key_path = if self.insts[inst].key_path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.insts[inst].key_path)
        };
        let (dir, missing) = self.resolve_source(inst, source, block, &key_path);
        for (suffix, count, each) in expansion.keys() {
            let scope = Scope {
                inst,
                count,
                each,
                bound: vec![],
            };
            let mut call_sites = self.insts[inst].call_sites.clone();
            call_sites.push(block.header_span);
            let id = self.insts.len();
            let prefix = format!("{}module.{name}{suffix}.", self.insts[inst].prefix);
            self.prefixes.entry(prefix.clone()).or_insert(id);
            self.insts.push(ModInst {
                dir: dir.clone(),
                prefix,
                parent: Some((inst, block, scope)),
                call_sites,
                key_path: key_path.clone(),
                missing: missing.clone(),
                uncertain: match &expansion {
                    Expansion::Unknown(u) => Some(Unknown {
                        reason: format!("how many instances of module.{name} exist is known only after apply ({})", u.reason).into(),
                        origin: u.origin,
                    }),
                    _ => self.insts[inst].uncertain.clone(),
                },
            });
            ids.push(id);
        }
        self.children.insert((inst, name.to_string()), ids.clone());
        Some((expansion, ids))
    }

    /// Finds the directory of a module call; returns why it is missing when it cannot be read.
    fn resolve_source(
        &mut self,
        inst: usize,
        source: Option<(String, Span)>,
        block: &Block,
        key_path: &str,
    ) -> (PathBuf, Option<String>) {
        let Some((source, span)) = source else {
            self.report(Finding::new(
                &TF001,
                block.header_span,
                "module call has no literal \"source\" argument",
            ));
            return (PathBuf::new(), Some("the module has no source".into()));
        };
        if frontend::discover::is_local_source(&source) {
            let dir = frontend::discover::normalize(&self.insts[inst].dir.join(&source));
            let mut ancestor = Some(inst);
            while let Some(a) = ancestor {
                if self.insts[a].dir == dir {
                    self.report(Finding::new(
                        &TF003,
                        span,
                        format!(
                            "module \"{}\" calls itself (source {source:?}); it was not expanded",
                            block.labels.first().cloned().unwrap_or_default()
                        ),
                    ));
                    return (dir, Some("the module calls itself".into()));
                }
                ancestor = self.insts[a].parent.as_ref().map(|p| p.0);
            }
            if self.project.modules.contains_key(&dir) {
                return (dir, None);
            }
            if self.project.in_scope(&dir) || !dir.exists() {
                self.report(Finding::new(
                    &TF001,
                    span,
                    format!(
                        "module source {source:?} has no Terraform files (looked in {})",
                        crate::source::display_path(&dir)
                    ),
                ));
                return (dir, Some(format!("module source {source:?} was not found")));
            }
            let why =
                format!("module source {source:?} lies outside the scanned paths and was not read");
            self.report(
                Finding::new(&TF005,
                    span,
                    format!("module.{key_path}: {why}; its outputs are unknown and its load balancers are not checked"),
                )
                .help(format!(
                    "pass {} to the tool as well to check it",
                    crate::source::display_path(&dir)
                )),
            );
            return (dir, Some(why));
        }
        let root = self.project.modules.get(&self.root);
        if let Some((_, dir)) = root.and_then(|m| m.installed.iter().find(|(k, _)| k == key_path)) {
            return (dir.clone(), None);
        }
        let why = format!("module.{key_path} comes from {source:?}, which is not installed locally (run `terraform init` to make it available); it was not fetched");
        self.report(Finding::new(
            &TF005,
            span,
            format!("{why}: its outputs are unknown"),
        ));
        (PathBuf::new(), Some(why))
    }

    // ----- the walk -----------------------------------------------------------------------

    /// Expands and evaluates every resource and data source of an instance and its children.
    fn walk(&mut self, inst: usize, out: &mut Vec<ResourceInstance>) {
        if self.insts[inst].missing.is_some() || self.decls(inst).is_none() {
            return;
        }
        let (resources, data, modules, variables, locals, outputs) = {
            let d = self.decls(inst).expect("checked above");
            (
                d.resources.clone(),
                d.data.clone(),
                {
                    let mut calls: Vec<(&'p str, &'p Block)> =
                        d.modules.iter().map(|(k, b)| (*k, *b)).collect();
                    calls.sort_unstable_by_key(|(k, _)| *k);
                    calls
                },
                sorted(d.variables.keys().copied().collect()),
                sorted(d.locals.keys().copied().collect()),
                sorted(d.outputs.keys().copied().collect()),
            )
        };
        for (mode, list) in [(Mode::Managed, resources), (Mode::Data, data)] {
            for (rtype, name, block) in list {
                let expansion =
                    self.resource_expansion(inst, mode, rtype, name, block, block.header_span);
                let addrs = self.instance_addrs(inst, mode, rtype, name, block, &expansion);
                let base = &addrs.base;
                let uncertain = match &expansion {
                    Expansion::Unknown(u) => Some(Unknown {
                        reason: format!(
                            "how many instances of {base} exist is known only after apply ({})",
                            u.reason
                        )
                        .into(),
                        origin: u.origin,
                    }),
                    _ => self.insts[inst].uncertain.clone(),
                };
                for (i, (suffix, count, each)) in expansion.keys().into_iter().enumerate() {
                    let address: Arc<str> = match (&expansion, addrs.count.get(i)) {
                        (Expansion::Count(_), Some(a)) => a.clone(),
                        (Expansion::Single, _) => base.clone(),
                        _ => join_parts(&[base, &suffix]).into(),
                    };
                    self.instance_body(inst, block, &address, count, each, block.header_span);
                    out.push(ResourceInstance {
                        address,
                        resource: base.clone(),
                        mode,
                        rtype: rtype.into(),
                        name: name.into(),
                        // Moved in from the memo once the walk is over.
                        body: EvalBody::default(),
                        span: block.header_span,
                        call_sites: self.insts[inst].call_sites.clone(),
                        uncertain: uncertain.clone(),
                    });
                }
            }
        }
        // Everything declared is evaluated once, so that cycles and bad references are reported
        // even where no resource uses them.
        for name in variables {
            self.variable(inst, name, Span::default());
        }
        for name in locals {
            self.local(inst, name, Span::default());
        }
        for name in outputs {
            self.output(inst, name, Span::default());
        }
        for (name, block) in modules {
            if let Some((_, ids)) = self.module_instances(inst, name, block.header_span) {
                for id in ids {
                    self.walk(id, out);
                }
            }
        }
    }
}

/// `items` in order, so that declarations are walked in the same order on every run.
fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
    items.sort_unstable();
    items
}

/// The addresses of a resource's instances.
pub struct Addrs {
    /// `module.x.aws_subnet.app` (`data.` after the module prefix for data sources).
    pub base: Arc<str>,
    /// With `count`: the address of each instance, `base[i]`.
    pub count: Vec<Arc<str>>,
}

/// Identifies a declaring block by its address: blocks do not move while the project is
/// borrowed.
pub(super) fn block_id(block: &Block) -> usize {
    std::ptr::from_ref(block) as usize
}

fn is_non_nullable(block: &Block) -> bool {
    block
        .body
        .attribute("nullable")
        .is_some_and(|a| matches!(a.expr.kind, crate::syntax::ExprKind::Bool(false)))
}

//! The evaluator of one root: its state (module instances, declarations, memo, findings,
//! budget), the entry points [`evaluate_root`] and [`evaluate_root_with`], and the walk that
//! expands and evaluates every resource of the root and of the modules it calls.
//!
//! The rest of the evaluator lives in submodules, each an `impl Evaluator` block:
//!
//! - `memo`: what is evaluated once per module instance ([`Node`]), with cycle detection and the
//!   edges of the reference graph;
//! - `budget`: findings reported once per place and code, and the root's limits as evaluation
//!   spends them (work, memory kept, instances, depth of references);
//! - `variables`: input variables (root inputs, module call arguments, defaults, type
//!   conversion), locals and outputs;
//! - `expansion`: `count` and `for_each` of resources and module calls ([`Expansion`]);
//! - `resources`: resource addresses and the memoised body of each resource instance;
//! - `body`: arguments, nested blocks and `dynamic` blocks of a body;
//! - `modules`: the child instances of a module call and where its source is (a local
//!   directory or a module installed by `terraform init`).
//!
//! Expressions are evaluated by [`super::expr`].

mod body;
mod budget;
mod expansion;
mod memo;
mod modules;
mod resources;
mod variables;

pub(super) use expansion::Expansion;

use self::memo::Node;
use self::resources::Addrs;
use super::decls::Decls;
use super::graph::RefGraph;
use super::limits::Budget;
use super::value::{Unknown, Value};
use super::{join_parts, EvalBody, Mode, ResourceInstance, RootEval};
use crate::diagnostic::Finding;
use crate::frontend::Project;
use crate::source::Span;
use crate::syntax::{Block, Body};
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
    /// The `--var` names some evaluated root declares, so that the run can say which name no
    /// root declares (Terraform rejects those).
    pub declared: std::sync::Mutex<std::collections::BTreeSet<String>>,
    /// `--plan`: values the plan knows fill what the evaluation leaves unknown.
    pub plan: Option<Arc<super::plan::Plan>>,
}

/// Most instances one `count` or `for_each` may create.
const MAX_INSTANCES: usize = 10_000;

/// Deepest chain of references followed before giving up.
const MAX_DEPTH: usize = 200;

/// An evaluation failure inside an expression. At attribute level it becomes an unknown value
/// with this message; `try()` and `can()` catch it.
#[derive(Debug, Clone)]
pub(super) struct EvalError {
    pub(super) message: String,
    pub(super) span: Span,
}

pub(super) type EvalResult = Result<Value, EvalError>;

/// Where an expression is evaluated: a module instance plus the bindings of `count`,
/// `for_each`, `for` expressions and `dynamic` iterators.
#[derive(Debug, Clone, Default)]
pub(super) struct Scope {
    pub(super) inst: usize,
    pub(super) count: Option<Value>,
    pub(super) each: Option<(Value, Value)>,
    /// Shared, so that cloning a scope for each iteration of a loop does not copy values.
    pub(super) bound: Vec<(crate::syntax::Name, Arc<Value>)>,
}

impl Scope {
    pub(super) fn lookup(&self, name: &str) -> Option<&Value> {
        self.bound
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| &**v)
    }
}

/// One instance of a module: the root, or a child created by a `module` block.
#[derive(Debug)]
pub(super) struct ModInst<'p> {
    pub(super) dir: PathBuf,
    /// Address prefix of everything inside, e.g. `module.web[0].` (empty for the root).
    pub(super) prefix: String,
    /// The calling instance, the call block, and the scope of the call (count/each).
    parent: Option<(usize, &'p Block, Scope)>,
    call_sites: Vec<Span>,
    /// Module key path as in `modules.json` (`vpc.subnets`).
    key_path: String,
    /// Set when the module's source could not be loaded: every output is unknown for this reason.
    pub(super) missing: Option<String>,
    /// Set when this instance stands for a module call whose `count`/`for_each` is unknown.
    uncertain: Option<Unknown>,
}

pub(super) struct Evaluator<'p> {
    pub(super) project: &'p Project,
    pub(super) root: PathBuf,
    inputs: &'p Inputs,
    /// Declarations of every module directory met, indexed on first use.
    decls: Vec<Decls<'p>>,
    /// Index into `decls` by directory (`None`: no such module).
    decls_by_dir: HashMap<PathBuf, Option<usize>>,
    /// Index into `decls` by module instance, so that a lookup does not hash a path.
    decls_by_inst: Vec<Option<Option<usize>>>,
    pub(super) insts: Vec<ModInst<'p>>,
    /// Values computed so far, with their size once measured ([`super::limits::footprint`]).
    memo: HashMap<Node<'p>, (Value, Option<usize>)>,
    /// Expansions by module instance and declaring block (its address in the project, which
    /// lives as long as the evaluator), so that a lookup formats no key.
    expansions: HashMap<(usize, usize), Expansion>,
    /// Instance addresses of resources, by module instance and declaring block, built once:
    /// every reference to an instance shares its address.
    addrs: HashMap<(usize, usize), Arc<Addrs>>,
    children: HashMap<(usize, String), Vec<usize>>,
    pub(super) bodies: HashMap<String, Arc<EvalBody>>,
    stack: Vec<Node<'p>>,
    reported: HashSet<(Span, &'static str)>,
    findings: Vec<Finding>,
    graph: RefGraph,
    /// Module instances by address prefix, for finding the instance of an address.
    prefixes: HashMap<String, usize>,
    /// Whether references are recorded in [`Self::graph`] (only `graph` needs them).
    record_graph: bool,
    root_inputs: Option<BTreeMap<String, (Value, Option<Span>)>>,
    /// What this root has spent of its limits.
    pub(super) budget: Budget,
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
        if !inputs.vars.is_empty() {
            let mut declared = inputs.declared.lock().unwrap_or_else(|e| e.into_inner());
            for (name, _) in &inputs.vars {
                if d.variables.contains_key(name.as_str()) {
                    declared.insert(name.clone());
                }
            }
        }
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
    if let Some(plan) = &inputs.plan {
        // Resources of modules whose source could not be read (not installed) come from the
        // plan alone.
        let missing: Vec<&str> = ev
            .insts
            .iter()
            .filter(|i| i.missing.is_some())
            .map(|i| i.prefix.as_str())
            .collect();
        let from_plan = plan.instances_under(&missing);
        if !from_plan.is_empty() {
            resources.extend(from_plan);
            resources.sort_by(|a, b| a.address.cmp(&b.address));
        }
        plan.fill(&mut resources);
    }
    RootEval {
        root: root.to_path_buf(),
        resources,
        graph: ev.graph,
        findings: ev.findings,
    }
}

impl<'p> Evaluator<'p> {
    /// Declarations of a module directory, indexed on first use.
    pub(super) fn decls(&mut self, inst: usize) -> Option<&Decls<'p>> {
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
    pub(super) fn module_unparsed(&self, inst: usize) -> bool {
        self.project
            .modules
            .get(&self.insts[inst].dir)
            .is_some_and(|m| m.unparsed)
    }

    /// True when references are being recorded in the graph.
    pub(super) fn records_graph(&self) -> bool {
        self.record_graph
    }

    /// The module instance an address belongs to: the one with the longest prefix of it.
    pub(super) fn inst_of_address(&self, address: &str) -> Option<usize> {
        address
            .char_indices()
            .rev()
            .filter(|&(_, c)| c == '.')
            .map(|(i, _)| &address[..=i])
            .chain([""])
            .find_map(|prefix| self.prefixes.get(prefix).copied())
    }

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
                    Expansion::Unknown(u) => Some(Unknown::new(
                        format!(
                            "how many instances of {base} exist is known only after apply ({})",
                            u.reason
                        ),
                        u.origin,
                    )),
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

/// Identifies a declaring block by its address: blocks do not move while the project is
/// borrowed.
fn block_id(block: &Block) -> usize {
    std::ptr::from_ref(block) as usize
}

//! One run of the tool as a library call: load the paths, evaluate, model, check, and apply
//! configuration and suppressions. The binary and the tests both call [`check`].
//!
//! A run works on a rayon pool of [`Options::jobs`] threads with 8 MiB stacks (deep expressions
//! recurse): files are read and parsed in parallel (see [`frontend::discover::load_dirs`]); a
//! directory that calls no module, or only local modules the walk found, is evaluated,
//! modelled and checked right after it is parsed and its syntax freed
//! ([`frontend::discover_with`]); the other roots are checked once everything is parsed, in
//! parallel, one task per root. Only findings are kept, gathered in
//! root order and sorted, so the output is the same for any number of threads.

use crate::config::{CliOverrides, Config};
use crate::diagnostic::{Finding, FixEdit, Outcome, Rule};
use crate::eval::{evaluate_root, evaluate_root_with, Inputs, RootEval};
use crate::fix;
use crate::frontend::{self, Limits, Project};
use crate::source::{Snippets, SourceTable};
use crate::suppress;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a run needs to know beyond the paths.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    /// `--var-file` arguments, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var name=value` arguments, in order.
    pub vars: Vec<(String, String)>,
    /// `TF_VAR_*` values from the environment.
    pub env_vars: Vec<(String, String)>,
    /// `--plan FILE`: the JSON of a saved plan (`terraform show -json PLANFILE`), whose known
    /// values fill what the HCL leaves unknown ([`crate::eval::plan`]).
    pub plan: Option<PathBuf>,
    /// Worker threads (0 = one per core).
    pub jobs: usize,
    /// `--config FILE`; otherwise `.tf-elbcheck.toml` is searched upward from each path.
    pub config: Option<PathBuf>,
    /// Today's date as `YYYY-MM-DD`, for `until=` in suppressions.
    pub today: String,
    /// Stop the pipeline after this stage (for measuring it); `None` runs everything.
    pub stop_after: Option<Stage>,
    /// `--disable` and `--fail-on`, which win over the configuration file.
    pub overrides: CliOverrides,
    /// Run only these rules and keep only their findings (load errors are always kept); `None`
    /// runs every rule. Tests use it to check one rule at a time.
    pub only: Option<Vec<&'static Rule>>,
}

/// The stages of a run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    /// Walk the paths, read and parse every file.
    Parse,
    /// Also evaluate every root.
    Eval,
    /// Also build the network model of every root.
    Model,
    /// Also run the checks (the whole run).
    Check,
}

/// Stack size of the worker threads: evaluation and lowering recurse on deep expressions.
/// The deepest input the limits allow needs about 4.3 MiB in a release build, so 8 MiB leaves
/// room; an unoptimised build uses about five times as much stack (21 MiB measured), so it
/// gets 64 MiB (README, section Robustness).
pub const WORKER_STACK: usize = if cfg!(debug_assertions) {
    64 * 1024 * 1024
} else {
    8 * 1024 * 1024
};

/// A rayon pool with `jobs` threads (0: one per core) and [`WORKER_STACK`]-sized stacks.
pub fn thread_pool(jobs: usize) -> rayon::ThreadPool {
    let mut builder = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK)
        .thread_name(|i| format!("tf-elbcheck-{i}"));
    if jobs > 0 {
        builder = builder.num_threads(jobs);
    }
    builder.build().unwrap_or_else(|_| {
        // Thread creation failed (resource limits): fall back to a single worker.
        rayon::ThreadPoolBuilder::new()
            .stack_size(WORKER_STACK)
            .num_threads(1)
            .build()
            .expect("a rayon pool with one thread")
    })
}

/// Runs the whole pipeline.
pub fn check(options: &Options) -> Outcome {
    thread_pool(options.jobs).install(|| check_in_pool(options))
}

fn check_in_pool(options: &Options) -> Outcome {
    let mut outcome = Outcome::default();
    let config = match Config::load_for(
        &options.paths,
        options.config.as_deref(),
        &mut outcome.sources,
    ) {
        Ok(config) => config.with_cli(&options.overrides),
        Err(finding) => {
            outcome.findings.push(finding);
            return outcome;
        }
    };
    outcome.fail_on = config.fail_on();
    let stop = options.stop_after.unwrap_or(Stage::Check);
    // A path that does not exist is a mistake in the command, not a file to report on.
    let missing: Vec<&PathBuf> = options.paths.iter().filter(|p| !p.exists()).collect();
    for p in &missing {
        outcome
            .errors
            .push(format!("path `{}` does not exist", p.display()));
    }
    let options = &Options {
        paths: options
            .paths
            .iter()
            .filter(|p| p.exists())
            .cloned()
            .collect(),
        ..options.clone()
    };
    if options.paths.is_empty() {
        return outcome;
    }
    let (mut inputs, mut findings) = parse_var_files(options, &mut outcome.sources);
    outcome
        .errors
        .extend(attach_plan(options, &mut inputs, &mut outcome.sources));
    // Directories that call no module, or only local modules, are checked as soon as they are
    // parsed.
    let only = options.only.as_deref();
    let load_balancers = AtomicUsize::new(0);
    let early = |p: &Project, texts: &dyn Snippets| {
        check_root(p, &p.roots[0], &inputs, stop, only, texts, &load_balancers)
    };
    let mut project = frontend::discover_with(
        &options.paths,
        &mut outcome.sources,
        &Limits::default(),
        &|p| config.is_excluded(p),
        (stop > Stage::Parse).then_some(&early as &frontend::EarlyCheck),
    );
    findings.extend(std::mem::take(&mut project.findings));
    if stop > Stage::Parse {
        let mut early = std::mem::take(&mut project.early);
        let checked: Vec<Option<Vec<Finding>>> =
            project.roots.iter().map(|r| early.remove(r)).collect();
        let per_root: Vec<Vec<Finding>> = project
            .roots
            .par_iter()
            .zip(checked)
            .map(|(root, checked)| {
                checked.unwrap_or_else(|| {
                    check_root(
                        &project,
                        root,
                        &inputs,
                        stop,
                        only,
                        &outcome.sources,
                        &load_balancers,
                    )
                })
            })
            .collect();
        findings.extend(per_root.into_iter().flatten());
    }
    // A finding shows the text it points into: read again any such text that was let go (none
    // is, by construction; this keeps it so if that ever changes).
    // The files a fix edits are kept too, for `--fix`.
    let shown = findings
        .iter()
        .flat_map(|f| std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span)))
        .map(|span| span.file)
        .chain(findings.iter().flat_map(fix_files))
        .collect::<std::collections::BTreeSet<_>>();
    let failures = frontend::discover::reload_texts(
        &mut outcome.sources,
        shown.into_iter(),
        &Limits::default(),
    );
    findings.extend(failures);
    // Freeing every syntax tree takes a while: do it on the other workers meanwhile.
    let sources = &outcome.sources;
    let ((), findings) = rayon::join(
        move || project.modules.into_par_iter().for_each(drop),
        || config.apply(suppress::apply(findings, sources, &options.today)),
    );
    outcome.set_findings(findings);
    if stop > Stage::Model {
        outcome.load_balancers = Some(load_balancers.into_inner());
    }
    // Paths under which nothing was read: a typo that lands on a real folder must not pass.
    for p in &options.paths {
        let read = outcome.sources.files().any(|(_, f)| {
            let name = f.path.file_name().unwrap_or_default().to_string_lossy();
            frontend::is_tf(&name) && f.path.starts_with(absolute(p))
        });
        if !read && p.is_dir() {
            outcome.errors.push(format!(
                "no Terraform files (.tf, .tf.json, .tofu, .tofu.json) under `{}`",
                p.display()
            ));
        }
    }
    if let (Some(plan), Some(file)) = (&inputs.plan, &options.plan) {
        if stop > Stage::Parse {
            outcome.warnings.extend(unmatched_warning(plan, file));
        }
    }
    // Terraform rejects a value for a variable that the root does not declare.
    if stop > Stage::Parse {
        let declared = inputs.declared.lock().unwrap_or_else(|e| e.into_inner());
        for (name, _) in &options.vars {
            if !declared.contains(name) {
                outcome.errors.push(format!(
                    "--var {name}: no root module under the given paths declares a variable named `{name}`"
                ));
            }
        }
    }
    outcome
}

/// Reads `--plan FILE`, when given, into `inputs` (the file joins the source table: resources
/// known only from the plan point into it); the error says why it cannot be used.
fn attach_plan(
    options: &Options,
    inputs: &mut Inputs,
    sources: &mut SourceTable,
) -> Option<String> {
    let file = options.plan.as_ref()?;
    match read_plan(file) {
        Ok((mut plan, text)) => {
            plan.set_file(sources.add(absolute(file), text));
            inputs.plan = Some(std::sync::Arc::new(plan));
            None
        }
        Err(e) => Some(format!("--plan {}: {e}", file.display())),
    }
}

/// Largest plan file read: a plan of a few thousand resources is tens of MiB.
const MAX_PLAN_BYTES: u64 = 512 * 1024 * 1024;

/// Reads and indexes `--plan FILE`; the error says why it is not a usable plan.
fn read_plan(file: &Path) -> Result<(crate::eval::plan::Plan, String), String> {
    let size = std::fs::metadata(file).map_err(|e| e.to_string())?.len();
    if size > MAX_PLAN_BYTES {
        return Err(format!(
            "the file is {size} bytes, more than the {MAX_PLAN_BYTES} read"
        ));
    }
    let text = std::fs::read_to_string(file).map_err(|e| e.to_string())?;
    let plan = crate::eval::plan::Plan::parse(&text)?;
    Ok((plan, text))
}

/// Most plan addresses a warning lists.
const LISTED: usize = 5;

/// The warning for resources of the plan that match no evaluated resource: their values were
/// not used. `None` when every one matched.
fn unmatched_warning(plan: &crate::eval::plan::Plan, file: &Path) -> Option<String> {
    let unmatched = plan.unmatched();
    if unmatched.is_empty() {
        return None;
    }
    let total = plan.managed_count();
    let mut listed = unmatched
        .iter()
        .take(LISTED)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if unmatched.len() > LISTED {
        listed.push_str(&format!(" and {} more", unmatched.len() - LISTED));
    }
    let file = file.display();
    Some(if unmatched.len() == total {
        format!(
            "--plan {file}: none of the plan's {total} resource instances matches a resource of \
             the scanned configuration (a plan of another configuration?); the plan was not \
             used: {listed}"
        )
    } else {
        format!(
            "--plan {file}: {} of the plan's {total} resource instances match nothing in the \
             scanned configuration (in a path not scanned?); their \
             values were not used: {listed}",
            unmatched.len()
        )
    })
}

/// `p` made absolute against the current directory, as the source table's paths are.
fn absolute(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The files the edit of a finding's fix touches.
fn fix_files(f: &Finding) -> impl Iterator<Item = crate::source::FileId> {
    let edit = f.fix.as_ref().map_or(FixEdit::None, |x| x.edit);
    let block = match edit {
        FixEdit::InsertInBlock { block, .. } => Some(block.file),
        _ => None,
    };
    edit.file().into_iter().chain(block)
}

/// What `--fix` did, and the check of the result.
#[derive(Debug)]
pub struct Fixed {
    /// The fixed files (displayed paths, in order) and how many fixes each got.
    pub written: Vec<(String, usize)>,
    /// The files whose fixes were not applied, refused by the plan or when written.
    pub refused: Vec<fix::Refusal>,
    /// Fixes still deferred after the last pass ([`fix::Plan::deferred`]).
    pub deferred: Vec<fix::Refusal>,
    /// The check of the files as they are now.
    pub outcome: Outcome,
}

impl Fixed {
    /// The exit status: as for a run on the result, or 2 when a fix was refused.
    pub fn status(&self) -> u8 {
        if self.refused.is_empty() {
            self.outcome.status()
        } else {
            2
        }
    }
}

/// At most this many passes of [`check_and_fix`]: one, and more only while fixes were deferred.
const FIX_PASSES: usize = 4;

/// Checks, applies the fixes the findings suggest ([`fix`]) and checks again. A fix deferred
/// because another one took its ACL rule number is applied in a further pass, from the check
/// of the result, which numbers it afresh.
pub fn check_and_fix(options: &Options) -> Fixed {
    let mut outcome = check(options);
    let mut written: std::collections::BTreeMap<String, usize> = Default::default();
    let mut refused = Vec::new();
    let mut deferred = Vec::new();
    for _ in 0..FIX_PASSES {
        // A later pass leaves alone the files an earlier one refused: one that changed on disk
        // reads as unchanged to a new check.
        let kept: Vec<Finding>;
        let findings = if refused.is_empty() {
            &outcome.findings
        } else {
            let sources = &outcome.sources;
            let refused_file = |f: &Finding| {
                let file = f.fix.as_ref().and_then(|x| x.edit.file());
                file.is_some_and(|id| {
                    let shown = sources.get(id).display();
                    refused.iter().any(|r: &fix::Refusal| r.display == shown)
                })
            };
            kept = outcome
                .findings
                .iter()
                .filter(|f| !refused_file(f))
                .cloned()
                .collect();
            &kept
        };
        let plan = fix::plan(findings, &outcome.sources);
        let failed = fix::write(&plan);
        let mut wrote = false;
        for f in &plan.files {
            if !failed.iter().any(|r| r.display == f.display) {
                *written.entry(f.display.clone()).or_default() += f.fixes;
                wrote = true;
            }
        }
        refused.extend(plan.refused);
        refused.extend(failed);
        deferred = plan.deferred;
        if wrote {
            outcome = check(options);
        }
        if !wrote || deferred.is_empty() {
            break;
        }
    }
    refused.sort_by(|a, b| a.display.cmp(&b.display));
    refused.dedup();
    Fixed {
        written: written.into_iter().collect(),
        refused,
        deferred,
        outcome,
    }
}

/// Evaluates, models and checks one root (up to `stop`), keeping only its findings (before
/// suppressions and configuration are applied); `load_balancers` counts the LBs checked.
pub fn check_root(
    project: &Project,
    root: &Path,
    inputs: &Inputs,
    stop: Stage,
    only: Option<&[&'static Rule]>,
    sources: &dyn Snippets,
    load_balancers: &AtomicUsize,
) -> Vec<Finding> {
    let mut root = evaluate_root_with(project, root, inputs, false);
    let mut findings = std::mem::take(&mut root.findings);
    if stop > Stage::Eval {
        let (net, model_findings) = crate::model::build(&root);
        findings.extend(model_findings);
        load_balancers.fetch_add(net.lbs.len(), Ordering::Relaxed);
        if stop > Stage::Model {
            let cx = crate::checks::Context::new(&net, sources);
            findings.extend(crate::checks::run(&cx, only));
        }
    }
    // A finding about a resource known only from the plan points into the plan's JSON: no fix
    // is offered there.
    if let Some(plan_file) = inputs.plan.as_ref().and_then(|p| p.file()) {
        for f in &mut findings {
            if f.span.file == plan_file || fix_files(f).any(|id| id == plan_file) {
                f.fix = None;
            }
        }
    }
    findings
}

/// Evaluates, models and checks one root, and returns what the checks proved passes (for the
/// editor's hover), instead of its findings.
pub fn explain_root(
    project: &Project,
    root: &Path,
    inputs: &Inputs,
    sources: &dyn Snippets,
) -> Vec<crate::diagnostic::Proof> {
    let root = evaluate_root_with(project, root, inputs, false);
    let (net, _) = crate::model::build(&root);
    let cx = crate::checks::Context::with_proofs(&net, sources);
    let _ = crate::checks::run(&cx, None);
    cx.take_proofs()
}

/// Loads the paths and renders the resolved reference graph as DOT.
pub fn graph(options: &Options) -> (String, Outcome) {
    let mut outcome = Outcome::default();
    let config = Config::load_for(
        &options.paths,
        options.config.as_deref(),
        &mut outcome.sources,
    )
    .unwrap_or_default();
    let loaded = load(options, &config, &mut outcome.sources);
    let mut dot = String::new();
    for root in &loaded.roots {
        let name = crate::source::display_path(&root.root);
        dot.push_str(&root.graph.to_dot(&name, &outcome.sources));
        outcome.findings.extend(root.findings.iter().cloned());
    }
    outcome.errors.extend(loaded.errors);
    let mut findings = std::mem::take(&mut outcome.findings);
    findings.extend(loaded.findings);
    outcome.set_findings(findings);
    (dot, outcome)
}

/// Every root found under the paths, evaluated.
pub struct Loaded {
    pub roots: Vec<RootEval>,
    /// Findings from discovery, reading and parsing.
    pub findings: Vec<Finding>,
    /// Problems of the run itself (a `--plan` that cannot be used).
    pub errors: Vec<String>,
}

/// Discovers, parses and evaluates every root under the paths.
///
/// Every evaluated root is kept; [`check`] evaluates and checks the roots one at a time instead.
pub fn load(options: &Options, config: &Config, sources: &mut SourceTable) -> Loaded {
    thread_pool(options.jobs).install(|| {
        let (project, mut inputs, findings) = parse(options, config, sources);
        let errors = attach_plan(options, &mut inputs, sources)
            .into_iter()
            .collect();
        let roots = project
            .roots
            .par_iter()
            .map(|root| evaluate_root(&project, root, &inputs))
            .collect();
        Loaded {
            roots,
            findings,
            errors,
        }
    })
}

/// Walks, reads and parses everything the run needs: the paths and the `--var-file`s.
fn parse(
    options: &Options,
    config: &Config,
    sources: &mut SourceTable,
) -> (Project, Inputs, Vec<Finding>) {
    let (inputs, mut findings) = parse_var_files(options, sources);
    let project = frontend::discover(&options.paths, sources, &Limits::default(), &|p| {
        config.is_excluded(p)
    });
    findings.extend(project.findings.iter().cloned());
    (project, inputs, findings)
}

/// The values given from outside: `--var-file`s (parsed), `--var`s and `TF_VAR_*`.
fn parse_var_files(options: &Options, sources: &mut SourceTable) -> (Inputs, Vec<Finding>) {
    let mut findings = Vec::new();
    let mut inputs = Inputs {
        var_files: Vec::new(),
        vars: options.vars.clone(),
        env_vars: options.env_vars.clone(),
        ..Inputs::default()
    };
    for file in &options.var_files {
        let parsed =
            frontend::discover::parse_file(file, sources, &Limits::default(), &mut findings);
        if let Some(body) = parsed {
            inputs.var_files.push(body);
        }
    }
    (inputs, findings)
}

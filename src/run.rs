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
use crate::diagnostic::{Finding, Outcome, Rule};
use crate::eval::{evaluate_root, evaluate_root_with, Inputs, RootEval};
use crate::frontend::{self, Limits, Project};
use crate::source::{Snippets, SourceTable};
use crate::suppress;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

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
    let (inputs, mut findings) = parse_var_files(options, &mut outcome.sources);
    // Directories that call no module, or only local modules, are checked as soon as they are
    // parsed.
    let only = options.only.as_deref();
    let early =
        |p: &Project, texts: &dyn Snippets| check_root(p, &p.roots[0], &inputs, stop, only, texts);
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
                    check_root(&project, root, &inputs, stop, only, &outcome.sources)
                })
            })
            .collect();
        findings.extend(per_root.into_iter().flatten());
    }
    // A finding shows the text it points into: read again any such text that was let go (none
    // is, by construction; this keeps it so if that ever changes).
    let shown = findings
        .iter()
        .flat_map(|f| std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span)))
        .map(|span| span.file)
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
    outcome
}

/// Evaluates, models and checks one root (up to `stop`), keeping only its findings (before
/// suppressions and configuration are applied).
pub fn check_root(
    project: &Project,
    root: &Path,
    inputs: &Inputs,
    stop: Stage,
    only: Option<&[&'static Rule]>,
    sources: &dyn Snippets,
) -> Vec<Finding> {
    let mut root = evaluate_root_with(project, root, inputs, false);
    let mut findings = std::mem::take(&mut root.findings);
    if stop > Stage::Eval {
        let (net, model_findings) = crate::model::build(&root);
        findings.extend(model_findings);
        if stop > Stage::Model {
            let cx = crate::checks::Context::new(&net, sources);
            findings.extend(crate::checks::run(&cx, only));
        }
    }
    findings
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
}

/// Discovers, parses and evaluates every root under the paths.
///
/// Every evaluated root is kept; [`check`] evaluates and checks the roots one at a time instead.
pub fn load(options: &Options, config: &Config, sources: &mut SourceTable) -> Loaded {
    thread_pool(options.jobs).install(|| {
        let (project, inputs, findings) = parse(options, config, sources);
        let roots = project
            .roots
            .par_iter()
            .map(|root| evaluate_root(&project, root, &inputs))
            .collect();
        Loaded { roots, findings }
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

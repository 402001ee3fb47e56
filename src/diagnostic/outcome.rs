//! The outcome of a run: every file read, every finding in output order, and the severity that
//! makes the run fail. Findings are sorted here and nowhere else.

use super::{Finding, Severity};
use crate::source::SourceTable;

/// The lowest severity that makes the run exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailOn {
    /// Fail on errors only (the default).
    #[default]
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Note,
    /// Never fail because of findings (a failed run still exits with 2).
    Never,
}

impl FailOn {
    pub fn parse(s: &str) -> Option<FailOn> {
        match s {
            "error" => Some(FailOn::Error),
            "warning" => Some(FailOn::Warning),
            "note" => Some(FailOn::Note),
            "never" => Some(FailOn::Never),
            _ => None,
        }
    }

    /// The lowest failing severity, `None` for `never`.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }

    /// True when some finding is at or above the threshold.
    pub fn fails(self, findings: &[Finding]) -> bool {
        self.threshold()
            .is_some_and(|t| findings.iter().any(|f| f.severity >= t))
    }
}

/// The outcome of a run: every file read, and every finding, sorted.
#[derive(Debug, Default)]
pub struct Outcome {
    pub sources: SourceTable,
    /// In output order: file, position, code, then message ([`Outcome::set_findings`]).
    pub findings: Vec<Finding>,
    /// The configured failing severity (the command line's, else the configuration file's).
    pub fail_on: FailOn,
    /// Problems of the run itself that have no place in a file: a path that does not exist,
    /// a path with no Terraform, a `--var` that no root declares. Any of them is exit 2.
    pub errors: Vec<String>,
    /// Problems of the run that leave it usable (printed on stderr, no effect on the exit
    /// status): resources of a `--plan` that match nothing in the scanned configuration.
    pub warnings: Vec<String>,
    /// The load balancers checked (every instance, in every root), when the checks ran.
    pub load_balancers: Option<usize>,
}

impl Outcome {
    /// An outcome with these findings, sorted.
    pub fn new(sources: SourceTable, findings: Vec<Finding>) -> Outcome {
        let mut outcome = Outcome {
            sources,
            ..Outcome::default()
        };
        outcome.set_findings(findings);
        outcome
    }

    /// Keeps these findings in output order (file as displayed, position, code, message),
    /// without exact duplicates. Every format prints them in this order, so two runs on the
    /// same input print the same bytes whatever the number of threads.
    pub fn set_findings(&mut self, mut findings: Vec<Finding>) {
        let sources = &self.sources;
        findings.sort_by(|a, b| {
            let fa = sources.get(a.span.file).display();
            let fb = sources.get(b.span.file).display();
            (fa, a.span.start, a.code(), &a.message).cmp(&(fb, b.span.start, b.code(), &b.message))
        });
        findings.dedup();
        self.findings = findings;
    }

    /// True when loading failed somewhere (a `TF` error, or an error of the run itself): the
    /// exit status is 2.
    pub fn load_failed(&self) -> bool {
        !self.errors.is_empty() || self.findings.iter().any(Finding::is_load_error)
    }

    /// The exit status: 2 when loading failed, 1 when a finding is at or above
    /// [`Outcome::fail_on`], else 0.
    pub fn status(&self) -> u8 {
        if self.load_failed() {
            2
        } else if self.fail_on.fails(&self.findings) {
            1
        } else {
            0
        }
    }
}

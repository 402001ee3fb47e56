//! Findings: what every stage reports (load errors and rule findings alike), with a primary
//! location, secondary labels, a help line, an optional HCL fix and, for the rules about one
//! leg of a load balancer's path, that leg as a [`Hop`]; and the [`Rule`]s they are findings
//! of.

pub mod codes;
mod hop;
mod outcome;
mod rule;

pub use hop::{Hop, HopKind};
pub use outcome::{FailOn, Outcome};
pub use rule::Rule;

use crate::source::Span;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "note" => Some(Severity::Note),
            _ => None,
        }
    }
}

/// The label of a module call that leads to a finding inside the module.
pub const CALL_SITE: &str = "in the module called here";

/// A secondary location with its own message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding. Load errors use the `TF` codes and make the run fail (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule this is a finding of: its code and documentation.
    pub rule: &'static Rule,
    /// The rule's severity, unless the configuration overrides it.
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    pub labels: Vec<Label>,
    /// One line of advice.
    pub help: Option<String>,
    /// HCL that would fix the problem.
    pub fix: Option<String>,
    /// The leg of a load balancer's path the finding blocks (hop rules only).
    pub hop: Option<Hop>,
}

impl Finding {
    /// A finding of `rule` at `span`, with the rule's severity.
    pub fn new(rule: &'static Rule, span: Span, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            severity: rule.severity,
            message: message.into(),
            span,
            labels: Vec::new(),
            help: None,
            fix: None,
            hop: None,
        }
    }

    pub fn label(mut self, span: Span, message: impl Into<String>) -> Finding {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = Some(help.into());
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Finding {
        self.fix = Some(fix.into());
        self
    }

    /// The leg of a load balancer's path the finding blocks.
    pub fn hop(mut self, hop: Hop) -> Finding {
        self.hop = Some(hop);
        self
    }

    /// The rule's code, e.g. `ELB004`.
    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// Load errors (`TF…`) mean the run itself failed.
    pub fn is_load_error(&self) -> bool {
        self.rule.code.starts_with("TF") && self.severity == Severity::Error
    }
}

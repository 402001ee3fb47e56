//! Findings: what every stage reports (load errors and rule findings alike), with a primary
//! location, secondary labels, a help line, an optional HCL fix and, for the rules about one
//! leg of a load balancer's path, that leg as a [`Hop`]; and the [`Rule`]s they are findings
//! of. A fix is HCL text together with the [`FixEdit`] that says where the text goes, so that
//! `--fix` can apply it.

pub mod codes;
mod hop;
mod outcome;
mod proof;
mod rule;

pub use hop::{Hop, HopKind};
pub use outcome::{FailOn, Outcome};
pub use proof::Proof;
pub use rule::Rule;

use crate::source::{FileId, Span};
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
    /// HCL that would fix the problem, and where it goes.
    pub fix: Option<Fix>,
    /// The leg of a load balancer's path the finding blocks (hop rules only).
    pub hop: Option<Hop>,
}

/// A suggested fix: the HCL every format prints, and the edit that applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    /// The HCL shown to the user. An inline block starts with a `# inside resource "TYPE"
    /// "NAME"` line that says which block it belongs in.
    pub text: String,
    /// Where the text goes; [`FixEdit::None`] when it is only advice.
    pub edit: FixEdit,
}

/// Where the text of a [`Fix`] goes in the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixEdit {
    /// Advice only: nothing can apply it.
    None,
    /// Into the body of the top-level block of `file` that contains `block` (the resource
    /// the fix names). `block` lies in `file` by construction; an edit whose block lies in
    /// another file spans two files and is refused.
    InsertInBlock { file: FileId, block: Span },
    /// At the end of `file`, the file of the group or ACL being fixed.
    AppendToFile { file: FileId },
}

impl FixEdit {
    /// The file the edit writes, `None` for advice.
    pub fn file(&self) -> Option<FileId> {
        match self {
            FixEdit::None => None,
            FixEdit::InsertInBlock { file, .. } | FixEdit::AppendToFile { file } => Some(*file),
        }
    }
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

    /// A finding of `rule` at `span` with the rule's lower severity ([`Rule::demoted`]), for
    /// the case the rule declares it for. A rule that declares none keeps its own severity:
    /// a rule cannot report a severity it did not declare.
    pub fn demoted(rule: &'static Rule, span: Span, message: impl Into<String>) -> Finding {
        let mut f = Finding::new(rule, span, message);
        if let Some((severity, _)) = rule.demoted {
            f.severity = severity;
        }
        f
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

    /// Advice in HCL that no edit applies.
    pub fn fix(self, text: impl Into<String>) -> Finding {
        self.fix_with(Fix {
            text: text.into(),
            edit: FixEdit::None,
        })
    }

    /// A fix with the edit that applies it.
    pub fn fix_with(mut self, fix: Fix) -> Finding {
        self.fix = Some(fix);
        self
    }

    /// The leg of a load balancer's path the finding blocks.
    pub fn hop(mut self, hop: Hop) -> Finding {
        self.hop = Some(hop);
        self
    }

    /// The HCL of the suggested fix.
    pub fn fix_text(&self) -> Option<&str> {
        self.fix.as_ref().map(|f| f.text.as_str())
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

//! A rule's declaration: its code, name, severity, summary and documentation, declared once as a
//! static with [`declare_rule!`](crate::declare_rule). A [`Finding`] can only be built from a
//! rule, so its code and severity always agree with the declaration.

use super::{Finding, Severity};
use crate::source::Span;

/// A rule's metadata. `doc` has the fixed sections `## What it checks`, `## Why it matters`,
/// `## Example` and `Use instead:`, and drives `explain`, `rules` and SARIF metadata.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
    /// A lower severity the rule reports instead when a finding matters less, and when that
    /// is (e.g. ELB021: a note when the instances are in private subnets). A finding gets it
    /// only through [`Finding::demoted`]; a configured per-rule severity wins over both.
    pub demoted: Option<(Severity, &'static str)>,
}

impl Rule {
    /// A finding of this rule at `span`, with the rule's severity.
    pub fn finding(&'static self, span: Span, message: impl Into<String>) -> Finding {
        Finding::new(self, span, message)
    }

    /// The rule's severity in words, with the lower one it may report and when:
    /// `warning (note when …)`.
    pub fn severity_text(&self) -> String {
        match self.demoted {
            Some((severity, when)) => format!(
                "{} ({} when {when})",
                self.severity.as_str(),
                severity.as_str()
            ),
            None => self.severity.as_str().to_string(),
        }
    }

    /// Whether findings of this rule mean the run itself failed (exit status 2).
    pub fn is_load_error(&self) -> bool {
        self.code.starts_with("TF") && self.severity == Severity::Error
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Rule) -> bool {
        self.code == other.code
    }
}

impl Eq for Rule {}

/// Declares a rule as a static [`Rule`]; its doc comment becomes [`Rule::doc`]. An optional
/// `demoted: (Note, "when")` gives the lower severity the rule may report ([`Rule::demoted`]).
#[macro_export]
macro_rules! declare_rule {
    (@demoted) => {
        None
    };
    (@demoted $sev:ident, $why:literal) => {
        Some(($crate::diagnostic::Severity::$sev, $why))
    };
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            summary: $summary:literal
            $(, demoted: ($dsev:ident, $dwhy:literal))? $(,)?
        }
    ) => {
        $vis static $ident: $crate::diagnostic::Rule = $crate::diagnostic::Rule {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            demoted: $crate::declare_rule!(@demoted $($dsev, $dwhy)?),
        };
    };
}

//! The rules. Each rule lives in its own file named after its code and declares its metadata and
//! documentation with [`declare_rule!`]; [`registry`] lists them sorted by code.

use crate::diagnostic::Severity;

pub mod elb030_bad_suppression;

/// A rule's metadata. `doc` has the fixed sections `## What it checks`, `## Why it matters`,
/// `## Example` and `Use instead:`, and drives `explain`, `rules` and SARIF metadata.
#[derive(Debug)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub doc: &'static str,
}

/// Declares a rule's metadata; its doc comment becomes [`Rule::doc`].
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $sev:ident,
            summary: $summary:literal $(,)?
        }
    ) => {
        pub static $ident: $crate::checks::Rule = $crate::checks::Rule {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

/// Every rule, sorted by code.
pub fn registry() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = vec![&elb030_bad_suppression::ELB030];
    rules.sort_by_key(|r| r.code);
    rules
}

/// The rule with this code, if any.
pub fn rule(code: &str) -> Option<&'static Rule> {
    registry()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

//! The rules. Each rule lives in its own file, named after its code, inside the folder of its
//! family (`security_groups/`, `nacls/`, `exposure/`, `hygiene/`, `target_groups/`); the file
//! declares the rule with [`declare_rule!`](crate::declare_rule) and its `check` function
//! builds the findings from that declaration. A family's `mod.rs` lists its rules and its
//! `utils.rs` holds the flow logic they share; `pools.rs` (what an LB sends where, for every
//! LB kind), `evidence.rs` and `fixes.rs` serve every family.
//!
//! [`registry`] is the one table of every code, with the codes no check produces (load
//! errors, ELB900, ELB030) from [`crate::diagnostic::codes`]: `rules`, `explain`, SARIF
//! metadata, the configuration and the suppression comments all read it.

pub(crate) mod context;
mod evidence;
mod exposure;
mod fixes;
mod hygiene;
mod nacls;
mod pools;
mod security_groups;
mod symbols;
mod target_groups;

pub use context::Context;

use crate::diagnostic::{codes, Finding, Rule};
use std::sync::OnceLock;

/// Adds the findings of one rule (and the ELB900 notes of the requirements it could not
/// decide) for the network in the context.
type CheckFn = fn(&Context, &mut Vec<Finding>);

/// A rule the checks implement: its declaration and the function that finds it.
pub struct RuleCheck {
    pub rule: &'static Rule,
    check: CheckFn,
}

impl RuleCheck {
    const fn new(rule: &'static Rule, check: CheckFn) -> RuleCheck {
        RuleCheck { rule, check }
    }
}

/// Every family's rules, in code order.
static FAMILIES: &[&[RuleCheck]] = &[
    security_groups::RULES,
    nacls::RULES,
    exposure::RULES,
    hygiene::RULES,
    target_groups::RULES,
];

/// Every rule with a check, in code order.
pub fn checks() -> impl Iterator<Item = &'static RuleCheck> {
    FAMILIES.iter().flat_map(|f| f.iter())
}

/// Every rule, sorted by code: the checks' rules and the codes of [`crate::diagnostic::codes`].
pub fn registry() -> &'static [&'static Rule] {
    static REGISTRY: OnceLock<Vec<&'static Rule>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut rules: Vec<&'static Rule> = checks()
            .map(|c| c.rule)
            .chain(codes::ALL.iter().copied())
            .collect();
        rules.sort_by_key(|r| r.code);
        rules
    })
}

/// The rule with this code (any case), if any.
pub fn rule(code: &str) -> Option<&'static Rule> {
    registry()
        .iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code))
}

/// `; did you mean ELB004?` for a code close to known ones (or nothing), for messages about an
/// unknown code: the codes at the smallest edit distance, at most two edits away.
pub fn did_you_mean(code: &str) -> String {
    let code = code.to_ascii_uppercase();
    let scored: Vec<(usize, &str)> = registry()
        .iter()
        .map(|r| (strsim::levenshtein(&code, r.code), r.code))
        .filter(|(d, _)| *d <= 2)
        .collect();
    let Some(best) = scored.iter().map(|(d, _)| *d).min() else {
        return String::new();
    };
    let near: Vec<&str> = scored
        .iter()
        .filter(|(d, _)| *d == best)
        .map(|(_, c)| *c)
        .take(4)
        .collect();
    format!("; did you mean {}?", near.join(" or "))
}

/// Runs every rule on a network.
pub fn run_all(cx: &Context) -> Vec<Finding> {
    run(cx, None)
}

/// Runs the rules on a network: all of them, or only `only` (and then keeps only findings of
/// those codes, so that ELB900 notes appear only when ELB900 is among them).
pub fn run(cx: &Context, only: Option<&[&'static Rule]>) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in checks() {
        let wanted = only.is_none_or(|o| o.contains(&c.rule) || o.contains(&&codes::ELB900));
        if wanted {
            (c.check)(cx, &mut out);
        }
    }
    if let Some(o) = only {
        out.retain(|f| o.contains(&f.rule));
    }
    out
}

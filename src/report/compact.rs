//! The compact format: one finding per line, `path:line:col: severity[CODE]: message`.
//!
//! This is the format editors and the problem matcher (`problem-matcher.json`) read, so a
//! finding never spans two lines: line breaks and tabs in a message become spaces.

use crate::diagnostic::Outcome;
use crate::report::region;

/// Renders every finding on its own line, sorted.
pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        let r = region(&outcome.sources, finding.span);
        // A finding inside a module is reported once per root that calls it: the outermost
        // call site tells those lines apart.
        let via = finding
            .labels
            .iter()
            .find(|l| l.message == crate::diagnostic::CALL_SITE)
            .map(|l| {
                let c = region(&outcome.sources, l.span);
                format!(" (via {}:{})", c.file, c.line)
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}{via}\n",
            r.file,
            r.line,
            r.column,
            finding.severity.as_str(),
            finding.code(),
            one_line(&finding.message),
        ));
    }
    out
}

/// The message with every run of whitespace that contains a line break or tab made one space.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn one_sorted_line_per_finding() {
        let out = render(&fixture::outcome());
        assert_eq!(
            out,
            "net/main.tf:1:1: warning[ELB022]: the load balancer has no security_groups\n\
             net/sg.tf:1:1: error[ELB002]: no egress of aws_security_group.lb allows tcp/8080 to the instances\n\
             net/sg.tf:2:3: note[ELB900]: unknown: 100% of a,b:c second line\n"
        );
    }

    #[test]
    fn empty_outcome_prints_nothing() {
        assert_eq!(render(&Outcome::default()), "");
    }
}

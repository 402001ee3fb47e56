//! The GitHub Actions format: one workflow command per finding,
//! `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=CODE::message`.
//!
//! GitHub turns these into annotations on the pull request's changed lines. A warning becomes
//! `::warning` and a note `::notice`. Values are escaped as the runner requires: in the message
//! `%`, `\r` and `\n` become `%25`, `%0D` and `%0A`; property values (file, title) also escape
//! `:` and `,` as `%3A` and `%2C`. The help line and the suggested fix follow the message on
//! lines of their own (escaped line breaks), since an annotation has no other place for them.

use crate::diagnostic::Outcome;
use crate::diagnostic::Severity;
use crate::report::region;

/// Renders one workflow command per finding, sorted.
pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for finding in &outcome.findings {
        let r = region(&outcome.sources, finding.span);
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut message = finding.message.clone();
        if let Some(help) = &finding.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        if let Some(fix) = finding.fix_text() {
            message.push_str("\nsuggested fix:\n");
            message.push_str(fix);
        }
        out.push_str(&format!(
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
            escape_property(&r.file),
            r.line,
            r.column,
            r.end_line,
            r.end_column,
            escape_property(finding.code()),
            escape_data(&message),
        ));
    }
    out
}

/// Escapes a command's message (`%`, `\r`, `\n`).
pub fn escape_data(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value: as [`escape_data`], plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Finding;
    use crate::report::fixture;
    use crate::source::SourceTable;
    use std::path::PathBuf;

    #[test]
    fn escapes_data_and_properties() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(
            escape_property("100% a:b,c\r\nd"),
            "100%25 a%3Ab%2Cc%0D%0Ad"
        );
        // Escaping `%` first means an already-escaped-looking text survives a round trip.
        assert_eq!(escape_data("%0A"), "%250A");
    }

    #[test]
    fn one_command_per_finding_with_positions_and_severity_mapping() {
        let out = render(&fixture::outcome());
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            lines[0],
            "::warning file=net/main.tf,line=1,col=1,endLine=1,endColumn=25,title=ELB022::the load balancer has no security_groups"
        );
        assert!(lines[1].starts_with(
            "::error file=net/sg.tf,line=1,col=1,endLine=1,endColumn=35,title=ELB002::no egress of aws_security_group.lb allows tcp/8080 to the instances%0Ahelp: add an egress rule"
        ));
        assert!(lines[1].contains("%0Asuggested fix:%0Aegress {%0A  from_port       = 8080%0A"));
        assert_eq!(
            lines[2],
            "::notice file=net/sg.tf,line=2,col=3,endLine=2,endColumn=27,title=ELB900::unknown: 100%25 of a,b:c%0Asecond line"
        );
    }

    #[test]
    fn file_names_with_commas_and_colons_are_escaped() {
        let mut sources = SourceTable::new();
        let id = sources.add(PathBuf::from("a,b:c.tf"), "x = 1\n".into());
        let finding = Finding::new(
            crate::checks::rule("ELB024").unwrap(),
            crate::source::Span::new(id, 0, 1),
            "m",
        );
        let out = render(&Outcome::new(sources, vec![finding]));
        assert_eq!(
            out,
            "::error file=a%2Cb%3Ac.tf,line=1,col=1,endLine=1,endColumn=2,title=ELB024::m\n"
        );
    }
}

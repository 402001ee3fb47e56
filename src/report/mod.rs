//! Renderers for findings: human, compact, json, sarif, github and markdown.
//!
//! Every renderer is a pure function from an [`Outcome`] to a `String`; none of them prints.
//! The findings come in output order ([`Outcome::set_findings`]). They share two things
//! defined here:
//!
//! - [`region`]: the one conversion from a [`Span`] to the 1-based start and end positions every
//!   format prints (it calls [`SourceTable::range`]; end positions are exclusive, the position
//!   just after the last character, as SARIF defines them);
//! - [`Summary`]: counts by severity and the number of files checked.

pub mod compact;
pub mod github;
pub mod human;
pub mod json;
pub mod markdown;
pub mod sarif;

use crate::diagnostic::Outcome;
use crate::diagnostic::Severity;
use crate::source::{SourceTable, Span};
use std::path::PathBuf;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// rustc-style snippets with labels, help and suggested fix.
    #[default]
    Human,
    /// Versioned JSON (`"version": 1`), stable for scripts.
    Json,
    /// SARIF 2.1.0 with rule metadata, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), for PR annotations.
    Github,
    /// One line per finding: `path:line:col: severity[CODE]: message`.
    Compact,
    /// Markdown with a table of findings and a Mermaid diagram of each blocked path, for a
    /// pull request comment or `$GITHUB_STEP_SUMMARY`.
    Markdown,
}

/// Settings that only some formats use.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Colour the human format with ANSI escapes.
    pub color: bool,
    /// The directory SARIF URIs are relative to (`%SRCROOT%`); the current directory when
    /// `None`.
    pub srcroot: Option<PathBuf>,
    /// The URL the markdown format's location links start with (e.g.
    /// `https://github.com/OWNER/REPO/blob/SHA/`); plain relative links when `None`.
    pub link_base: Option<String>,
}

/// Renders the outcome in one format.
pub fn render(format: Format, outcome: &Outcome, options: &RenderOptions) -> String {
    match format {
        Format::Human => human::render(outcome, options.color),
        Format::Json => json::render(outcome),
        Format::Sarif => sarif::render(outcome, options.srcroot.as_deref()),
        Format::Github => github::render(outcome),
        Format::Compact => compact::render(outcome),
        Format::Markdown => markdown::render(outcome, options.link_base.as_deref()),
    }
}

/// A span resolved to what the formats print: the file as the user sees it and 1-based start
/// and end positions (the end is exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Region {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

/// Resolves a span. A span that ends with a line break is shortened to end before it, so a
/// region never ends at column 1 of the following line.
pub fn region(sources: &SourceTable, span: Span) -> Region {
    let file = sources.get(span.file);
    let text = file.text.as_bytes();
    let start = (span.start as usize).min(text.len());
    let mut end = (span.end as usize).clamp(start, text.len());
    while end > start && matches!(text[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    let (from, to) = sources.range(Span::new(span.file, start, end));
    Region {
        file: file.display().to_string(),
        line: from.line,
        column: from.column,
        end_line: to.line,
        end_column: to.column,
    }
}

/// Counts of findings by severity and of the files that were checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
    /// Terraform files read (configuration files do not count).
    pub files_checked: usize,
    /// Load balancers checked (absent when the checks did not run).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancers: Option<usize>,
}

impl Summary {
    pub fn of(outcome: &Outcome) -> Summary {
        let count = |s: Severity| outcome.findings.iter().filter(|f| f.severity == s).count();
        Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
            files_checked: outcome
                .sources
                .files()
                .filter(|(_, f)| !f.path.to_string_lossy().ends_with(".toml"))
                .count(),
            load_balancers: outcome.load_balancers,
        }
    }

    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.notes
    }
}

/// A rule's documentation as Markdown: [`crate::declare_rule!`] keeps the space that follows
/// each `///`, which is removed here.
pub fn doc_text(doc: &str) -> String {
    let mut out: String = doc
        .lines()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// `1 error`, `2 warnings`: a count with its noun, plural when needed.
pub(crate) fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
pub(crate) mod fixture {
    //! A small two-file outcome shared by the renderer tests.

    use crate::diagnostic::Finding;
    use crate::diagnostic::Outcome;
    use crate::source::{FileId, SourceTable, Span};
    use std::path::PathBuf;

    pub const MAIN_TF: &str = r#"resource "aws_elb" "web" {
  subnets         = [aws_subnet.a.id]
  security_groups = [aws_security_group.lb.id]

  listener {
    lb_port           = 443
    lb_protocol       = "tcp"
    instance_port     = 8080
    instance_protocol = "tcp"
  }
}
"#;

    pub const SG_TF: &str = r#"resource "aws_security_group" "lb" {
  vpc_id = aws_vpc.main.id
  # a note: "quotes", 100% sure
}

resource "aws_security_group" "app" {
  vpc_id = aws_vpc.main.id
}
"#;

    /// Byte span of the first occurrence of `needle` in `text`.
    pub fn find(file: FileId, text: &str, needle: &str) -> Span {
        let start = text.find(needle).expect("needle in fixture");
        Span::new(file, start, start + needle.len())
    }

    /// Files `net/main.tf` and `net/sg.tf` (relative paths) and three findings: an error with a
    /// label in the other file, help and a fix; a warning; a note whose message has special
    /// characters.
    pub fn outcome() -> Outcome {
        let mut sources = SourceTable::new();
        let main = sources.add(PathBuf::from("net/main.tf"), MAIN_TF.to_string());
        let sg = sources.add(PathBuf::from("net/sg.tf"), SG_TF.to_string());
        let error = Finding::new(
            crate::checks::rule("ELB002").unwrap(),
            find(sg, SG_TF, r#"resource "aws_security_group" "lb""#),
            "no egress of aws_security_group.lb allows tcp/8080 to the instances",
        )
        .label(
            find(main, MAIN_TF, "instance_port     = 8080"),
            "the listener forwards to port 8080",
        )
        .label(
            find(sg, SG_TF, r#"resource "aws_security_group" "app""#),
            "the instances carry this group",
        )
        .help("add an egress rule for tcp/8080 to aws_security_group.app")
        .fix("egress {\n  from_port       = 8080\n  to_port         = 8080\n  protocol        = \"tcp\"\n  security_groups = [aws_security_group.app.id]\n}");
        let warning = Finding::new(
            crate::checks::rule("ELB022").unwrap(),
            find(main, MAIN_TF, r#"resource "aws_elb" "web""#),
            "the load balancer has no security_groups",
        );
        let note = Finding::new(
            &crate::diagnostic::codes::ELB900,
            find(sg, SG_TF, "vpc_id = aws_vpc.main.id"),
            "unknown: 100% of a,b:c\nsecond line",
        );
        Outcome::new(sources, vec![note, warning, error])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    #[test]
    fn findings_are_sorted_by_file_line_column_code() {
        let outcome = fixture::outcome();
        let order: Vec<&str> = outcome.findings.iter().map(|f| f.code()).collect();
        assert_eq!(order, ["ELB022", "ELB002", "ELB900"]);
    }

    #[test]
    fn region_is_one_based_with_exclusive_end() {
        let outcome = fixture::outcome();
        let note = outcome.findings.iter().find(|f| f.code() == "ELB900");
        let r = region(&outcome.sources, note.unwrap().span);
        assert_eq!(
            r,
            Region {
                file: "net/sg.tf".into(),
                line: 2,
                column: 3,
                end_line: 2,
                end_column: 27,
            }
        );
    }

    #[test]
    fn region_drops_a_trailing_line_break() {
        let mut sources = SourceTable::new();
        let id = sources.add(PathBuf::from("a.tf"), "x = 1\ny = 2\n".into());
        assert_eq!(id, FileId(0));
        let r = region(&sources, Span::new(id, 0, 6));
        assert_eq!((r.line, r.column, r.end_line, r.end_column), (1, 1, 1, 6));
    }

    #[test]
    fn summary_counts_severities_and_terraform_files() {
        let mut outcome = fixture::outcome();
        outcome
            .sources
            .add(PathBuf::from(".tf-elbcheck.toml"), String::new());
        let s = Summary::of(&outcome);
        assert_eq!(
            s,
            Summary {
                errors: 1,
                warnings: 1,
                notes: 1,
                files_checked: 2,
                load_balancers: None,
            }
        );
        assert_eq!(s.total(), 3);
        assert_eq!(plural(1, "error"), "1 error");
        assert_eq!(plural(0, "note"), "0 notes");
    }

    #[test]
    fn rule_docs_lose_the_space_after_the_slashes() {
        assert_eq!(
            doc_text(" ## What\n\n text\n  indented\n"),
            "## What\n\ntext\n indented\n"
        );
        let doc = doc_text(crate::diagnostic::codes::ELB030.doc);
        assert!(doc.starts_with("## What it checks\n"));
        assert!(doc.contains("\n## Why it matters\n"));
        assert!(doc.contains("\nUse instead:\n"));
    }
}

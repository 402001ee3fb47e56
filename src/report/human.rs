//! The human format: rustc-style snippets rendered by `annotate-snippets`.
//!
//! Each finding shows its primary location underlined in its file, every label as a secondary
//! annotation (in the same snippet when it is in the same file, in a snippet of its own
//! otherwise), the help line as a `help:` footer and the suggested fix as a second `help:`
//! footer holding the HCL. A summary line ends the output. Colour is the caller's decision
//! (terminal, `NO_COLOR`, `--color`).

use crate::diagnostic::Outcome;
use crate::diagnostic::{Finding, Severity};
use crate::report::{plural, Summary};
use crate::source::{FileId, SourceTable, Span};
use annotate_snippets::{Annotation, AnnotationKind, Group, Level, Renderer, Snippet};

/// Renders every finding, sorted, then a summary line.
pub fn render(outcome: &Outcome, color: bool) -> String {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = String::new();
    for finding in &outcome.findings {
        let group = group(finding, &outcome.sources);
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out.push_str(&summary_line(&Summary::of(outcome)));
    out.push('\n');
    out
}

/// `2 findings (1 error, 1 warning, 0 notes) in 3 files checked`.
pub fn summary_line(s: &Summary) -> String {
    let files = plural(s.files_checked, "file");
    let lbs = match s.load_balancers {
        None => String::new(),
        Some(0) => "; 0 load balancers found".to_string(),
        Some(n) => format!("; {} checked", plural(n, "load balancer")),
    };
    if s.total() == 0 {
        return format!("no findings in {files} checked{lbs}");
    }
    format!(
        "{} ({}, {}, {}) in {files} checked{lbs}",
        plural(s.total(), "finding"),
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.notes, "note"),
    )
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    }
}

/// The annotate-snippets group of one finding.
fn group<'a>(finding: &'a Finding, sources: &'a SourceTable) -> Group<'a> {
    // Files in order of appearance: the primary's first.
    let mut files: Vec<FileId> = vec![finding.span.file];
    for label in &finding.labels {
        if !files.contains(&label.span.file) {
            files.push(label.span.file);
        }
    }
    let mut group = Group::with_title(
        level(finding.severity)
            .primary_title(finding.message.as_str())
            .id(finding.code()),
    );
    for file in files {
        let mut marks: Vec<(Span, AnnotationKind, &str)> = Vec::new();
        if finding.span.file == file {
            marks.push((finding.span, AnnotationKind::Primary, ""));
        }
        for label in finding.labels.iter().filter(|l| l.span.file == file) {
            marks.push((label.span, AnnotationKind::Context, label.message.as_str()));
        }
        group = group.element(snippet(sources, file, &marks));
    }
    if let Some(help) = &finding.help {
        group = group.element(Level::HELP.message(help.as_str()));
    }
    if let Some(fix) = finding.fix_text() {
        group = group.element(Level::HELP.message(format!("suggested fix:\n{fix}")));
    }
    group
}

/// A snippet of the lines of `file` that the marks touch (folded by annotate-snippets).
fn snippet<'a>(
    sources: &'a SourceTable,
    file: FileId,
    marks: &[(Span, AnnotationKind, &'a str)],
) -> Snippet<'a, Annotation<'a>> {
    let source = sources.get(file);
    let text = source.text.as_str();
    let clamp = |o: u32| {
        let mut o = (o as usize).min(text.len());
        while !text.is_char_boundary(o) {
            o -= 1;
        }
        o
    };
    let lo = marks.iter().map(|m| clamp(m.0.start)).min().unwrap_or(0);
    let hi = marks
        .iter()
        .map(|m| clamp(m.0.end.max(m.0.start)))
        .max()
        .unwrap_or(0);
    let from = text[..lo].rfind('\n').map_or(0, |i| i + 1);
    let to = text[hi..].find('\n').map_or(text.len(), |i| hi + i);
    let first_line = sources.range(Span::new(file, from, from)).0.line;
    let annotations = marks.iter().map(|(span, kind, label)| {
        let start = clamp(span.start) - from;
        let end = clamp(span.end.max(span.start)) - from;
        let annotation = (*kind).span(start..end);
        if label.is_empty() {
            annotation
        } else {
            annotation.label(*label)
        }
    });
    // Windows line endings: a carriage return would be drawn as a visible `␍`. It becomes a
    // space, which keeps every offset.
    let shown = &text[from..to];
    let shown: std::borrow::Cow<'a, str> = if shown.contains('\r') {
        shown.replace('\r', " ").into()
    } else {
        shown.into()
    };
    Snippet::source(shown)
        .line_start(first_line)
        .path(source.display())
        .annotations(annotations.collect::<Vec<_>>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn renders_primary_labels_across_files_help_and_fix() {
        let out = render(&fixture::outcome(), false);
        let expected_error = r#"error[ELB002]: no egress of aws_security_group.lb allows tcp/8080 to the instances
 --> net/sg.tf:1:1
  |
1 | resource "aws_security_group" "lb" {
  | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
...
6 | resource "aws_security_group" "app" {
  | ----------------------------------- the instances carry this group
  |
 ::: net/main.tf:8:5
  |
8 |     instance_port     = 8080
  |     ------------------------ the listener forwards to port 8080
  |
  = help: add an egress rule for tcp/8080 to aws_security_group.app
  = help: suggested fix:
          egress {
            from_port       = 8080
            to_port         = 8080
            protocol        = "tcp"
            security_groups = [aws_security_group.app.id]
          }
"#;
        assert!(out.contains(expected_error), "{out}");
        assert!(out.starts_with(
            "warning[ELB022]: the load balancer has no security_groups\n --> net/main.tf:1:1\n"
        ));
        assert!(out.contains("note[ELB900]: unknown: 100% of a,b:c\n              second line\n"));
        assert!(out.ends_with("3 findings (1 error, 1 warning, 1 note) in 2 files checked\n"));
        assert!(!out.contains('\u{1b}'));
    }

    #[test]
    fn colour_only_when_asked() {
        let out = render(&fixture::outcome(), true);
        assert!(out.contains('\u{1b}'));
    }

    #[test]
    fn summary_without_findings() {
        assert_eq!(
            render(&Outcome::default(), false),
            "no findings in 0 files checked\n"
        );
    }
}

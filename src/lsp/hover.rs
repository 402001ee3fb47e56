//! The hover text of a line: each finding's message and help, then its rule's summary and
//! documentation (the text of `tf-elbcheck explain CODE`), then what the analysis proves passes
//! there (a listener's port that clients reach, a rule that lets the load balancer through).

use crate::checks;
use crate::report::doc_text;

/// One finding, as the hover shows it.
pub struct Shown<'a> {
    pub code: &'a str,
    pub severity: &'a str,
    pub message: &'a str,
    pub help: Option<&'a str>,
}

/// A label of a finding (its other side) on the hovered line.
pub struct Label {
    /// What the label says, e.g. "the listener sends to instance port 8080".
    pub text: String,
    pub code: &'static str,
    pub severity: &'static str,
    /// The finding's message.
    pub message: String,
    /// Where the finding is: `file:line`.
    pub at: String,
}

/// Markdown for the findings of one line (the documentation of each rule once).
pub fn markdown(findings: &[Shown]) -> String {
    markdown_with_labels(findings, &[])
}

/// [`markdown`], then the labels on the line of findings elsewhere: each says what part this
/// line plays in which finding.
pub fn markdown_with_labels(findings: &[Shown], labels: &[Label]) -> String {
    let mut out = String::new();
    for f in findings {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "**{}[{}]** {}",
            f.severity,
            f.code,
            escape(f.message)
        ));
        if let Some(help) = f.help {
            out.push_str(&format!("\n\nhelp: {}", escape(help)));
        }
    }
    for label in labels {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&format!(
            "{}: part of **{}[{}]** at {}: {}",
            escape(&label.text),
            label.severity,
            label.code,
            escape(&label.at),
            escape(&label.message)
        ));
    }
    let mut codes: Vec<&str> = findings
        .iter()
        .map(|f| f.code)
        .chain(labels.iter().map(|l| l.code))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    for code in codes {
        let Some(rule) = checks::rule(code) else {
            continue;
        };
        out.push_str(&format!(
            "\n\n---\n\n**{}** ({}): {}\n\n",
            rule.code,
            rule.name,
            escape(rule.summary)
        ));
        // The rule's sections one level down, so they do not outshine the finding.
        for line in doc_text(rule.doc).lines() {
            match line.strip_prefix("## ") {
                Some(heading) => out.push_str(&format!("#### {heading}\n")),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out.truncate(out.trim_end().len());
    out
}

/// Markdown-escapes the characters that would change the look of a message.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '#') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// `found` (the findings and labels of the line) followed by `proofs`, what the analysis
/// proves passes on that line; `None` when there is neither.
pub fn with_proofs(
    found: Option<lsp_types::Hover>,
    proofs: &[(lsp_types::Range, String)],
) -> Option<lsp_types::Hover> {
    use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};
    if proofs.is_empty() {
        return found;
    }
    let mut text = String::from("**What passes here**");
    for (_, p) in proofs {
        text.push_str(&format!("\n\n- {}", escape(p)));
    }
    Some(match found {
        Some(Hover {
            contents: HoverContents::Markup(mut m),
            range,
        }) => {
            m.value.push_str("\n\n");
            m.value.push_str(&text);
            Hover {
                contents: HoverContents::Markup(m),
                range,
            }
        }
        _ => Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: text,
            }),
            range: Some(proofs[0].0),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hover_has_the_message_help_and_rule() {
        let text = markdown(&[Shown {
            code: "ELB004",
            severity: "error",
            message: "no ingress rule of aws_security_group.app allows TCP 8080",
            help: Some("add an ingress rule"),
        }]);
        assert!(text.starts_with(
            "**error[ELB004]** no ingress rule of aws\\_security\\_group.app allows TCP 8080\n\nhelp: add an ingress rule"
        ));
        assert!(text.contains("**ELB004** (instance-port-ingress): "));
        assert!(text.contains("#### What it checks"));
    }

    #[test]
    fn a_label_says_which_finding_it_belongs_to() {
        let text = markdown_with_labels(
            &[],
            &[Label {
                text: "the listener sends to instance port 8080".into(),
                code: "ELB004",
                severity: "error",
                message: "no ingress rule allows TCP 8080".into(),
                at: "main.tf:38".into(),
            }],
        );
        assert!(text.starts_with(
            "the listener sends to instance port 8080: part of **error[ELB004]** at main.tf:38: no ingress rule allows TCP 8080"
        ));
        assert!(text.contains("**ELB004** (instance-port-ingress)"));
    }
}

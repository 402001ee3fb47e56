//! The text edits of the code actions: a finding's suggested fix, made by the same
//! computation as `--fix` ([`crate::fix::text_edit`]) on the text the editor has of the file
//! it edits, and a suppression comment above the finding's line.
//!
//! A quick fix is offered for exactly the fixes `--fix` applies ([`crate::fix::placement`]):
//! the target (a resource's block, or the end of a file) is kept from the check that found it,
//! and the edit is worked out when the action is asked for. An inline block goes only into the
//! resource its fix names: when the text changed since the check and that resource is no
//! longer at the offset kept, no fix is offered until the next check.

use crate::diagnostic::Finding;
use crate::fix::{self, Placement, Target, TextEdit};
use crate::source::SourceTable;
use std::path::PathBuf;

/// What a quick fix needs of a finding's fix: the file it edits, where in it, and the HCL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickFix {
    /// The file the fix edits (not always the finding's).
    pub path: PathBuf,
    pub target: Target,
    pub text: String,
}

/// The quick fix of `f`, when `--fix` would apply its fix; `sources` is the table its spans
/// point into.
pub fn quick_fix(f: &Finding, sources: &SourceTable) -> Option<QuickFix> {
    let Placement::At(file, target) = fix::placement(f) else {
        return None;
    };
    let path = sources.get(file).path.clone();
    fix::editable(&path).ok()?;
    Some(QuickFix {
        path,
        target,
        text: f.fix.as_ref()?.text.clone(),
    })
}

/// The edit that applies `quick` to `text`, the current text of its file (the editor's buffer
/// when open): `None` when the fix cannot go in or is already there.
pub fn fix_edit(text: &str, quick: &QuickFix) -> Option<TextEdit> {
    fix::text_edit(text, quick.target, &quick.text)
        .ok()
        .flatten()
}

/// An insertion: `text` goes at byte `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    pub offset: usize,
    pub text: String,
}

/// The placeholder reason of an inserted suppression, for the user to replace.
pub const REASON: &str = "reason";

/// The insertion of `# tf-elbcheck:ignore CODE -- reason` alone on a line above the line that
/// starts at byte `line_start`, indented like it: such a comment covers the next line that is
/// not a comment (`crate::suppress`).
pub fn suppression(text: &str, line_start: usize, code: &str) -> Insert {
    let line_start = line_start.min(text.len());
    let indent: String = text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let newline = if text[line_start..]
        .split('\n')
        .next()
        .is_some_and(|l| l.ends_with('\r'))
    {
        "\r\n"
    } else {
        "\n"
    };
    Insert {
        offset: line_start,
        text: format!("{indent}# tf-elbcheck:ignore {code} -- {REASON}{newline}"),
    }
}

/// `text` with an insertion made.
pub fn apply(text: &str, insert: &Insert) -> String {
    let mut out = String::with_capacity(text.len() + insert.text.len());
    out.push_str(&text[..insert.offset]);
    out.push_str(&insert.text);
    out.push_str(&text[insert.offset..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppression_goes_above_the_line_indented_like_it() {
        let text = "x {\n    port = 1\r\n}\n";
        let insert = suppression(text, 4, "ELB004");
        assert_eq!(
            apply(text, &insert),
            "x {\n    # tf-elbcheck:ignore ELB004 -- reason\r\n    port = 1\r\n}\n"
        );
    }

    #[test]
    fn a_fix_goes_only_into_the_resource_it_names() {
        let quick = QuickFix {
            path: PathBuf::from("main.tf"),
            target: Target::Block(0),
            text: "# inside resource \"a\" \"b\"\nx {\n  y = 1\n}".into(),
        };
        let text = "resource \"a\" \"b\" {\n}\n";
        let edit = fix_edit(text, &quick).unwrap();
        assert_eq!(
            edit.apply(text),
            "resource \"a\" \"b\" {\n  x {\n    y = 1\n  }\n}\n"
        );
        // Another resource at the offset (the buffer changed since the check): no edit.
        assert_eq!(fix_edit("resource \"a\" \"c\" {\n}\n", &quick), None);
    }
}

//! The text edits of the code actions: a finding's suggested fix put where it belongs, and a
//! suppression comment above the finding's line.
//!
//! A fix is HCL text. One that starts with `# inside resource "TYPE" "NAME"` is a nested block
//! (a security group's inline rule, a network ACL's `ingress`): it goes inside that resource,
//! just before its closing brace; the block is found with `hcl-edit`'s parser and its spans.
//! Any other fix is a new resource, appended at the end of the file.

use hcl_edit::structure::{Body, Structure};
use hcl_edit::Span as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The first line of a fix that goes inside a resource.
const INSIDE: &str = "# inside resource ";

/// Where a fix goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fix<'a> {
    /// A nested block for resource `rtype.name`.
    Inside {
        rtype: String,
        name: String,
        block: &'a str,
    },
    /// A new resource, at the end of the file.
    Append(&'a str),
}

/// Reads where a fix goes from its first line.
pub fn parse_fix(fix: &str) -> Fix<'_> {
    let Some(rest) = fix.strip_prefix(INSIDE) else {
        return Fix::Append(fix);
    };
    let (header, block) = rest.split_once('\n').unwrap_or((rest, ""));
    let labels: Vec<&str> = header
        .split('"')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    match labels.as_slice() {
        [rtype, name] => Fix::Inside {
            rtype: rtype.to_string(),
            name: name.to_string(),
            block,
        },
        _ => Fix::Append(fix),
    }
}

/// An insertion: `text` goes at byte `offset`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insert {
    pub offset: usize,
    pub text: String,
}

/// The insertion that puts `block` inside resource `rtype.name` of `text`, before its closing
/// brace and indented one level deeper than it; `None` when `text` does not parse or has no
/// such resource.
pub fn insert_in_resource(text: &str, rtype: &str, name: &str, block: &str) -> Option<Insert> {
    let body: Body = hcl_edit::parser::parse_body(text).ok()?;
    let span = body.iter().find_map(|s| match s {
        Structure::Block(b)
            if b.ident.as_str() == "resource"
                && b.labels.len() == 2
                && b.labels[0].as_str() == rtype
                && b.labels[1].as_str() == name =>
        {
            b.span()
        }
        _ => None,
    })?;
    let close = text[..span.end.min(text.len())].rfind('}')?;
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let before_brace = &text[line_start..close];
    let newline = if text[..close].ends_with("\r\n") || text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    if before_brace.trim().is_empty() {
        // `}` alone on its line: the block goes on the lines before it.
        let indent = format!("{before_brace}  ");
        let previous = text[..line_start.saturating_sub(1)]
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .trim();
        let gap = if previous.is_empty() || previous.ends_with('{') {
            ""
        } else {
            newline
        };
        Some(Insert {
            offset: line_start,
            text: format!("{gap}{}{newline}", indented(block, &indent, newline)),
        })
    } else {
        // `{ … }` on one line: open it up.
        let line = &text[line_start..];
        let base: String = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let indent = format!("{base}  ");
        Some(Insert {
            offset: close,
            text: format!(
                "{newline}{}{newline}{base}",
                indented(block, &indent, newline)
            ),
        })
    }
}

/// Each line of `block` prefixed with `indent` (empty lines left empty), joined by `newline`.
fn indented(block: &str, indent: &str, newline: &str) -> String {
    block
        .trim_end()
        .lines()
        .map(|l| {
            if l.trim().is_empty() {
                String::new()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join(newline)
}

/// The insertion that appends a new resource at the end of `text`, after a blank line.
pub fn append(text: &str, fix: &str) -> Insert {
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let gap = if text.is_empty() || text.ends_with(&format!("{newline}{newline}")) {
        ""
    } else if text.ends_with('\n') {
        newline
    } else {
        // Close the last line, then a blank line.
        "\n\n"
    };
    let fix = fix.trim_end().lines().collect::<Vec<_>>().join(newline);
    Insert {
        offset: text.len(),
        text: format!("{gap}{fix}{newline}"),
    }
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

/// Where the fix of a finding in file `path` goes, and what is inserted: a nested block into
/// the resource it names, looked for in `path`, then in the other `.tf` files of its
/// directory in name order (the resource may be declared beside an override file, say); a new
/// resource at the end of `path`. `read` gives a file's text (the editor's buffer when open).
/// JSON files get no fix: the fix is HCL.
pub fn fix_insert(
    path: &Path,
    fix: &str,
    read: &dyn Fn(&Path) -> Option<Arc<str>>,
) -> Option<(PathBuf, Insert)> {
    let is_json = |p: &Path| p.to_string_lossy().ends_with(".json");
    match parse_fix(fix) {
        Fix::Append(resource) => {
            if is_json(path) {
                return None;
            }
            let text = read(path)?;
            Some((path.to_path_buf(), append(&text, resource)))
        }
        Fix::Inside { rtype, name, block } => {
            let mut candidates = vec![path.to_path_buf()];
            if let Some(dir) = path.parent() {
                let mut others: Vec<PathBuf> = std::fs::read_dir(dir)
                    .into_iter()
                    .flatten()
                    .filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p != path && p.to_string_lossy().ends_with(".tf"))
                    .collect();
                others.sort();
                candidates.extend(others);
            }
            candidates
                .into_iter()
                .filter(|p| !is_json(p))
                .find_map(|candidate| {
                    let text = read(&candidate)?;
                    let insert = insert_in_resource(&text, &rtype, &name, block)?;
                    Some((candidate, insert))
                })
        }
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

    const SG: &str = "resource \"aws_security_group\" \"lb\" {\n  name = \"x\"\n}\n\nresource \"aws_security_group\" \"app\" { # note\n  name = \"y\"\n\n  egress {\n    from_port = 0\n  }\n}\n";

    #[test]
    fn fixes_are_read_from_their_first_line() {
        let fix = "# inside resource \"aws_security_group\" \"app\"\ningress {\n  from_port = 1\n}";
        assert_eq!(
            parse_fix(fix),
            Fix::Inside {
                rtype: "aws_security_group".into(),
                name: "app".into(),
                block: "ingress {\n  from_port = 1\n}",
            }
        );
        let resource = "resource \"aws_security_group_rule\" \"x\" {\n}";
        assert_eq!(parse_fix(resource), Fix::Append(resource));
    }

    #[test]
    fn a_block_goes_before_the_closing_brace_of_its_resource() {
        let block = "ingress {\n  from_port = 8080\n}";
        let insert = insert_in_resource(SG, "aws_security_group", "app", block).unwrap();
        let out = apply(SG, &insert);
        assert!(out.ends_with(
            "  egress {\n    from_port = 0\n  }\n\n  ingress {\n    from_port = 8080\n  }\n}\n"
        ));
        // The other resource is untouched and the result parses.
        assert!(out.starts_with("resource \"aws_security_group\" \"lb\" {\n  name = \"x\"\n}\n"));
        assert!(hcl_edit::parser::parse_body(&out).is_ok());
        assert!(insert_in_resource(SG, "aws_security_group", "db", block).is_none());
        assert!(insert_in_resource("resource {", "a", "b", block).is_none());
    }

    #[test]
    fn a_one_line_resource_is_opened_up() {
        let text = "resource \"a\" \"b\" {}\n";
        let insert = insert_in_resource(text, "a", "b", "x {\n}").unwrap();
        assert_eq!(
            apply(text, &insert),
            "resource \"a\" \"b\" {\n  x {\n  }\n}\n"
        );
        let text = "  resource \"a\" \"b\" { y = 1 }";
        let insert = insert_in_resource(text, "a", "b", "x {}").unwrap();
        assert_eq!(
            apply(text, &insert),
            "  resource \"a\" \"b\" { y = 1 \n    x {}\n  }"
        );
    }

    #[test]
    fn a_resource_is_appended_after_a_blank_line() {
        let fix = "resource \"r\" \"n\" {\n}";
        assert_eq!(
            apply("a = 1\n", &append("a = 1\n", fix)),
            "a = 1\n\nresource \"r\" \"n\" {\n}\n"
        );
        assert_eq!(
            apply("a = 1", &append("a = 1", fix)),
            "a = 1\n\nresource \"r\" \"n\" {\n}\n"
        );
        assert_eq!(
            apply("a = 1\n\n", &append("a = 1\n\n", fix)),
            "a = 1\n\nresource \"r\" \"n\" {\n}\n"
        );
        assert_eq!(
            apply("a = 1\r\n", &append("a = 1\r\n", fix)),
            "a = 1\r\n\r\nresource \"r\" \"n\" {\r\n}\r\n"
        );
    }

    #[test]
    fn a_suppression_goes_above_the_line_indented_like_it() {
        let text = "x {\n    port = 1\r\n}\n";
        let insert = suppression(text, 4, "ELB004");
        assert_eq!(
            apply(text, &insert),
            "x {\n    # tf-elbcheck:ignore ELB004 -- reason\r\n    port = 1\r\n}\n"
        );
    }
}

//! Applying fix texts to one file's text with `hcl-edit`: the file is parsed into a body that
//! keeps every comment and every byte of layout, each new block is inserted into the body of
//! the resource it belongs in (or each new resource appended at the end), indented as the file
//! indents, and the body is written back. Nothing outside the inserted text changes: a file
//! whose text `hcl-edit` would not write back byte for byte is refused instead.

use hcl_edit::parser::parse_body;
use hcl_edit::structure::{Block, BlockLabel, Body, Structure};
use hcl_edit::{Decorate, Span};

/// Where one fix text goes in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Into the body of the top-level block that contains this byte offset of the text.
    Block(usize),
    /// At the end of the file.
    End,
}

/// The result of [`apply`].
#[derive(Debug, Default)]
pub(super) struct Applied {
    pub(super) text: String,
    /// How many distinct fixes went in.
    pub(super) count: usize,
    /// Fixes left for a later pass, each with the reason.
    pub(super) deferred: Vec<String>,
    /// Fixes that cannot go in (the others do), each with the reason.
    pub(super) refused: Vec<String>,
}

/// The text after applying `edits` in order, or why they cannot be applied.
///
/// Identical edits (same block, same text) are applied once. A new resource whose name the file
/// already declares gets a suffix (`_2`, …), unless the declaration is the same, when it is
/// left out. A network ACL rule whose number another fix of this pass already gives to the same
/// ACL and direction is deferred: the check, run again on the result, numbers it afresh. A fix
/// that cannot go in (its block is not there, or its ACL rule number is taken in this file) is
/// refused and the others applied; a file that cannot be edited at all is an error.
pub(super) fn apply(text: &str, edits: &[(Target, &str)]) -> Result<Applied, String> {
    // hcl-edit writes `\n` between structures: a CRLF file is edited as LF and turned back.
    let crlf = text.contains("\r\n");
    if crlf && text.matches('\n').count() != text.matches("\r\n").count() {
        return Err("it mixes CRLF and LF line endings".into());
    }
    let lf;
    let text_lf = if crlf {
        lf = text.replace("\r\n", "\n");
        lf.as_str()
    } else {
        text
    };
    let to_lf = |offset: usize| {
        if crlf {
            offset - text[..offset.min(text.len())].matches("\r\n").count()
        } else {
            offset
        }
    };
    let mut body = parse_body(text_lf).map_err(|e| format!("it does not parse: {e}"))?;
    if body.to_string() != text_lf {
        return Err("its layout could not be kept".into());
    }
    let unit = indent_unit(text_lf);

    // Resolve every target against the text as read, before anything moves.
    let mut inserts: Vec<(usize, Block)> = Vec::new();
    let mut appends: Vec<Block> = Vec::new();
    let mut numbers: Vec<(String, String)> = Vec::new();
    let mut deferred = Vec::new();
    let mut refused = Vec::new();
    for (target, fix) in edits {
        let place = match place(&body, &inserts, &appends, to_lf, *target, fix) {
            Ok(Some(place)) => place,
            Ok(None) => continue,
            Err(reason) => {
                refused.push(reason);
                continue;
            }
        };
        let (index, new) = place;
        if let Some(key) = acl_rule_number(index, &new) {
            if numbers.contains(&key) {
                deferred.push(format!(
                    "another fix of this pass gives network ACL rule number {} to the same ACL",
                    key.1
                ));
                continue;
            }
            let existing = match index {
                Some(i) => body.get(i).and_then(Structure::as_block).is_some_and(|b| {
                    b.body
                        .blocks()
                        .any(|x| acl_rule_number(Some(i), x) == Some(key.clone()))
                }),
                None => body
                    .blocks()
                    .any(|x| acl_rule_number(None, x) == Some(key.clone())),
            };
            if existing {
                refused.push(format!(
                    "the ACL already has a rule number {} here; add the suggested rule with a free number by hand",
                    key.1
                ));
                continue;
            }
            numbers.push(key);
        }
        match index {
            Some(index) => inserts.push((index, new)),
            None => appends.push(new),
        }
    }
    let count = inserts.len() + appends.len();
    for (index, new) in inserts {
        let Some(block) = body.get_mut(index).and_then(Structure::as_block_mut) else {
            unreachable!("resolved above");
        };
        insert_nested(block, new, &unit);
    }
    let top_level = !body.is_empty();
    for mut new in appends {
        indent(&mut new, &unit, 0);
        new.decor_mut()
            .set_prefix(if top_level { "\n" } else { "" });
        body.push(new);
    }

    let mut out = body.to_string();
    if crlf {
        out = out.replace('\n', "\r\n");
    }
    Ok(Applied {
        text: out,
        count,
        deferred,
        refused,
    })
}

/// The block a fix inserts (with the index of the top-level block it goes into, `None` for
/// the end of the file), `None` when the same fix is already there or planned, or why the fix
/// cannot go in.
fn place(
    body: &Body,
    inserts: &[(usize, Block)],
    appends: &[Block],
    to_lf: impl Fn(usize) -> usize,
    target: Target,
    fix: &str,
) -> Result<Option<(Option<usize>, Block)>, String> {
    let (expect, hcl) = split_header(fix);
    let mut new = single_block(hcl)?;
    match target {
        Target::Block(offset) => {
            let offset = to_lf(offset);
            let index = body
                .iter()
                .position(|s| s.span().is_some_and(|r| r.contains(&offset)))
                .ok_or_else(|| format!("no block at byte {offset}"))?;
            let block = body
                .get(index)
                .and_then(Structure::as_block)
                .ok_or_else(|| format!("byte {offset} is not in a block"))?;
            if let Some((rtype, name)) = expect {
                if !block.has_ident("resource") || !block.has_exact_labels(&[rtype, name]) {
                    return Err(format!(
                        "the block at byte {offset} is not resource \"{rtype}\" \"{name}\""
                    ));
                }
            }
            if inserts.iter().any(|(i, b)| *i == index && *b == new) {
                return Ok(None);
            }
            Ok(Some((Some(index), new)))
        }
        Target::End => {
            let same = |b: &Block| *b == new;
            if appends.iter().any(same) || body.blocks().any(same) {
                return Ok(None);
            }
            let taken = |b: &Block| {
                appends.iter().any(|a| same_header(a, b))
                    || body.blocks().any(|x| same_header(x, b))
            };
            if taken(&new) {
                rename_free(&mut new, taken)?;
            }
            Ok(Some((None, new)))
        }
    }
}

/// Gives a new resource the first name `NAME_2`, `NAME_3`, … that is not `taken`.
fn rename_free(new: &mut Block, taken: impl Fn(&Block) -> bool) -> Result<(), String> {
    let Some(name) = new.labels.get(1).map(|l| l.as_str().to_string()) else {
        return Err(format!("it already declares {}", header(new)));
    };
    for n in 2..100 {
        new.labels[1] = BlockLabel::from(format!("{name}_{n}"));
        if !taken(new) {
            return Ok(());
        }
    }
    Err(format!("it already declares {}", header(new)))
}

/// The ACL, direction and number of a new network ACL rule, `None` for anything else: an
/// inline `ingress`/`egress` block with a `rule_no` (inserted into block `place`), or an
/// `aws_network_acl_rule`.
fn acl_rule_number(place: Option<usize>, new: &Block) -> Option<(String, String)> {
    let attr = |key: &str| {
        new.body
            .get_attribute(key)
            .map(|a| a.value.to_string().trim().to_string())
    };
    match place {
        Some(index) => Some((format!("{index} {}", new.ident.as_str()), attr("rule_no")?)),
        None if new.has_ident("resource")
            && new
                .labels
                .first()
                .is_some_and(|l| l.as_str() == "aws_network_acl_rule") =>
        {
            Some((
                format!("{} {}", attr("network_acl_id")?, attr("egress")?),
                attr("rule_number")?,
            ))
        }
        None => None,
    }
}

/// Inserts `new` into `block`'s body: after the last block of the same kind, else at the end,
/// indented one level deeper than the block's own structures and set apart by a blank line
/// when its neighbour is.
fn insert_nested(block: &mut Block, mut new: Block, unit: &str) {
    let body = &mut block.body;
    let inner = body
        .iter()
        .find_map(|s| {
            let prefix = s.decor().prefix()?;
            let last = prefix.rsplit('\n').next().unwrap_or("");
            (!last.is_empty() && last.chars().all(|c| c == ' ' || c == '\t'))
                .then(|| last.to_string())
        })
        .unwrap_or_else(|| unit.to_string());
    let same = (0..body.len()).rev().find(|&i| {
        body.get(i)
            .and_then(Structure::as_block)
            .is_some_and(|b| b.ident.as_str() == new.ident.as_str())
    });
    let (at, blank) = match same {
        Some(i) => (
            i + 1,
            body.get(i)
                .and_then(|s| s.decor().prefix())
                .is_some_and(|p| p.starts_with('\n')),
        ),
        None => (body.len(), !body.is_empty()),
    };
    // The nested block's own structures sit one file unit deeper than the block's.
    indent_nested(&mut new, &inner, unit);
    new.decor_mut()
        .set_prefix(format!("{}{inner}", if blank { "\n" } else { "" }));
    body.insert(at, new);
}

/// Indents a block that sits at `outer` indentation: its structures one `unit` deeper.
fn indent_nested(block: &mut Block, outer: &str, unit: &str) {
    let inner = format!("{outer}{unit}");
    let structures: Vec<Structure> = std::mem::take(&mut block.body).into_iter().collect();
    let mut body = Body::from_iter(structures.into_iter().map(|mut s| {
        if let Structure::Block(b) = &mut s {
            indent_nested(b, &inner, unit);
        }
        s.decor_mut().set_prefix(inner.clone());
        s
    }));
    body.decor_mut().set_prefix("");
    body.decor_mut().set_suffix(outer.to_string());
    block.body = body;
}

/// Indents a top-level block (`depth` 0) with the file's unit.
fn indent(block: &mut Block, unit: &str, depth: usize) {
    indent_nested(block, &unit.repeat(depth), unit);
}

/// The file's indentation unit: the leading whitespace of its first indented line (two spaces
/// when no line is indented).
fn indent_unit(text: &str) -> String {
    text.lines()
        .find_map(|line| {
            let ws: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            (!ws.is_empty() && ws.len() < line.len()).then_some(ws)
        })
        .unwrap_or_else(|| "  ".to_string())
}

/// Splits a fix text into the resource its `# inside resource "TYPE" "NAME"` line names (for
/// an inline block) and the HCL itself.
fn split_header(fix: &str) -> (Option<(&str, &str)>, &str) {
    let Some(rest) = fix.strip_prefix("# inside resource ") else {
        return (None, fix);
    };
    let (line, hcl) = rest.split_once('\n').unwrap_or((rest, ""));
    let mut labels = line.split('"').filter(|p| !p.trim().is_empty());
    match (labels.next(), labels.next(), labels.next()) {
        (Some(rtype), Some(name), None) => (Some((rtype, name)), hcl),
        _ => (None, hcl),
    }
}

/// The one block a fix text holds.
fn single_block(hcl: &str) -> Result<Block, String> {
    let body = parse_body(hcl).map_err(|e| format!("the fix does not parse: {e}"))?;
    let mut structures = body.into_iter();
    match (structures.next(), structures.next()) {
        (Some(Structure::Block(mut b)), None) => {
            b.decor_mut().clear();
            Ok(b)
        }
        _ => Err("the fix is not a single block".into()),
    }
}

fn same_header(a: &Block, b: &Block) -> bool {
    a.ident.as_str() == b.ident.as_str()
        && a.labels.len() == b.labels.len()
        && a.labels
            .iter()
            .zip(&b.labels)
            .all(|(x, y)| x.as_str() == y.as_str())
}

/// `TYPE.NAME` of a resource block, for messages.
fn header(b: &Block) -> String {
    let labels: Vec<&str> = b.labels.iter().map(|l| l.as_str()).collect();
    if b.has_ident("resource") {
        labels.join(".")
    } else {
        format!("{} {}", b.ident.as_str(), labels.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::{apply, Target};

    const FILE: &str = "# header comment\n\nresource \"aws_security_group\" \"web\" {\n  name = \"web\" # trailing\n\n  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }\n\n  # keep me\n  tags = {\n    a = 1\n  }\n}\n\n\n# the end\n";

    const INLINE: &str = "# inside resource \"aws_security_group\" \"web\"\ningress {\n  from_port       = 80\n  to_port         = 80\n  protocol        = \"tcp\"\n  security_groups = [aws_security_group.lb.id]\n}";

    const RESOURCE: &str =
        "resource \"aws_security_group_rule\" \"web_ingress_80\" {\n  type = \"ingress\"\n}";

    #[test]
    fn inline_blocks_go_after_their_kind_and_keep_everything_else() {
        let at = FILE.find("resource").unwrap();
        let applied = apply(
            FILE,
            &[(Target::Block(at), INLINE), (Target::Block(at + 5), INLINE)],
        )
        .unwrap();
        assert_eq!(applied.count, 1, "identical fixes apply once");
        let out = applied.text;
        let expected = FILE.replace(
            "  }\n\n  # keep me",
            "  }\n\n  ingress {\n    from_port       = 80\n    to_port         = 80\n    protocol        = \"tcp\"\n    security_groups = [aws_security_group.lb.id]\n  }\n\n  # keep me",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn resources_go_at_the_end_before_trailing_comments() {
        let applied = apply(FILE, &[(Target::End, RESOURCE), (Target::End, RESOURCE)]).unwrap();
        assert_eq!(applied.count, 1);
        let out = applied.text;
        let expected = FILE.replace(
            "}\n\n\n# the end",
            "}\n\nresource \"aws_security_group_rule\" \"web_ingress_80\" {\n  type = \"ingress\"\n}\n\n\n# the end",
        );
        assert_eq!(out, expected);
    }

    #[test]
    fn tabs_and_crlf_are_kept() {
        let file = "resource \"aws_security_group\" \"web\" {\r\n\tingress {\r\n\t\tfrom_port = 1\r\n\t}\r\n}\r\n";
        let out = apply(file, &[(Target::Block(3), INLINE), (Target::End, RESOURCE)])
            .unwrap()
            .text;
        assert_eq!(
            out,
            "resource \"aws_security_group\" \"web\" {\r\n\tingress {\r\n\t\tfrom_port = 1\r\n\t}\r\n\tingress {\r\n\t\tfrom_port       = 80\r\n\t\tto_port         = 80\r\n\t\tprotocol        = \"tcp\"\r\n\t\tsecurity_groups = [aws_security_group.lb.id]\r\n\t}\r\n}\r\n\r\nresource \"aws_security_group_rule\" \"web_ingress_80\" {\r\n\ttype = \"ingress\"\r\n}\r\n"
        );
    }

    #[test]
    fn a_block_that_is_not_the_named_resource_is_refused() {
        let file = "resource \"aws_security_group\" \"other\" {\n}\n";
        let refused = |at| apply(file, &[(Target::Block(at), INLINE)]).unwrap().refused;
        assert!(refused(0)[0].contains("not resource \"aws_security_group\" \"web\""));
        assert!(refused(200)[0].contains("no block"));
        let mixed = "a = 1\r\nb = 2\n";
        let err = apply(mixed, &[(Target::End, RESOURCE)]).unwrap_err();
        assert!(err.contains("mixes CRLF and LF"), "{err}");
        assert!(apply("a = ", &[])
            .unwrap_err()
            .starts_with("it does not parse"));
    }

    #[test]
    fn a_resource_name_that_is_taken_gets_a_suffix() {
        let applied = apply(RESOURCE, &[(Target::End, RESOURCE)]).unwrap();
        assert_eq!(
            (applied.count, applied.text.as_str()),
            (0, RESOURCE),
            "already there"
        );
        let other = RESOURCE.replace("ingress\"\n", "egress\"\n");
        let applied = apply(FILE, &[(Target::End, RESOURCE), (Target::End, &other)]).unwrap();
        assert_eq!(applied.count, 2);
        assert!(applied
            .text
            .contains("\"web_ingress_80\" {\n  type = \"ingress\""));
        assert!(applied
            .text
            .contains("\"web_ingress_80_2\" {\n  type = \"egress\""));
    }

    #[test]
    fn acl_rules_that_share_a_number_are_deferred() {
        let acl = "resource \"aws_network_acl\" \"a\" {\n  egress {\n    rule_no = 100\n  }\n}\n";
        let rule = |cidr: &str| {
            format!("# inside resource \"aws_network_acl\" \"a\"\negress {{\n  rule_no    = 110\n  cidr_block = \"{cidr}\"\n}}")
        };
        let (one, two) = (rule("0.0.0.0/0"), rule("10.0.0.0/8"));
        let applied = apply(acl, &[(Target::Block(0), &one), (Target::Block(0), &two)]).unwrap();
        assert_eq!(applied.count, 1);
        assert!(applied.text.contains("0.0.0.0/0") && !applied.text.contains("10.0.0.0/8"));
        assert_eq!(applied.deferred.len(), 1, "{:?}", applied.deferred);
        let resource = |cidr: &str| {
            format!("resource \"aws_network_acl_rule\" \"a_out_{}\" {{\n  network_acl_id = aws_network_acl.a.id\n  rule_number    = 110\n  egress         = true\n  cidr_block     = \"{cidr}\"\n}}", cidr.len())
        };
        let (one, two) = (resource("0.0.0.0/0"), resource("10.0.0.0/8"));
        let applied = apply(acl, &[(Target::End, &one), (Target::End, &two)]).unwrap();
        assert_eq!((applied.count, applied.deferred.len()), (1, 1));
    }

    #[test]
    fn a_fix_that_cannot_go_in_is_refused_and_the_others_applied() {
        let acl = "resource \"aws_network_acl\" \"a\" {\n  egress {\n    rule_no = 110\n  }\n}\n";
        let taken = "# inside resource \"aws_network_acl\" \"a\"\negress {\n  rule_no = 110\n  cidr_block = \"10.0.0.0/8\"\n}";
        let applied = apply(acl, &[(Target::Block(0), taken), (Target::End, RESOURCE)]).unwrap();
        assert_eq!(applied.count, 1);
        assert!(applied.text.ends_with(&format!("}}\n\n{RESOURCE}\n")));
        assert_eq!(applied.refused.len(), 1);
        assert!(applied.refused[0].contains("already has a rule number 110"));
    }

    #[test]
    fn a_file_without_a_final_newline_gets_none() {
        let file = "resource \"a\" \"b\" {\n  x = 1\n}";
        let out = apply(file, &[(Target::End, RESOURCE)]).unwrap().text;
        assert_eq!(out, format!("{file}\n\n{RESOURCE}"));
    }
}

//! Override files (`override.tf`, `*_override.tf` and their `.tf.json` forms), merged into the
//! blocks of a module's primary files the way Terraform does: after every primary file, in
//! lexical order of file name, later overrides taking precedence.
//!
//! - An argument of an override block replaces the argument of the same name (or is added).
//! - A nested block type in an override block replaces *every* nested block of that type in the
//!   original; a `dynamic "ingress"` block counts as type `ingress`. Types the override does not
//!   mention are kept. `lifecycle` is merged argument by argument.
//! - Each `locals` entry overrides the local value of the same name.
//! - A resource, data source, variable, output, module call or local value that overrides
//!   nothing is an error, as in Terraform. `provider` and `terraform` blocks do not affect the
//!   checks and are left as they are.
//!
//! [`merge_module`] builds a module's body this way: its primary files one after another, then
//! each override file applied.

use crate::diagnostic::codes::TF001;
use crate::diagnostic::Finding;
use crate::syntax::{Attribute, Block, Body};

/// A module's body: its primary files merged, then its override files applied in order.
pub(super) fn merge_module(
    primary: Vec<Body>,
    over: Vec<Body>,
    findings: &mut Vec<Finding>,
) -> Body {
    let mut body = merge_all(primary);
    for o in over {
        apply(&mut body, o, findings);
    }
    body
}

/// The bodies of a directory's files as one body, in file order, allocated once.
fn merge_all(bodies: Vec<Body>) -> Body {
    if bodies.len() == 1 {
        return bodies.into_iter().next().unwrap_or_default();
    }
    let mut out = Body {
        attributes: Vec::with_capacity(bodies.iter().map(|b| b.attributes.len()).sum()),
        blocks: Vec::with_capacity(bodies.iter().map(|b| b.blocks.len()).sum()),
    };
    for body in bodies {
        merge(&mut out, body);
    }
    out
}

fn merge(into: &mut Body, body: Body) {
    into.attributes.extend(body.attributes);
    into.blocks.extend(body.blocks);
}

/// True for the file names Terraform treats as override files.
pub(super) fn is_override(name: &str) -> bool {
    let name = name.strip_suffix(".json").unwrap_or(name);
    let stem = name
        .strip_suffix(".tf")
        .or_else(|| name.strip_suffix(".tofu"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// Merges one override file's body into the merged primary body of its module.
pub(super) fn apply(base: &mut Body, over: Body, findings: &mut Vec<Finding>) {
    for block in over.blocks {
        match block.kind.as_str() {
            "locals" => {
                for attr in block.body.attributes {
                    override_local(base, attr, findings);
                }
            }
            "resource" | "data" | "variable" | "output" | "module" => {
                match base
                    .blocks
                    .iter_mut()
                    .find(|b| b.kind == block.kind && b.labels == block.labels)
                {
                    Some(original) => merge_block(original, block),
                    None => findings.push(missing(&block)),
                }
            }
            _ => {}
        }
    }
}

fn override_local(base: &mut Body, attr: Attribute, findings: &mut Vec<Finding>) {
    let original = base
        .blocks
        .iter_mut()
        .filter(|b| b.kind == "locals")
        .flat_map(|b| b.body.attributes.iter_mut())
        .find(|a| a.name == attr.name);
    match original {
        Some(original) => *original = attr,
        None => findings.push(Finding::new(&TF001,
            attr.name_span,
            format!(
                "override of local value \"{}\", which no primary file of this module declares; an override file can only change what a primary file declares",
                attr.name
            ),
        )),
    }
}

fn missing(block: &Block) -> Finding {
    let what = match block.kind.as_str() {
        "data" => "data source",
        "module" => "module call",
        other => other,
    };
    let name = block.labels.join(".");
    Finding::new(&TF001,
        block.header_span,
        format!(
            "override of {what} \"{name}\", which no primary file of this module declares; an override file can only change what a primary file declares"
        ),
    )
    .help(format!(
        "declare the {what} in a file whose name does not end in `override.tf`, or fix the name"
    ))
}

/// The block type a nested block stands for: `dynamic "x"` generates blocks of type `x`.
fn generated_kind(block: &Block) -> &str {
    match (block.kind.as_str(), block.labels.first()) {
        ("dynamic", Some(label)) => label,
        (kind, _) => kind,
    }
}

fn merge_block(original: &mut Block, over: Block) {
    merge_attributes(&mut original.body, over.body.attributes);
    if over.body.blocks.is_empty() {
        return;
    }
    let replaced: Vec<String> = over
        .body
        .blocks
        .iter()
        .filter(|b| b.kind != "lifecycle")
        .map(|b| generated_kind(b).to_string())
        .collect();
    original
        .body
        .blocks
        .retain(|b| !replaced.iter().any(|k| k == generated_kind(b)));
    for block in over.body.blocks {
        if block.kind == "lifecycle" {
            if let Some(own) = original
                .body
                .blocks
                .iter_mut()
                .find(|b| b.kind == "lifecycle")
            {
                merge_attributes(&mut own.body, block.body.attributes);
                continue;
            }
        }
        original.body.blocks.push(block);
    }
}

fn merge_attributes(body: &mut Body, attributes: Vec<Attribute>) {
    for attr in attributes {
        match body.attributes.iter_mut().find(|a| a.name == attr.name) {
            Some(own) => *own = attr,
            None => body.attributes.push(attr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use crate::syntax::ExprKind;

    fn literal(attr: &Attribute) -> Option<String> {
        match &attr.expr.kind {
            ExprKind::String(s) => Some(s.clone()),
            ExprKind::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    fn parse(id: u32, text: &str) -> Body {
        crate::frontend::read::parse_hcl_text(FileId(id), text).expect("test HCL parses")
    }

    fn merged(primary: &str, overrides: &[&str]) -> (Body, Vec<Finding>) {
        let mut base = parse(0, primary);
        let mut findings = Vec::new();
        for (i, text) in overrides.iter().enumerate() {
            apply(&mut base, parse(i as u32 + 1, text), &mut findings);
        }
        (base, findings)
    }

    fn attr(body: &Body, kind: &str, name: &str) -> Option<String> {
        body.blocks
            .iter()
            .find(|b| b.kind == kind)
            .and_then(|b| b.body.attribute(name))
            .and_then(literal)
    }

    #[test]
    fn names_of_override_files() {
        for name in [
            "override.tf",
            "override.tf.json",
            "a_override.tf",
            "x_override.tf.json",
        ] {
            assert!(is_override(name), "{name}");
        }
        for name in ["main.tf", "overrides.tf", "my-override.tf", "override_a.tf"] {
            assert!(!is_override(name), "{name}");
        }
    }

    #[test]
    fn arguments_replace_and_nested_types_are_replaced_whole() {
        let (body, findings) = merged(
            r#"
resource "aws_security_group" "app" {
  name = "app"
  ingress {
    from_port = 80
  }
  dynamic "ingress" {
    for_each = [1]
    content {}
  }
  egress {
    from_port = 0
  }
}
"#,
            &[r#"
resource "aws_security_group" "app" {
  name        = "changed"
  description = "added"
  ingress {
    from_port = 8080
  }
}
"#],
        );
        assert!(findings.is_empty());
        let sg = &body.blocks[0];
        assert_eq!(attr(&body, "resource", "name").as_deref(), Some("changed"));
        assert_eq!(
            attr(&body, "resource", "description").as_deref(),
            Some("added")
        );
        let kinds: Vec<&str> = sg.body.blocks.iter().map(|b| b.kind.as_str()).collect();
        // Both the static and the dynamic ingress of the original are gone; egress stays.
        assert_eq!(kinds, ["egress", "ingress"]);
        let port = sg.body.blocks[1]
            .body
            .attribute("from_port")
            .and_then(literal);
        assert_eq!(port.as_deref(), Some("8080"));
        // The block still stands where the primary file declares it; its new ingress block
        // keeps the override file's location.
        assert_eq!(sg.header_span.file, FileId(0));
        assert_eq!(sg.body.blocks[1].header_span.file, FileId(1));
    }

    #[test]
    fn later_overrides_win_and_locals_override_one_by_one() {
        let (body, findings) = merged(
            "locals {\n  a = 1\n  b = 2\n}\n",
            &["locals {\n  a = 10\n}\n", "locals {\n  a = 100\n}\n"],
        );
        assert!(findings.is_empty());
        let locals = &body.blocks[0].body;
        assert_eq!(
            locals.attribute("a").and_then(literal).as_deref(),
            Some("100")
        );
        assert_eq!(
            locals.attribute("b").and_then(literal).as_deref(),
            Some("2")
        );
    }

    #[test]
    fn overriding_nothing_is_an_error() {
        let (_, findings) = merged(
            "variable \"port\" {}\n",
            &["variable \"prot\" {}\nlocals {\n  x = 1\n}\nprovider \"aws\" {}\n"],
        );
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].contains("variable \"prot\""));
        assert!(messages[1].contains("local value \"x\""));
        assert!(findings.iter().all(|f| f.code() == "TF001"));
    }

    #[test]
    fn lifecycle_merges_argument_by_argument() {
        let (body, _) = merged(
            "resource \"a\" \"b\" {\n  lifecycle {\n    create_before_destroy = true\n    prevent_destroy = false\n  }\n}\n",
            &["resource \"a\" \"b\" {\n  lifecycle {\n    prevent_destroy = true\n  }\n}\n"],
        );
        let lifecycle = &body.blocks[0].body.blocks;
        assert_eq!(lifecycle.len(), 1);
        assert_eq!(lifecycle[0].body.attributes.len(), 2);
    }
}

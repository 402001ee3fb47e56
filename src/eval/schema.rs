//! The arguments Terraform accepts in the nested blocks whose values decide reachability: the
//! inline rules of security groups and network ACLs, and the listeners and health check of a
//! Classic LB. Terraform rejects a misspelt or missing argument there (`protocal = "tcp"`); so
//! does this tool (TF001 at the argument), rather than reason about a block that cannot exist.
//!
//! Only these small, stable schemas are checked. The lists follow the AWS provider's
//! documentation; an argument the provider accepts must never be reported here.

use crate::diagnostic::codes::TF001;
use crate::diagnostic::Finding;
use crate::syntax::{Block, Body};

/// One nested block type of one resource type.
struct Schema {
    resources: &'static [&'static str],
    block: &'static str,
    required: &'static [&'static str],
    optional: &'static [&'static str],
}

const SG_RULE: (&[&str], &[&str]) = (
    &["from_port", "to_port", "protocol"],
    &[
        "cidr_blocks",
        "ipv6_cidr_blocks",
        "prefix_list_ids",
        "security_groups",
        "self",
        "description",
    ],
);

const NACL_RULE: (&[&str], &[&str]) = (
    &["from_port", "to_port", "rule_no", "action", "protocol"],
    &["cidr_block", "ipv6_cidr_block", "icmp_type", "icmp_code"],
);

const GROUPS: &[&str] = &["aws_security_group", "aws_default_security_group"];
const ACLS: &[&str] = &["aws_network_acl", "aws_default_network_acl"];

const SCHEMAS: &[Schema] = &[
    Schema {
        resources: GROUPS,
        block: "ingress",
        required: SG_RULE.0,
        optional: SG_RULE.1,
    },
    Schema {
        resources: GROUPS,
        block: "egress",
        required: SG_RULE.0,
        optional: SG_RULE.1,
    },
    Schema {
        resources: ACLS,
        block: "ingress",
        required: NACL_RULE.0,
        optional: NACL_RULE.1,
    },
    Schema {
        resources: ACLS,
        block: "egress",
        required: NACL_RULE.0,
        optional: NACL_RULE.1,
    },
    Schema {
        resources: &["aws_elb"],
        block: "listener",
        required: &[
            "instance_port",
            "instance_protocol",
            "lb_port",
            "lb_protocol",
        ],
        optional: &["ssl_certificate_id"],
    },
    Schema {
        resources: &["aws_elb"],
        block: "health_check",
        required: &[
            "healthy_threshold",
            "unhealthy_threshold",
            "target",
            "interval",
            "timeout",
        ],
        optional: &[],
    },
];

/// Checks the nested blocks above in every resource of a module body.
pub(super) fn check(body: &Body, findings: &mut Vec<Finding>) {
    for resource in body.blocks.iter().filter(|b| b.kind == "resource") {
        let Some(rtype) = resource.labels.first() else {
            continue;
        };
        let name = resource.labels.join(".");
        for nested in &resource.body.blocks {
            // `dynamic "ingress" { content { … } }` produces ingress blocks from its content.
            let (kind, content) = if nested.kind == "dynamic" {
                let Some(kind) = nested.labels.first() else {
                    continue;
                };
                match nested.body.blocks_of("content").next() {
                    Some(content) => (kind.as_str(), content),
                    None => continue,
                }
            } else {
                (nested.kind.as_str(), nested)
            };
            let Some(schema) = SCHEMAS
                .iter()
                .find(|s| s.block == kind && s.resources.contains(&rtype.as_str()))
            else {
                continue;
            };
            check_block(schema, &name, content, nested, findings);
        }
    }
}

fn check_block(
    schema: &Schema,
    resource: &str,
    content: &Block,
    header: &Block,
    findings: &mut Vec<Finding>,
) {
    let known = |n: &str| schema.required.contains(&n) || schema.optional.contains(&n);
    for attr in &content.body.attributes {
        // `"//"` keys are comments in JSON syntax.
        if known(&attr.name) || attr.name == "//" {
            continue;
        }
        let mut f = Finding::new(
            &TF001,
            attr.name_span,
            format!(
                "unsupported argument \"{}\" in {} {} block of {resource}",
                attr.name,
                article(schema.block),
                schema.block
            ),
        );
        f = match closest(&attr.name, schema) {
            Some(near) => f.help(format!("did you mean \"{near}\"?")),
            None => f.help(format!(
                "{} {} block takes {}",
                article(schema.block),
                schema.block,
                schema
                    .required
                    .iter()
                    .chain(schema.optional)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        };
        findings.push(f);
    }
    for block in &content.body.blocks {
        findings.push(Finding::new(
            &TF001,
            block.header_span,
            format!(
                "unsupported block type \"{}\" in {} {} block of {resource}",
                block.kind,
                article(schema.block),
                schema.block
            ),
        ));
    }
    let missing: Vec<&str> = schema
        .required
        .iter()
        .copied()
        .filter(|r| content.body.attribute(r).is_none())
        .collect();
    if !missing.is_empty() {
        findings.push(Finding::new(
            &TF001,
            header.header_span,
            format!(
                "this {} block of {resource} lacks the required argument{} {}",
                schema.block,
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

/// The accepted argument closest to a misspelt one, when it is close enough to be meant.
fn closest(name: &str, schema: &Schema) -> Option<&'static str> {
    schema
        .required
        .iter()
        .chain(schema.optional)
        .map(|k| (strsim::damerau_levenshtein(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(text: &str) -> Vec<Finding> {
        let mut sources = crate::source::SourceTable::default();
        let id = sources.add("main.tf".into(), text.to_string());
        let body = crate::frontend::parse_hcl(id, &sources).expect("test HCL parses");
        let mut out = Vec::new();
        check(&body, &mut out);
        out
    }

    #[test]
    fn valid_blocks_pass() {
        let out = findings(
            r#"
resource "aws_security_group" "a" {
  name = "a"
  ingress {
    from_port       = 80
    to_port         = 80
    protocol        = "tcp"
    cidr_blocks     = ["0.0.0.0/0"]
    security_groups = []
    self            = false
    description     = "web"
  }
  dynamic "egress" {
    for_each = [1]
    content {
      from_port   = 0
      to_port     = 0
      protocol    = "-1"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}
resource "aws_network_acl" "b" {
  ingress {
    rule_no    = 100
    action     = "allow"
    protocol   = "tcp"
    cidr_block = "0.0.0.0/0"
    from_port  = 80
    to_port    = 80
  }
}
resource "aws_elb" "c" {
  listener {
    lb_port           = 443
    lb_protocol       = "https"
    instance_port     = 80
    instance_protocol = "http"
    ssl_certificate_id = "arn:x"
  }
  health_check {
    target              = "HTTP:80/"
    interval            = 30
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 2
  }
}
resource "aws_instance" "d" {
  ingress {
    anything = 1
  }
}
"#,
        );
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn misspelt_and_missing_arguments_are_located() {
        let out = findings(
            r#"resource "aws_security_group" "a" {
  ingress {
    from_port  = 80
    to_port    = 80
    protocal   = "tcp"
    cidr_block = ["0.0.0.0/0"]
  }
}
resource "aws_elb" "c" {
  dynamic "listener" {
    for_each = [1]
    content {
      lb_port       = 80
      lb_protocol   = "http"
      instance_port = 80
    }
  }
}
"#,
        );
        let messages: Vec<(&str, u32, Option<&str>)> = out
            .iter()
            .map(|f| (f.message.as_str(), f.span.start, f.help.as_deref()))
            .collect();
        assert_eq!(out.len(), 4, "{messages:#?}");
        assert!(out.iter().all(|f| f.code() == "TF001"));
        assert!(messages[0].0.contains("unsupported argument \"protocal\""));
        assert_eq!(messages[0].2, Some("did you mean \"protocol\"?"));
        assert!(messages[1]
            .0
            .contains("unsupported argument \"cidr_block\""));
        assert_eq!(messages[1].2, Some("did you mean \"cidr_blocks\"?"));
        assert!(messages[2]
            .0
            .contains("lacks the required argument \"protocol\""));
        assert!(messages[3].0.contains(
            "listener block of aws_elb.c lacks the required argument \"instance_protocol\""
        ));
    }
}

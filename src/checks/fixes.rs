//! The HCL of suggested fixes: a security group rule in the style the group already uses, the
//! expressions that name a group or a CIDR from inside the module being edited, and where the
//! edit goes ([`FixEdit`]).

use super::context::Context;
use super::evidence::local_name;
use crate::algebra::addrs::AddrSet;
use crate::algebra::ports::PortSet;
use crate::diagnostic::{Fix, FixEdit};
use crate::model::{Direction, GroupId, LoadBalancer, Network};
use crate::source::Span;

/// The other side of a suggested security group rule.
pub(crate) enum PeerFix {
    /// The group itself (`self = true`).
    Myself,
    /// A group expression, e.g. `aws_security_group.lb.id`.
    Group(String),
    /// A CIDR expression, e.g. `"0.0.0.0/0"` or `aws_vpc.main.cidr_block`.
    Cidr(String),
}

/// A rule that would allow `ports`, in the style the group already uses: an inline block
/// (inserted into the group's resource, or into the override file that supplies its inline
/// rules of that direction: [`edit_span`]), an `aws_vpc_security_group_*_rule`, or an
/// `aws_security_group_rule` (appended to the group's file; for AWS's default group, which is
/// not in the configuration, to its VPC's file).
pub(crate) fn sg_rule_fix(
    net: &Network,
    group: GroupId,
    kind: &str,
    protocol: &str,
    ports: &PortSet,
    peer: &PeerFix,
) -> Fix {
    let g = &net.groups[group];
    let text = sg_rule_text(net, group, kind, protocol, ports, peer);
    let edit = if g.has_inline && !g.synthetic {
        let dir = if kind == "egress" {
            Direction::Egress
        } else {
            Direction::Ingress
        };
        let block = edit_span(net, group, dir, g.span);
        FixEdit::InsertInBlock {
            file: block.file,
            block,
        }
    } else if g.synthetic {
        // `aws_vpc.x.default_security_group_id` resolves beside the VPC; without a VPC the
        // text names no group and is only advice.
        match g.vpc {
            Some(v) => FixEdit::AppendToFile {
                file: net.vpcs[v].span.file,
            },
            None => FixEdit::None,
        }
    } else {
        FixEdit::AppendToFile { file: g.span.file }
    };
    Fix { text, edit }
}

/// The HCL of [`sg_rule_fix`].
fn sg_rule_text(
    net: &Network,
    group: GroupId,
    kind: &str,
    protocol: &str,
    ports: &PortSet,
    peer: &PeerFix,
) -> String {
    let g = &net.groups[group];
    let (from, to) = ports.ranges().first().copied().unwrap_or((0, 0));
    let gname = slug(g.address.rsplit('.').next().unwrap_or("group"));
    let protocol = format!("\"{protocol}\"");
    let (rtype, rname) = resource_type_and_name(&g.address);
    let range = if from == to {
        format!("{from}")
    } else {
        format!("{from}_{to}")
    };
    let vpc_style = g.rules.iter().any(|r| {
        r.standalone
            .as_deref()
            .is_some_and(|a| a.contains("aws_vpc_security_group_"))
    });
    if g.has_inline && !g.synthetic {
        let peer = match peer {
            PeerFix::Myself => "self            = true".to_string(),
            PeerFix::Group(e) => format!("security_groups = [{e}]"),
            PeerFix::Cidr(e) => format!("cidr_blocks     = [{e}]"),
        };
        format!(
            "# inside resource \"{rtype}\" \"{rname}\"\n{kind} {{\n  from_port       = {from}\n  to_port         = {to}\n  protocol        = {protocol}\n  {peer}\n}}"
        )
    } else if vpc_style {
        let peer = match peer {
            PeerFix::Myself => format!("referenced_security_group_id = {}", group_expr(net, group)),
            PeerFix::Group(e) => format!("referenced_security_group_id = {e}"),
            PeerFix::Cidr(e) => format!("cidr_ipv4                    = {e}"),
        };
        format!(
            "resource \"aws_vpc_security_group_{kind}_rule\" \"{gname}_{range}\" {{\n  security_group_id            = {}\n  ip_protocol                  = {protocol}\n  from_port                    = {from}\n  to_port                      = {to}\n  {peer}\n}}",
            group_expr(net, group)
        )
    } else {
        let peer = match peer {
            PeerFix::Myself => "self                     = true".to_string(),
            PeerFix::Group(e) => format!("source_security_group_id = {e}"),
            PeerFix::Cidr(e) => format!("cidr_blocks              = [{e}]"),
        };
        format!(
            "resource \"aws_security_group_rule\" \"{gname}_{kind}_{range}\" {{\n  type                     = \"{kind}\"\n  security_group_id        = {}\n  protocol                 = {protocol}\n  from_port                = {from}\n  to_port                  = {to}\n  {peer}\n}}",
            group_expr(net, group)
        )
    }
}

/// The expression that names a group in HCL, e.g. `aws_security_group.lb.id`.
pub(crate) fn group_expr(net: &Network, g: GroupId) -> String {
    let group = &net.groups[g];
    if group.synthetic {
        match group.vpc {
            Some(v) => format!(
                "{}.default_security_group_id",
                local_name(&net.vpcs[v].address)
            ),
            None => "<default security group id>".to_string(),
        }
    } else {
        format!("{}.id", local_name(&group.address))
    }
}

/// A valid Terraform name fragment.
pub(crate) fn slug(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect()
}

/// The CIDR expression of an LB's VPC, for suggested rules.
pub(crate) fn vpc_cidr_expr(net: &Network, lb: &LoadBalancer) -> String {
    match net.lb_vpc_cidrs(lb) {
        Ok(c) => format!("\"{}\"", covering_cidr(&c)),
        Err(_) => match lb.vpc {
            Some(v) => format!("{}.cidr_block", local_name(&net.vpcs[v].address)),
            None => format!("\"{}\"", crate::model::DEFAULT_VPC_CIDR),
        },
    }
}

/// The module address prefix of a resource address (`module.web.` or empty).
fn module_prefix(address: &str) -> &str {
    &address[..address.len() - local_name(address).len()]
}

/// The type and name of a resource address, as written in its block header.
pub(crate) fn resource_type_and_name(address: &str) -> (String, String) {
    let local = local_name(address);
    let mut parts = local.splitn(2, '.');
    let rtype = parts.next().unwrap_or_default().to_string();
    let name = parts.next().unwrap_or_default();
    let name = name.split('[').next().unwrap_or(name).to_string();
    (rtype, name)
}

/// How HCL inside the module of `group` can name `peer`: its own reference when both live in
/// one module, else the expression an existing rule of that module already uses for it.
pub(crate) fn peer_group_expr(cx: &Context, group: GroupId, peer: GroupId) -> Option<String> {
    let net = cx.net;
    let here = module_prefix(&net.groups[group].address);
    if net.groups[peer].synthetic || module_prefix(&net.groups[peer].address) == here {
        return Some(group_expr(net, peer));
    }
    net.groups
        .iter()
        .filter(|g| module_prefix(&g.address) == here)
        .flat_map(|g| g.rules.iter())
        .flat_map(|r| r.group_refs.iter())
        .filter(|(g, _)| *g == peer)
        .find_map(|(_, span)| {
            let text = cx.sources.snippet_of(*span)?.trim();
            let inner = text
                .strip_prefix('[')
                .and_then(|t| t.strip_suffix(']'))
                .unwrap_or(text)
                .trim();
            (!inner.is_empty() && !inner.contains(',') && !inner.contains('\n'))
                .then(|| inner.to_string())
        })
}

/// Where to point for a finding about group `g` that a new `dir` rule fixes: the group, the
/// override file that supplies its inline rules of that direction, or `fallback` when the
/// group is AWS's default group, which is not in the configuration.
pub(crate) fn edit_span(net: &Network, g: GroupId, dir: Direction, fallback: Span) -> Span {
    let group = &net.groups[g];
    if group.synthetic {
        return fallback;
    }
    // Inline rules of this direction that an override file supplies replace the group's own:
    // a new one must go beside them, in the override file (overrides live in other files).
    group
        .rules
        .iter()
        .find(|r| r.direction == dir && r.standalone.is_none() && r.span.file != group.span.file)
        .map_or(group.span, |r| r.span)
}

/// The peer of a suggested rule on `group` that names group `peer`: `self` when they are the
/// same group, the module's own way of naming `peer`, or else the LB's VPC CIDR.
pub(crate) fn peer_fix(cx: &Context, group: GroupId, peer: GroupId, lb: &LoadBalancer) -> PeerFix {
    if group == peer {
        return PeerFix::Myself;
    }
    peer_group_expr(cx, group, peer)
        .map_or_else(|| PeerFix::Cidr(vpc_cidr_expr(cx.net, lb)), PeerFix::Group)
}

/// The smallest single CIDR block that covers the set (`0.0.0.0/0` for the public space), for
/// a rule that has room for one `cidr_block`.
pub(crate) fn covering_cidr(cidr: &AddrSet) -> String {
    if cidr.contains_set(&AddrSet::public()) {
        return "0.0.0.0/0".to_string();
    }
    let (Some(&(lo, _)), Some(&(_, hi))) = (cidr.ranges().first(), cidr.ranges().last()) else {
        return "0.0.0.0/0".to_string();
    };
    let prefix = (lo ^ hi).leading_zeros();
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    format!("{}/{prefix}", std::net::Ipv4Addr::from(lo & mask))
}

/// A CIDR for messages and fixes: the public address space reads as `0.0.0.0/0`.
pub(crate) fn cidr_label(cidr: &AddrSet) -> String {
    if cidr.contains_set(&AddrSet::public()) {
        return "0.0.0.0/0".to_string();
    }
    match cidr.to_networks().as_slice() {
        [one] => one.to_string(),
        _ => cidr.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{cidr_label, covering_cidr};
    use crate::algebra::addrs::AddrSet;

    #[test]
    fn covering_cidrs() {
        let two = AddrSet::parse_cidr("10.0.1.0/24")
            .unwrap()
            .union(&AddrSet::parse_cidr("10.0.3.0/24").unwrap());
        assert_eq!(covering_cidr(&two), "10.0.0.0/22");
        assert_eq!(
            covering_cidr(&AddrSet::parse_cidr("10.0.1.0/24").unwrap()),
            "10.0.1.0/24"
        );
        assert_eq!(covering_cidr(&AddrSet::public()), "0.0.0.0/0");
        assert_eq!(cidr_label(&two), "10.0.1.0/24, 10.0.3.0/24");
    }
}

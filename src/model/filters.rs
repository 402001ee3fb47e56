//! Security groups (inline rules, `aws_security_group_rule`, `aws_vpc_security_group_*_rule`,
//! `aws_default_security_group`, and AWS's unmanaged default group) and network ACLs (inline
//! rules, `aws_network_acl_rule`, associations, `aws_default_network_acl`).

use super::build::{as_unknown, attr, elements, nested, unknown_at, Builder};
use super::{Direction, GroupId, Known, Nacl, NaclRule, Peer, SecurityGroup, SgRule, VpcId};
use crate::algebra::addrs::AddrSet;
use crate::algebra::ports::PortSet;
use crate::algebra::protocol::Protocol;
use crate::diagnostic::codes::TF004;
use crate::eval::Unknown;
use crate::eval::{EvalBody, ResourceInstance, Value};
use crate::source::Span;
use std::sync::Arc;

impl<'a> Builder<'a> {
    pub(super) fn groups(&mut self) {
        let mut list: Vec<&ResourceInstance> = self.of_type("aws_security_group").collect();
        list.extend(self.of_type("aws_default_security_group"));
        for r in list {
            let id = self.net.groups.next_id();
            let vpc = attr(&r.body, "vpc_id")
                .and_then(|a| self.reference(&a.value))
                .and_then(|(v, _)| self.vpc_index.get(&v.address).copied());
            if r.rtype == "aws_default_security_group" {
                match vpc {
                    Some(v) => self.net.vpcs[v].default_group = Some(id),
                    None => {
                        // No vpc_id: the default VPC's default group.
                        self.default_vpc_group = Some(id);
                    }
                }
            }
            let name = attr(&r.body, "name").and_then(|a| a.value.as_str().map(str::to_string));
            self.group_index.insert(r.address.clone(), id);
            self.net.groups.push(SecurityGroup {
                address: r.address.clone(),
                span: r.span,
                vpc,
                name,
                rules: vec![],
                synthetic: false,
                has_inline: false,
                incomplete: None,
            });
        }
        // Unmanaged VPC default groups, with AWS's defaults.
        for v in self.net.vpcs.ids() {
            if self.net.vpcs[v].default_group.is_none() && !self.net.vpcs[v].is_default {
                let g = self.synthetic_default_group(Some(v));
                self.net.vpcs[v].default_group = Some(g);
            }
        }
        // Inline rules (after all groups exist, so references between groups resolve).
        let mut inline: Vec<&ResourceInstance> = self.of_type("aws_security_group").collect();
        inline.extend(self.of_type("aws_default_security_group"));
        for r in inline {
            let id = self.group_index[r.address.as_ref()];
            for (kind, dir) in [
                ("ingress", Direction::Ingress),
                ("egress", Direction::Egress),
            ] {
                match nested(&r.body, kind) {
                    Ok(blocks) => {
                        for (body, span, uncertain) in blocks {
                            let mut rule = self.sg_rule(&body, dir, span, None, id);
                            maybe_missing_sg(&mut rule, uncertain);
                            self.net.groups[id].rules.push(rule);
                            self.net.groups[id].has_inline = true;
                        }
                    }
                    Err(u) => {
                        self.net.groups[id].incomplete.get_or_insert(u);
                        self.net.groups[id].has_inline = true;
                    }
                }
            }
        }
        self.standalone_rules();
    }

    /// A VPC default security group that Terraform does not manage: inbound from itself, all
    /// outbound (AWS's defaults).
    pub(super) fn synthetic_default_group(&mut self, vpc: Option<VpcId>) -> GroupId {
        if vpc.is_none() {
            if let Some(g) = self.default_vpc_group {
                return g;
            }
        }
        let (address, span) = match vpc {
            Some(v) => (
                format!("default security group of {}", self.net.vpcs[v].address),
                self.net.vpcs[v].span,
            ),
            None => (
                "default security group of the default VPC".to_string(),
                Span::default(),
            ),
        };
        let id = self.net.groups.next_id();
        let all = |direction, peers| SgRule {
            group_refs: vec![],
            direction,
            protocol: Ok(Protocol::All),
            ports: Ok(PortSet::full()),
            icmp: None,
            peers,
            span,
            standalone: None,
        };
        self.net.groups.push(SecurityGroup {
            address: address.into(),
            span,
            vpc,
            name: Some("default".into()),
            rules: vec![
                all(Direction::Ingress, vec![Peer::Myself]),
                all(Direction::Egress, vec![Peer::Cidr(AddrSet::all())]),
            ],
            synthetic: true,
            has_inline: false,
            incomplete: None,
        });
        if vpc.is_none() {
            self.default_vpc_group = Some(id);
        }
        id
    }

    fn standalone_rules(&mut self) {
        let legacy: Vec<&ResourceInstance> = self.of_type("aws_security_group_rule").collect();
        for r in legacy {
            let dir = match attr(&r.body, "type").and_then(|a| a.value.as_str()) {
                Some("ingress") => Direction::Ingress,
                Some("egress") => Direction::Egress,
                _ => continue,
            };
            let Some(group) = self.rule_owner(&r.body, r) else {
                continue;
            };
            let mut rule = self.sg_rule(&r.body, dir, r.span, Some(r.address.clone()), group);
            maybe_missing_sg(&mut rule, r.uncertain.clone());
            self.net.groups[group].rules.push(rule);
        }
        for (t, dir) in [
            ("aws_vpc_security_group_ingress_rule", Direction::Ingress),
            ("aws_vpc_security_group_egress_rule", Direction::Egress),
        ] {
            let list: Vec<&ResourceInstance> = self.of_type(t).collect();
            for r in list {
                let Some(group) = self.rule_owner(&r.body, r) else {
                    continue;
                };
                let mut rule = self.vpc_rule(&r.body, dir, r);
                maybe_missing_sg(&mut rule, r.uncertain.clone());
                self.net.groups[group].rules.push(rule);
            }
        }
    }

    /// The group a standalone rule belongs to; an unresolvable one makes every group's rule
    /// list possibly incomplete.
    fn rule_owner(&mut self, body: &EvalBody, r: &ResourceInstance) -> Option<GroupId> {
        let a = attr(body, "security_group_id")?;
        if let Some(id) = self.group_ref(&a.value) {
            return Some(id);
        }
        let why = unknown_at(
            format!(
                "{} adds a rule to a group that cannot be resolved before apply",
                r.address
            ),
            a.span,
        );
        for g in &mut self.net.groups {
            g.incomplete.get_or_insert(why.clone());
        }
        None
    }

    fn protocol(&mut self, body: &EvalBody, name: &str, owner: Span) -> Known<Protocol> {
        let Some(a) = attr(body, name) else {
            return Err(unknown_at(format!("`{name}` is not set"), owner));
        };
        if let Some(u) = as_unknown(&a.value, a.span) {
            return Err(u);
        }
        let text = a.value.to_template_string().unwrap_or_default();
        Protocol::parse_sg(&text).ok_or_else(|| {
            self.findings.push(crate::diagnostic::Finding::new(&TF004,
                a.span,
                format!("`{name}` = {} is not a protocol (use tcp, udp, icmp, icmpv6, all/-1 or a number)", a.value),
            ));
            unknown_at("invalid protocol", a.span)
        })
    }

    /// Port range of a rule from `from_port`/`to_port` given its protocol.
    fn port_range(
        &mut self,
        body: &EvalBody,
        protocol: &Known<Protocol>,
        span: Span,
    ) -> (Known<PortSet>, Option<(i64, i64)>) {
        if let Ok(p) = protocol {
            if p.ignores_ports() {
                return (Ok(PortSet::full()), None);
            }
        }
        let from = self.port(body, "from_port", span);
        let to = self.port(body, "to_port", span);
        let icmp = match (protocol, &from, &to) {
            (Ok(Protocol::Icmp | Protocol::Icmpv6), Ok(f), Ok(t)) => Some((*f, *t)),
            _ => None,
        };
        let ports = match (from, to) {
            (Ok(f), Ok(t)) => {
                if (-1..=65535).contains(&f) && (-1..=65535).contains(&t) {
                    if f == -1 && t == -1
                        || (f == 0 && t == 0 && matches!(protocol, Ok(Protocol::All)))
                    {
                        Ok(PortSet::full())
                    } else {
                        Ok(PortSet::range(f.max(0) as u16, t.max(0) as u16))
                    }
                } else {
                    let a = attr(body, "from_port").map(|a| a.span).unwrap_or(span);
                    self.findings.push(crate::diagnostic::Finding::new(
                        &TF004,
                        a,
                        format!("port range {f}-{t} is outside 0-65535"),
                    ));
                    Err(unknown_at("port out of range", a))
                }
            }
            (Err(u), _) | (_, Err(u)) => Err(u),
        };
        (ports, icmp)
    }

    fn group_peer(&self, v: &Value, span: Span, vpc: Option<VpcId>) -> Peer {
        if let Some(u) = as_unknown(v, span) {
            return Peer::Unknown(u);
        }
        if let Some(g) = self.group_ref(v) {
            return Peer::Group(g);
        }
        if let Some((r, attribute)) = self.reference(v) {
            if r.rtype == "aws_elb" && attribute.starts_with("source_security_group") {
                if let Some(&lb) = self.lb_index.get(r.address.as_ref()) {
                    return Peer::LbSourceGroup(lb);
                }
            }
        }
        if let Some(name) = v.as_str() {
            if let Some(g) = self
                .net
                .groups
                .position(|g| g.name.as_deref() == Some(name) && (vpc.is_none() || g.vpc == vpc))
            {
                if !name.starts_with("sg-") {
                    return Peer::Group(g);
                }
            }
        }
        Peer::Unknown(unknown_at(self.not_found("security group", v), span))
    }

    fn sg_rule(
        &mut self,
        body: &EvalBody,
        direction: Direction,
        span: Span,
        standalone: Option<Arc<str>>,
        owner: GroupId,
    ) -> SgRule {
        let protocol = self.protocol(body, "protocol", span);
        let (ports, icmp) = self.port_range(body, &protocol, span);
        let vpc = self.net.groups[owner].vpc;
        let mut peers = Vec::new();
        let mut group_refs = Vec::new();
        if let Some(a) = attr(body, "cidr_blocks") {
            let cidr_peer = |c: &Value| match as_unknown(c, a.span) {
                Some(u) => Peer::Unknown(u),
                None => match c.as_str().and_then(AddrSet::parse_cidr) {
                    Some(set) => Peer::Cidr(set),
                    None => {
                        Peer::Unknown(unknown_at(format!("{c} is not an IPv4 CIDR block"), a.span))
                    }
                },
            };
            match as_unknown(&a.value, a.span) {
                Some(u) => {
                    // A list of unknown length still holds the CIDRs it is known to contain.
                    for m in u.members.iter().flat_map(|m| m.iter()) {
                        peers.push(cidr_peer(m));
                    }
                    peers.push(Peer::Unknown(u));
                }
                None => peers.extend(elements(&a.value).into_iter().map(cidr_peer)),
            }
        }
        if attr(body, "ipv6_cidr_blocks").is_some_and(|a| !elements(&a.value).is_empty()) {
            peers.push(Peer::Ipv6);
        }
        if let Some(a) = attr(body, "prefix_list_ids") {
            if !elements(&a.value).is_empty() {
                peers.push(Peer::Unknown(unknown_at(
                    "a prefix list's entries are not in this configuration",
                    a.span,
                )));
            }
        }
        for name in ["security_groups", "source_security_group_id"] {
            if let Some(a) = attr(body, name) {
                match as_unknown(&a.value, a.span) {
                    Some(u) => peers.push(Peer::Unknown(u)),
                    None => {
                        for g in elements(&a.value) {
                            let peer = self.group_peer(g, a.span, vpc);
                            if let Peer::Group(id) = peer {
                                group_refs.push((id, a.span));
                            }
                            peers.push(peer);
                        }
                    }
                }
            }
        }
        match attr(body, "self").map(|a| (&a.value, a.span)) {
            Some((Value::Bool(true), _)) => peers.push(Peer::Myself),
            Some((v, s)) if v.is_unknown() => {
                peers.push(Peer::Unknown(as_unknown(v, s).expect("unknown")))
            }
            _ => {}
        }
        SgRule {
            direction,
            protocol,
            ports,
            icmp,
            peers,
            span,
            standalone,
            group_refs,
        }
    }

    fn vpc_rule(&mut self, body: &EvalBody, direction: Direction, r: &ResourceInstance) -> SgRule {
        let protocol = self.protocol(body, "ip_protocol", r.span);
        let (ports, icmp) = self.port_range(body, &protocol, r.span);
        let owner = attr(body, "security_group_id")
            .and_then(|a| self.reference(&a.value))
            .and_then(|(g, _)| self.group_index.get(g.address.as_ref()).copied());
        let vpc = owner.and_then(|g| self.net.groups[g].vpc);
        let mut peers = Vec::new();
        if let Some(a) = attr(body, "cidr_ipv4") {
            peers.push(match self.cidr(a) {
                Ok(c) => Peer::Cidr(c),
                Err(u) => Peer::Unknown(u),
            });
        }
        if attr(body, "cidr_ipv6").is_some() {
            peers.push(Peer::Ipv6);
        }
        if let Some(a) = attr(body, "prefix_list_id") {
            peers.push(Peer::Unknown(unknown_at(
                "a prefix list's entries are not in this configuration",
                a.span,
            )));
        }
        let mut group_refs = Vec::new();
        if let Some(a) = attr(body, "referenced_security_group_id") {
            let peer = self.group_peer(&a.value, a.span, vpc);
            if let Peer::Group(id) = peer {
                group_refs.push((id, a.span));
            }
            peers.push(match (peer, owner) {
                (Peer::Group(g), Some(o)) if g == o => Peer::Myself,
                (p, _) => p,
            });
        }
        SgRule {
            direction,
            protocol,
            ports,
            icmp,
            peers,
            span: r.span,
            standalone: Some(r.address.clone()),
            group_refs,
        }
    }

    pub(super) fn nacls(&mut self) {
        let mut list: Vec<&ResourceInstance> = self.of_type("aws_network_acl").collect();
        list.extend(self.of_type("aws_default_network_acl"));
        for r in list {
            let id = self.net.nacls.next_id();
            self.nacl_index.insert(r.address.clone(), id);
            let mut rules = Vec::new();
            let mut incomplete = None;
            for (kind, direction) in [
                ("ingress", Direction::Ingress),
                ("egress", Direction::Egress),
            ] {
                match nested(&r.body, kind) {
                    Ok(blocks) => {
                        for (body, span, uncertain) in blocks {
                            let mut rule =
                                self.nacl_rule(&body, direction, span, "rule_no", "action");
                            maybe_missing_nacl(&mut rule, uncertain);
                            rules.push(rule);
                        }
                    }
                    Err(u) => {
                        incomplete.get_or_insert(u);
                    }
                }
            }
            self.net.nacls.push(Nacl {
                address: r.address.clone(),
                span: r.span,
                rules,
                incomplete,
                uncertain: r.uncertain.clone(),
            });
            if r.rtype == "aws_default_network_acl" {
                if let Some(a) = attr(&r.body, "default_network_acl_id") {
                    if let Some((v, _)) = self.reference(&a.value) {
                        if let Some(&vpc) = self.vpc_index.get(v.address.as_ref()) {
                            self.net.vpcs[vpc].default_nacl = Some(id);
                        }
                    }
                }
            }
            // Subnets listed in `subnet_ids`.
            if let Some(a) = attr(&r.body, "subnet_ids") {
                for s in elements(&a.value) {
                    if let Some(sub) = self.subnet_ref(s) {
                        self.net.subnets[sub].nacl = Some(id);
                    }
                }
            }
        }
        let standalone: Vec<&ResourceInstance> = self.of_type("aws_network_acl_rule").collect();
        for r in standalone {
            let owner = attr(&r.body, "network_acl_id")
                .and_then(|a| self.reference(&a.value))
                .and_then(|(n, _)| self.nacl_index.get(n.address.as_ref()).copied());
            // `egress` defaults to false. When it is known only after apply, the rule may be
            // in either direction: it stands in both, matching addresses that are unknown.
            let (directions, unsure): (&[Direction], Option<Unknown>) =
                match attr(&r.body, "egress") {
                    None => (&[Direction::Ingress], None),
                    Some(a) => match a.value.as_bool() {
                        Some(e) if e => (&[Direction::Egress], None),
                        Some(_) => (&[Direction::Ingress], None),
                        None => (
                            &[Direction::Ingress, Direction::Egress],
                            Some(unknown_at(
                                format!(
                                    "whether {} is an egress rule is known only after apply",
                                    r.address
                                ),
                                a.span,
                            )),
                        ),
                    },
                };
            let rules: Vec<NaclRule> = directions
                .iter()
                .map(|&direction| {
                    let mut rule =
                        self.nacl_rule(&r.body, direction, r.span, "rule_number", "rule_action");
                    maybe_missing_nacl(&mut rule, r.uncertain.clone());
                    if let Some(u) = &unsure {
                        rule.cidr = Err(u.clone());
                    }
                    rule
                })
                .collect();
            match owner {
                Some(n) => self.net.nacls[n].rules.extend(rules),
                None => {
                    let why = unknown_at(
                        format!(
                            "{} adds a rule to a network ACL that cannot be resolved before apply",
                            r.address
                        ),
                        r.span,
                    );
                    for n in &mut self.net.nacls {
                        n.incomplete.get_or_insert(why.clone());
                    }
                }
            }
        }
        let assocs: Vec<&ResourceInstance> = self.of_type("aws_network_acl_association").collect();
        for r in assocs {
            let nacl = attr(&r.body, "network_acl_id")
                .and_then(|a| self.reference(&a.value))
                .and_then(|(n, _)| self.nacl_index.get(n.address.as_ref()).copied());
            let sub = attr(&r.body, "subnet_id").and_then(|a| self.subnet_ref(&a.value));
            if let (Some(n), Some(s)) = (nacl, sub) {
                self.net.subnets[s].nacl = Some(n);
            }
        }
        // Subnets with no explicit ACL use their VPC's default ACL, when Terraform manages it.
        for s in self.net.subnets.ids() {
            if self.net.subnets[s].nacl.is_none() {
                if let Some(v) = self.net.subnets[s].vpc {
                    self.net.subnets[s].nacl = self.net.vpcs[v].default_nacl;
                }
            }
        }
    }

    fn nacl_rule(
        &mut self,
        body: &EvalBody,
        direction: Direction,
        span: Span,
        number_field: &str,
        action: &str,
    ) -> NaclRule {
        let number = self.port(body, number_field, span).unwrap_or(i64::MAX);
        let allow = attr(body, action)
            .and_then(|a| a.value.as_str())
            .map(|s| s.eq_ignore_ascii_case("allow"));
        let protocol = match attr(body, "protocol") {
            Some(a) => match as_unknown(&a.value, a.span) {
                Some(u) => Err(u),
                None => {
                    let t = a.value.to_template_string().unwrap_or_default();
                    Protocol::parse_nacl(&t)
                        .ok_or_else(|| unknown_at(format!("{} is not a protocol", a.value), a.span))
                }
            },
            None => Err(unknown_at("`protocol` is not set", span)),
        };
        let cidr = match (attr(body, "cidr_block"), attr(body, "ipv6_cidr_block")) {
            (Some(a), _) => self.cidr(a).map(Some),
            (None, Some(_)) => Ok(None),
            (None, None) => Err(unknown_at("the rule has no cidr_block", span)),
        };
        let (ports, _) = self.port_range(body, &protocol, span);
        let protocol = match allow {
            Some(_) => protocol,
            None => Err(unknown_at("the rule's action is not known", span)),
        };
        NaclRule {
            number,
            direction,
            allow: allow.unwrap_or(false),
            protocol,
            cidr,
            ports,
            span,
            inline: number_field == "rule_no",
        }
    }
}

/// A security group rule that may not exist can only *maybe* allow.
fn maybe_missing_sg(rule: &mut SgRule, uncertain: Option<Unknown>) {
    if let Some(u) = uncertain {
        rule.ports = Err(u);
    }
}

/// A network ACL rule that may not exist decides nothing for sure.
fn maybe_missing_nacl(rule: &mut NaclRule, uncertain: Option<Unknown>) {
    if let Some(u) = uncertain {
        rule.cidr = Err(u);
    }
}

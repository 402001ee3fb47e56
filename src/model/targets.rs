//! Classic Load Balancers and what they serve: listeners, the health check, their groups and
//! subnets, and the instances registered through every path (`instances`, `aws_elb_attachment`,
//! Auto Scaling groups with launch configurations or templates, `aws_autoscaling_attachment`).

use super::build::{as_unknown, attr, elements, unknown_at, Builder};
use super::{
    Groups, HealthCheck, Id, Known, LbId, LbKind, Listener, LoadBalancer, Placement, Target, VpcId,
};
use crate::diagnostic::codes::TF004;
use crate::eval::Unknown;
use crate::eval::{EvalBody, ResourceInstance, Value};
use crate::source::Span;

/// Parses a health-check target `PROTO:PORT[/path]`.
pub fn parse_target(text: &str) -> Option<u16> {
    let (proto, rest) = text.split_once(':')?;
    let proto = proto.to_ascii_uppercase();
    let port_text = match proto.as_str() {
        "TCP" | "SSL" => rest,
        "HTTP" | "HTTPS" => {
            let (port, path) = rest.split_once('/')?;
            let _ = path;
            port
        }
        _ => return None,
    };
    if port_text.is_empty() || !port_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    port_text.parse::<u16>().ok().filter(|p| *p > 0)
}

/// The port of a health-check target written as a template around one unknown value
/// (`"HTTP:${var.server_port}/"`): that value, kept as a symbol so that it compares equal to
/// the same value elsewhere. `None` when the unknown is not exactly the port.
pub fn symbolic_target_port(u: &Unknown) -> Option<Unknown> {
    let pieces = u.pieces.as_deref()?;
    let [Value::String(head), Value::Unknown(port), rest @ ..] = pieces else {
        return None;
    };
    if port.pieces.is_some() {
        return None;
    }
    let proto = head.strip_suffix(':')?.to_ascii_uppercase();
    let path_follows = match rest.first() {
        None => false,
        Some(Value::String(tail)) => tail.starts_with('/'),
        Some(_) => return None,
    };
    match proto.as_str() {
        "TCP" | "SSL" if rest.is_empty() => Some(port.clone()),
        "HTTP" | "HTTPS" if path_follows => Some(port.clone()),
        _ => None,
    }
}

impl<'a> Builder<'a> {
    pub(super) fn index_lbs(&mut self) {
        let lbs: Vec<&ResourceInstance> = self.of_type("aws_elb").collect();
        for (i, r) in lbs.into_iter().enumerate() {
            self.lb_index.insert(r.address.clone(), LbId::from_index(i));
        }
    }

    pub(super) fn groups_of(&mut self, a: Option<&crate::eval::EvalAttr>) -> Option<Groups> {
        let a = attr_opt(a)?;
        if let Some(u) = as_unknown(&a.value, a.span) {
            return Some(Groups::Unknown(u));
        }
        let mut ids = Vec::new();
        for v in elements(&a.value) {
            if let Some(u) = as_unknown(v, a.span) {
                return Some(Groups::Unknown(u));
            }
            let found = self.group_ref(v);
            let found = found.or_else(|| {
                let name = v.as_str()?;
                self.net
                    .groups
                    .position(|g| g.name.as_deref() == Some(name))
            });
            match found {
                Some(id) => ids.push(id),
                None => {
                    return Some(Groups::Unknown(unknown_at(
                        self.not_found("security group", v),
                        a.span,
                    )))
                }
            }
        }
        if ids.is_empty() {
            return None;
        }
        Some(Groups::Known(ids))
    }

    pub(super) fn placement_of(&self, a: Option<&crate::eval::EvalAttr>) -> Option<Placement> {
        let a = attr_opt(a)?;
        if let Some(u) = as_unknown(&a.value, a.span) {
            return Some(Placement::Unknown(u));
        }
        let items = elements(&a.value);
        // Subnets a data source reads from the default VPC (SPEC §3.10).
        if !items.is_empty() && items.iter().all(|v| self.default_vpc_subnets(v)) {
            return Some(Placement::DefaultVpc);
        }
        let mut ids = Vec::new();
        for v in items {
            if let Some(u) = as_unknown(v, a.span) {
                return Some(Placement::Unknown(u));
            }
            match self.subnet_ref(v) {
                Some(s) => ids.push(s),
                None => {
                    return Some(Placement::Unknown(unknown_at(
                        self.not_found("subnet", v),
                        a.span,
                    )))
                }
            }
        }
        (!ids.is_empty()).then_some(Placement::Subnets(ids))
    }

    fn vpc_of_placement(&self, p: &Placement) -> Option<VpcId> {
        match p {
            Placement::Subnets(ids) => ids.iter().find_map(|s| self.net.subnets[*s].vpc),
            Placement::DefaultVpc => self.net.vpcs.position(|v| v.is_default),
            Placement::Unknown(_) => None,
        }
    }

    /// The VPC of a load balancer: that of its subnets, else that of its security groups (which
    /// must be in the LB's VPC), else the default VPC when it is placed there. Otherwise it is
    /// not known, and nothing that depends on the VPC's addresses is guessed.
    pub(super) fn lb_vpc(
        &self,
        placement: &Placement,
        groups: &Groups,
        owner: Span,
    ) -> (Option<VpcId>, Option<Unknown>) {
        if let Some(v) = self.vpc_of_placement(placement) {
            return (Some(v), None);
        }
        if let Groups::Known(ids) = groups {
            if let Some(v) = ids.iter().find_map(|g| self.net.groups[*g].vpc) {
                return (Some(v), None);
            }
        }
        match placement {
            Placement::DefaultVpc => (None, None),
            Placement::Subnets(ids)
                if !ids.is_empty()
                    && ids.iter().all(|s| {
                        let address = &self.net.subnets[*s].address;
                        address.starts_with("aws_default_subnet.")
                            || address.contains(".aws_default_subnet.")
                    }) =>
            {
                (None, None)
            }
            Placement::Unknown(u) => (None, Some(u.clone())),
            Placement::Subnets(_) => (
                None,
                Some(unknown_at(
                    "the VPC of the load balancer's subnets is not in this configuration",
                    owner,
                )),
            ),
        }
    }

    /// The groups an interface gets when none are given: its VPC's default group.
    pub(super) fn default_groups(&mut self, placement: &Placement, owner: Span) -> Groups {
        match placement {
            Placement::DefaultVpc => {
                let vpc = self.net.vpcs.position(|v| v.is_default);
                match vpc.and_then(|v| self.net.vpcs[v].default_group) {
                    Some(g) => Groups::Known(vec![g]),
                    None => Groups::Known(vec![self.synthetic_default_group(None)]),
                }
            }
            _ => match self.vpc_of_placement(placement).and_then(|v| self.net.vpcs[v].default_group) {
                Some(g) => Groups::Known(vec![g]),
                None => Groups::Unknown(unknown_at(
                    "no security groups are given, so the VPC's default group applies, and that VPC is not in this configuration",
                    owner,
                )),
            },
        }
    }

    pub(super) fn lbs(&mut self) {
        // The LBs whose source security group some group rule admits.
        let sourced: Vec<LbId> = self
            .net
            .groups
            .iter()
            .flat_map(|g| g.rules.iter())
            .flat_map(|r| r.peers.iter())
            .filter_map(|p| match p {
                super::Peer::LbSourceGroup(lb) => Some(*lb),
                _ => None,
            })
            .collect();
        let lbs: Vec<&ResourceInstance> = self.of_type("aws_elb").collect();
        for r in lbs {
            let body = &r.body;
            let internal = match attr(body, "internal") {
                None => Ok(false),
                Some(a) => match as_unknown(&a.value, a.span) {
                    Some(u) => Err(u),
                    None => a
                        .value
                        .as_bool()
                        .ok_or_else(|| unknown_at("`internal` is not a bool", a.span)),
                },
            };
            let mut listeners = Vec::new();
            for block in body.blocks_of("listener") {
                let lb_port = self.listener_port(&block.body, "lb_port", block.span);
                let instance_port = self.listener_port(&block.body, "instance_port", block.span);
                listeners.push(Listener {
                    lb_port,
                    udp: false,
                    instance_port,
                    span: block.span,
                    lb_port_span: block.body.get("lb_port").map_or(block.span, |a| a.span),
                    instance_port_span: block
                        .body
                        .get("instance_port")
                        .map_or(block.span, |a| a.span),
                });
            }
            let health = match body.blocks_of("health_check").next() {
                None => HealthCheck::Default,
                Some(h) => match attr(&h.body, "target") {
                    None => HealthCheck::Malformed {
                        text: String::new(),
                        span: h.span,
                    },
                    Some(a) => match &a.value {
                        Value::String(s) => match parse_target(s) {
                            Some(port) => HealthCheck::Port { port, span: a.span },
                            None => HealthCheck::Malformed {
                                text: s.clone(),
                                span: a.span,
                            },
                        },
                        v => match v {
                            Value::Unknown(u) => symbolic_target_port(u),
                            _ => None,
                        }
                        .map_or_else(
                            || {
                                HealthCheck::Unknown(
                                    as_unknown(v, a.span).unwrap_or_else(|| {
                                        unknown_at(
                                            format!("health check target {v} is not a string"),
                                            a.span,
                                        )
                                    }),
                                    a.span,
                                )
                            },
                            |port| HealthCheck::Symbol { port, span: a.span },
                        ),
                    },
                },
            };
            let subnets_attr = attr(body, "subnets");
            let placement = match self.placement_of(subnets_attr) {
                Some(p) => p,
                None => Placement::DefaultVpc,
            };
            let azs: Vec<String> = attr(body, "availability_zones")
                .map(|a| {
                    elements(&a.value)
                        .iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            // EC2-Classic is retired: an LB given only availability zones is created in the
            // region's default VPC (`placement` above). It counts as written for EC2-Classic
            // only when a group rule admits its source security group.
            let classic = subnets_attr.is_none()
                && !azs.is_empty()
                && sourced.contains(&self.net.lbs.next_id());
            let groups_attr = attr_opt(attr(body, "security_groups"));
            let groups = match self.groups_of(groups_attr) {
                Some(g) => g,
                None => match &placement {
                    Placement::DefaultVpc => Groups::DefaultElb,
                    p => {
                        let p = p.clone();
                        self.default_groups(&p, r.span)
                    }
                },
            };
            let (vpc, vpc_unknown) = self.lb_vpc(&placement, &groups, r.span);
            let cross_zone = attr(body, "cross_zone_load_balancing")
                .and_then(|a| a.value.as_bool())
                .unwrap_or(true);
            self.net.lbs.push(LoadBalancer {
                address: r.address.clone(),
                span: r.span,
                kind: LbKind::Classic,
                call_sites: r.call_sites.clone(),
                internal,
                listeners,
                health,
                groups,
                groups_span: groups_attr.map(|a| a.span),
                placement,
                vpc,
                vpc_unknown,
                classic,
                cross_zone,
                azs,
                subnets_span: subnets_attr.map(|a| a.span),
                mapping_spans: vec![],
                targets: Ok(vec![]),
                target_groups: vec![],
                unknown_forwards: vec![],
            });
        }
    }

    pub(super) fn listener_port(&mut self, body: &EvalBody, name: &str, span: Span) -> Known<u16> {
        let n = self.port(body, name, span)?;
        match u16::try_from(n) {
            Ok(p) if p > 0 => Ok(p),
            _ => {
                let at = body.get(name).map_or(span, |a| a.span);
                self.findings.push(crate::diagnostic::Finding::new(
                    &TF004,
                    at,
                    format!("`{name}` is {n}, but a port must be between 1 and 65535"),
                ));
                Err(unknown_at(format!("`{name}` is out of range"), at))
            }
        }
    }

    /// The LB a reference or name value designates.
    fn lb_ref(&self, v: &Value) -> Option<LbId> {
        if let Some((r, _)) = self.reference(v) {
            return self.lb_index.get(r.address.as_ref()).copied();
        }
        let name = v.as_str()?;
        self.of_type("aws_elb")
            .position(|r| attr(&r.body, "name").and_then(|a| a.value.as_str()) == Some(name))
            .map(LbId::from_index)
    }

    fn add_target(&mut self, lb_id: LbId, target: Known<Target>) {
        let lb = &mut self.net.lbs[lb_id];
        match (&mut lb.targets, target) {
            (Ok(list), Ok(t)) => {
                // A set, not a scan of the list: an LB may have thousands of targets.
                if self.target_seen.insert((lb_id, t.address.clone())) {
                    list.push(t)
                }
            }
            (Ok(_), Err(u)) => lb.targets = Err(u),
            (Err(_), _) => {}
        }
    }

    pub(super) fn targets(&mut self) {
        let lbs: Vec<&ResourceInstance> = self.of_type("aws_elb").collect();
        for (i, r) in lbs.into_iter().enumerate() {
            let i = LbId::from_index(i);
            if let Some(a) = attr(&r.body, "instances") {
                match as_unknown(&a.value, a.span) {
                    Some(u) => self.add_target(i, Err(u)),
                    None => {
                        for v in elements(&a.value) {
                            let t = self.instance_target(v, a.span);
                            self.add_target(i, t);
                        }
                    }
                }
            }
        }
        let attachments: Vec<&ResourceInstance> = self.of_type("aws_elb_attachment").collect();
        for r in attachments {
            let Some(lb) = attr(&r.body, "elb").and_then(|a| self.lb_ref(&a.value)) else {
                continue;
            };
            let t = match attr(&r.body, "instance") {
                Some(a) => self.instance_target(&a.value, a.span),
                None => Err(unknown_at("the attachment names no instance", r.span)),
            };
            self.add_target(lb, t);
        }
        let asgs: Vec<&ResourceInstance> = self.of_type("aws_autoscaling_group").collect();
        for r in asgs {
            if let Some(a) = attr(&r.body, "load_balancers") {
                for v in elements(&a.value) {
                    if let Some(lb) = self.lb_ref(v) {
                        let t = self.asg_target(r, a.span);
                        self.add_target(lb, t);
                    } else if let Some(u) = as_unknown(v, a.span) {
                        self.net
                            .unknown_registrations
                            .push((r.address.clone(), u, a.span));
                    }
                }
            }
        }
        let asg_attachments: Vec<&ResourceInstance> =
            self.of_type("aws_autoscaling_attachment").collect();
        for r in asg_attachments {
            let Some(a) = attr(&r.body, "elb") else {
                continue;
            };
            let Some(lb) = self.lb_ref(&a.value) else {
                continue;
            };
            let asg = attr(&r.body, "autoscaling_group_name")
                .and_then(|g| self.reference(&g.value))
                .filter(|(g, _)| g.rtype == "aws_autoscaling_group")
                .map(|(g, _)| g);
            let t = match asg {
                Some(g) => self.asg_target(g, a.span),
                None => Err(unknown_at(
                    "the Auto Scaling group of this attachment is not in this configuration",
                    r.span,
                )),
            };
            self.add_target(lb, t);
        }
    }

    pub(super) fn instance_target(&mut self, v: &Value, span: Span) -> Known<Target> {
        if let Some(u) = as_unknown(v, span) {
            return Err(u);
        }
        let Some((inst, _)) = self.reference(v).filter(|(r, _)| r.rtype == "aws_instance") else {
            return Err(unknown_at(self.not_found("instance", v), span));
        };
        let mut body = &inst.body;
        let mut via_interface = false;
        // An instance whose primary interface is a separate `aws_network_interface` takes
        // its subnet and groups from that interface.
        if let Some(ni) = body.blocks_of("network_interface").find(|b| {
            b.body
                .get("device_index")
                .is_none_or(|d| d.value.as_i64() == Some(0))
        }) {
            match attr(&ni.body, "network_interface_id")
                .and_then(|a| self.reference(&a.value))
                .filter(|(r, _)| r.rtype == "aws_network_interface")
            {
                Some((eni, _)) => {
                    body = &eni.body;
                    via_interface = true;
                }
                None => {
                    return Ok(Target {
                        address: inst.address.clone(),
                        span: inst.span,
                        registered_at: span,
                        groups: Groups::Unknown(unknown_at(
                            "the instance's network interface is not in this configuration",
                            ni.span,
                        )),
                        placement: Placement::Unknown(unknown_at(
                            "the instance's network interface is not in this configuration",
                            ni.span,
                        )),
                        azs: vec![],
                        port: None,
                    })
                }
            }
        }
        let placement = self
            .placement_of(attr(body, "subnet_id"))
            .unwrap_or(Placement::DefaultVpc);
        // An interface lists group ids in `security_groups`; an instance in
        // `vpc_security_group_ids`, or names/ids in `security_groups`.
        let listed = if via_interface {
            self.groups_of(attr(body, "security_groups"))
        } else {
            self.groups_of(attr(body, "vpc_security_group_ids"))
                .or_else(|| self.groups_of(attr(body, "security_groups")))
        };
        let groups = match listed {
            Some(g) => g,
            None => self.default_groups(&placement.clone(), inst.span),
        };
        let azs = strings(attr(body, "availability_zone"));
        Ok(Target {
            address: inst.address.clone(),
            span: inst.span,
            registered_at: span,
            groups,
            placement,
            azs,
            port: None,
        })
    }

    pub(super) fn asg_target(&mut self, asg: &ResourceInstance, span: Span) -> Known<Target> {
        let body = &asg.body;
        let placement = self
            .placement_of(attr(body, "vpc_zone_identifier"))
            .unwrap_or(Placement::DefaultVpc);
        let groups = match self.launch_groups(asg) {
            Ok(Some(g)) => g,
            Ok(None) => self.default_groups(&placement.clone(), asg.span),
            Err(u) => Groups::Unknown(u),
        };
        Ok(Target {
            address: asg.address.clone(),
            span: asg.span,
            registered_at: span,
            groups,
            placement,
            azs: strings(attr(body, "availability_zones")),
            port: None,
        })
    }

    /// Groups from the ASG's launch configuration or launch template.
    fn launch_groups(&mut self, asg: &ResourceInstance) -> Result<Option<Groups>, Unknown> {
        let body = &asg.body;
        if let Some(a) = attr(body, "launch_configuration") {
            let Some((lc, _)) = self
                .reference(&a.value)
                .filter(|(r, _)| r.rtype == "aws_launch_configuration")
            else {
                return Err(as_unknown(&a.value, a.span).unwrap_or_else(|| {
                    unknown_at(
                        format!(
                            "launch configuration {} is not in this configuration",
                            a.value
                        ),
                        a.span,
                    )
                }));
            };
            return Ok(self.groups_of(attr(&lc.body, "security_groups")));
        }
        let spec = body
            .blocks_of("launch_template")
            .next()
            .map(|b| (&b.body, b.span))
            .or_else(|| {
                body.blocks_of("mixed_instances_policy")
                    .flat_map(|m| m.body.blocks_of("launch_template"))
                    .flat_map(|l| l.body.blocks_of("launch_template_specification"))
                    .next()
                    .map(|b| (&b.body, b.span))
            });
        let Some((spec, span)) = spec else {
            return Err(unknown_at(
                format!(
                    "{} has no launch configuration or launch template",
                    asg.address
                ),
                asg.span,
            ));
        };
        let lt_value = attr(spec, "id")
            .or_else(|| attr(spec, "launch_template_id"))
            .or_else(|| attr(spec, "name"))
            .or_else(|| attr(spec, "launch_template_name"));
        let lt = lt_value
            .and_then(|a| self.reference(&a.value))
            .filter(|(r, _)| r.rtype == "aws_launch_template")
            .map(|(r, _)| r);
        let Some(lt) = lt else {
            return Err(unknown_at(
                "the launch template is not in this configuration",
                span,
            ));
        };
        if let Some(g) = self.groups_of(attr(&lt.body, "vpc_security_group_ids")) {
            return Ok(Some(g));
        }
        if let Some(g) = self.groups_of(attr(&lt.body, "security_group_names")) {
            return Ok(Some(g));
        }
        for ni in lt.body.blocks_of("network_interfaces") {
            if let Some(g) = self.groups_of(attr(&ni.body, "security_groups")) {
                return Ok(Some(g));
            }
        }
        Ok(None)
    }
}

/// The known strings of an attribute (one string or a list of them).
pub(super) fn strings(a: Option<&crate::eval::EvalAttr>) -> Vec<String> {
    a.map(|a| {
        elements(&a.value)
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    })
    .unwrap_or_default()
}

pub(super) fn attr_opt(a: Option<&crate::eval::EvalAttr>) -> Option<&crate::eval::EvalAttr> {
    a.filter(|a| {
        !matches!(&a.value, Value::Null) && !matches!(&a.value, Value::List(l) if l.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::parse_target;

    #[test]
    fn health_check_targets() {
        assert_eq!(parse_target("HTTP:8080/health"), Some(8080));
        assert_eq!(parse_target("TCP:22"), Some(22));
        assert_eq!(parse_target("SSL:443"), Some(443));
        assert_eq!(parse_target("HTTPS:443/"), Some(443));
        assert_eq!(parse_target("HTTP:80"), None);
        assert_eq!(parse_target("TCP:80/x"), None);
        assert_eq!(parse_target("UDP:53"), None);
        assert_eq!(parse_target("HTTP:99999/"), None);
    }
}

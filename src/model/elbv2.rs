//! Application and Network Load Balancers (`aws_lb`, `aws_alb`) in the model: the load
//! balancers with their listeners, the target groups the listeners and listener rules forward
//! to, and the targets registered in each group (attachments, Auto Scaling groups, ECS
//! services). SPEC §8 and `research/elbv2.md` state the AWS facts used here.

use super::build::{as_unknown, attr, elements, unknown_at, Builder};
use super::targets::attr_opt;
use super::{
    Forward, Groups, HealthCheck, HealthPort, Known, LbId, LbKind, Listener, LoadBalancer,
    Placement, Target, TargetGroup, TargetType, TgId,
};
use crate::algebra::addrs::AddrSet;
use crate::algebra::ports::PortSet;
use crate::eval::{EvalBody, ResourceInstance, Unknown, Value};
use crate::source::Span;
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// The resource types of ELBv2 load balancers, listeners, listener rules and target groups
/// (`aws_alb*` are the older names of the same resources).
const LB_TYPES: [&str; 2] = ["aws_lb", "aws_alb"];
const LISTENER_TYPES: [&str; 2] = ["aws_lb_listener", "aws_alb_listener"];
const RULE_TYPES: [&str; 2] = ["aws_lb_listener_rule", "aws_alb_listener_rule"];
const GROUP_TYPES: [&str; 2] = ["aws_lb_target_group", "aws_alb_target_group"];
const ATTACHMENT_TYPES: [&str; 2] = [
    "aws_lb_target_group_attachment",
    "aws_alb_target_group_attachment",
];

/// The host ports Docker gives a dynamic port mapping on ECS container instances: the Linux
/// ephemeral range of the ECS-optimised AMIs (32768-61000) and the documented default
/// (49153-65535) both lie inside it (`research/elbv2.md` §4, ECS).
pub const DYNAMIC_HOST_PORTS: (u16, u16) = (32768, 65535);

/// The ELBv2 resources already found, by address.
#[derive(Default)]
pub(super) struct V2Index {
    lbs: HashMap<Arc<str>, LbId>,
    groups: HashMap<Arc<str>, TgId>,
    /// Listener address → its LB and port.
    listeners: HashMap<Arc<str>, (LbId, Known<u16>, Span)>,
}

impl<'a> Builder<'a> {
    fn of_types(&self, types: &[&str]) -> Vec<&'a ResourceInstance> {
        types.iter().flat_map(|t| self.of_type(t)).collect()
    }

    /// Adds every ELBv2 load balancer, target group and target to the network.
    pub(super) fn elbv2(&mut self) {
        let mut index = V2Index::default();
        self.v2_lbs(&mut index);
        self.v2_target_groups(&mut index);
        self.v2_listeners(&mut index);
        self.v2_attachments(&index);
        self.v2_autoscaling(&index);
        self.v2_ecs(&index);
        self.v2_codedeploy(&index);
    }

    fn v2_lbs(&mut self, index: &mut V2Index) {
        for r in self.of_types(&LB_TYPES) {
            let body = &r.body;
            let kind = match attr(body, "load_balancer_type").map(|a| &a.value) {
                None => LbKind::Application,
                Some(Value::String(s)) if s == "application" => LbKind::Application,
                Some(Value::String(s)) if s == "network" => LbKind::Network,
                // Gateway Load Balancers forward packets without listeners' ports: out of scope.
                _ => continue,
            };
            let internal = bool_attr(body, "internal", false);
            let subnets_attr = attr_opt(attr(body, "subnets"));
            let mappings: Vec<_> = body.blocks_of("subnet_mapping").collect();
            let mut mapping_spans = Vec::new();
            let placement = match self.placement_of(subnets_attr) {
                Some(p) => p,
                None if !mappings.is_empty() => {
                    let mut ids = Vec::new();
                    let mut unknown = None;
                    let mut default_vpc = 0;
                    for m in &mappings {
                        match attr(&m.body, "subnet_id") {
                            Some(a) => match self.placement_of(Some(a)) {
                                Some(Placement::Subnets(s)) => {
                                    mapping_spans.extend(s.iter().map(|id| (*id, m.span)));
                                    ids.extend(s)
                                }
                                Some(Placement::Unknown(u)) => unknown = Some(u),
                                Some(Placement::DefaultVpc) => default_vpc += 1,
                                None => {}
                            },
                            None => {
                                unknown =
                                    Some(unknown_at("the subnet mapping has no subnet_id", m.span))
                            }
                        }
                    }
                    match unknown {
                        Some(u) => Placement::Unknown(u),
                        None if default_vpc == mappings.len() => Placement::DefaultVpc,
                        None if default_vpc > 0 => Placement::Unknown(unknown_at(
                            "the load balancer maps subnets of the default VPC that a data source reads, besides subnets of this configuration",
                            r.span,
                        )),
                        None => Placement::Subnets(ids),
                    }
                }
                None => Placement::Unknown(unknown_at(
                    "the load balancer's subnets are not given",
                    r.span,
                )),
            };
            let groups_attr = attr_opt(attr(body, "security_groups"));
            let groups = match self.groups_of(groups_attr) {
                Some(g) => g,
                None if kind == LbKind::Network => Groups::Unfiltered,
                None => {
                    let p = placement.clone();
                    self.default_groups(&p, r.span)
                }
            };
            let (vpc, vpc_unknown) = self.lb_vpc(&placement, &groups, r.span);
            let cross_zone = match kind {
                LbKind::Network => {
                    bool_attr(body, "enable_cross_zone_load_balancing", false).unwrap_or(false)
                }
                _ => true,
            };
            let id = self.net.lbs.push(LoadBalancer {
                address: r.address.clone(),
                span: r.span,
                kind,
                call_sites: r.call_sites.clone(),
                internal,
                listeners: vec![],
                health: HealthCheck::Default,
                groups,
                groups_span: groups_attr.map(|a| a.span),
                placement,
                vpc,
                vpc_unknown,
                classic: false,
                cross_zone,
                azs: vec![],
                subnets_span: subnets_attr
                    .map(|a| a.span)
                    .or_else(|| mappings.first().map(|m| m.span)),
                mapping_spans,
                targets: Ok(vec![]),
                target_groups: vec![],
                unknown_forwards: vec![],
            });
            index.lbs.insert(r.address.clone(), id);
        }
    }

    fn v2_target_groups(&mut self, index: &mut V2Index) {
        for r in self.of_types(&GROUP_TYPES) {
            let body = &r.body;
            let target_type = match attr(body, "target_type").and_then(|a| a.value.as_str()) {
                Some("ip") => TargetType::Ip,
                Some("lambda") => TargetType::Lambda,
                Some("alb") => TargetType::Alb,
                _ => TargetType::Instance,
            };
            let protocol = attr(body, "protocol")
                .and_then(|a| a.value.as_str())
                .map(str::to_ascii_uppercase);
            let port_attr = attr(body, "port");
            let port = if target_type == TargetType::Lambda {
                Ok(0)
            } else {
                self.listener_port(body, "port", r.span)
            };
            let block = body.blocks_of("health_check").next();
            let hb = block.map(|b| &b.body);
            let health_enabled = hb.is_none_or(|b| bool_attr(b, "enabled", true) != Ok(false));
            let (health_port, health_span) = match hb.and_then(|b| attr(b, "port")) {
                None => (HealthPort::Traffic, None),
                Some(a) => (health_port(a.span, &a.value), Some(a.span)),
            };
            let given = hb
                .and_then(|b| attr(b, "protocol"))
                .and_then(|a| a.value.as_str())
                .map(str::to_ascii_uppercase);
            let family_default = match protocol.as_deref() {
                Some("TCP" | "TLS" | "UDP" | "TCP_UDP") => "TCP",
                Some("HTTPS") => "HTTPS",
                _ => "HTTP",
            };
            // Without a block AWS's default applies; a block without `protocol` makes the
            // provider send HTTP (research/elbv2.md §1.4).
            let health_protocol = match (block, given) {
                (_, Some(p)) => p,
                (Some(_), None) => "HTTP".to_string(),
                (None, None) => family_default.to_string(),
            };
            let preserve_client_ip = match attr(body, "preserve_client_ip") {
                Some(a) => match as_unknown(&a.value, a.span) {
                    Some(u) => Err(u),
                    None => match a
                        .value
                        .as_bool()
                        .or_else(|| a.value.as_str().and_then(|s| s.parse::<bool>().ok()))
                    {
                        Some(b) => Ok(b),
                        None => Err(unknown_at("`preserve_client_ip` is not a bool", a.span)),
                    },
                },
                // AWS's defaults (research/elbv2.md §2.3): on for instance targets and for
                // UDP, TCP_UDP and QUIC ip targets, off for TCP and TLS ip targets; an NLB
                // always preserves client addresses towards an ALB.
                None => Ok(match target_type {
                    TargetType::Instance | TargetType::Alb => true,
                    TargetType::Ip => !matches!(protocol.as_deref(), Some("TCP" | "TLS") | None),
                    TargetType::Lambda => false,
                }),
            };
            let id = self.net.target_groups.push(TargetGroup {
                address: r.address.clone(),
                span: r.span,
                call_sites: r.call_sites.clone(),
                port,
                port_span: port_attr.map_or(r.span, |a| a.span),
                protocol,
                target_type,
                health_port,
                health_protocol,
                health_block: block
                    .map(|b| (b.span, hb.and_then(|b| attr(b, "protocol")).is_some())),
                health_span,
                health_enabled,
                preserve_client_ip,
                forwards: vec![],
                forwarded_elsewhere: false,
                targets: Ok(vec![]),
            });
            index.groups.insert(r.address.clone(), id);
        }
    }

    /// The target group a reference names: `Ok(None)` when the value names something that is
    /// not a target group of this configuration (then the caller says so).
    fn tg_ref(&self, index: &V2Index, v: &Value, span: Span) -> Result<TgId, Unknown> {
        if let Some(u) = as_unknown(v, span) {
            return Err(u);
        }
        if let Some((r, _)) = self.reference(v) {
            if let Some(&id) = index.groups.get(r.address.as_ref()) {
                return Ok(id);
            }
        }
        Err(unknown_at(
            match v {
                Value::String(s) => format!(
                    "target group `{s}` is an ARN given as text: the group it names is not in this configuration"
                ),
                other => format!("target group {other} is not in this configuration"),
            },
            span,
        ))
    }

    fn v2_listeners(&mut self, index: &mut V2Index) {
        for r in self.of_types(&LISTENER_TYPES) {
            let body = &r.body;
            let Some(lb) = attr(body, "load_balancer_arn")
                .and_then(|a| self.reference(&a.value))
                .and_then(|(l, _)| index.lbs.get(l.address.as_ref()).copied())
            else {
                continue;
            };
            let port = self.listener_port(body, "port", r.span);
            let port_span = attr(body, "port").map_or(r.span, |a| a.span);
            index
                .listeners
                .insert(r.address.clone(), (lb, port.clone(), port_span));
            let udp = attr(body, "protocol").and_then(|a| a.value.as_str()) == Some("UDP");
            self.net.lbs[lb].listeners.push(Listener {
                lb_port: port.clone(),
                udp,
                instance_port: port.clone(),
                span: r.span,
                lb_port_span: port_span,
                instance_port_span: port_span,
            });
            let actions: Vec<_> = body.blocks_of("default_action").collect();
            for a in actions {
                self.forward(index, lb, &port, port_span, &a.body, a.span);
            }
        }
        for r in self.of_types(&RULE_TYPES) {
            let Some((lb, port, span)) = attr(&r.body, "listener_arn")
                .and_then(|a| self.reference(&a.value))
                .and_then(|(l, _)| index.listeners.get(l.address.as_ref()).cloned())
            else {
                // The listener lives elsewhere (a data source, another root): its target
                // groups receive traffic, from a load balancer this configuration cannot see.
                self.forwarded_elsewhere(index, &r.body);
                continue;
            };
            let actions: Vec<_> = r.body.blocks_of("action").collect();
            for a in actions {
                self.forward(index, lb, &port, span, &a.body, a.span);
            }
        }
    }

    /// Records where one action forwards: `target_group_arn`, or the groups of a `forward`
    /// block. Redirects and fixed responses forward nothing.
    fn forward(
        &mut self,
        index: &V2Index,
        lb: LbId,
        port: &Known<u16>,
        span: Span,
        action: &EvalBody,
        action_span: Span,
    ) {
        let kind = attr(action, "type").and_then(|a| a.value.as_str());
        if kind.is_some_and(|k| k != "forward") {
            return;
        }
        let arns = action_arns(action);
        if arns.is_empty() && kind == Some("forward") {
            self.net.lbs[lb].unknown_forwards.push(unknown_at(
                "the forward action names no target group",
                action_span,
            ));
        }
        for (v, at) in arns {
            match self.tg_ref(index, v, at) {
                Ok(tg) => {
                    self.net.target_groups[tg].forwards.push(Forward {
                        lb,
                        port: port.clone(),
                        span,
                    });
                    let groups = &mut self.net.lbs[lb].target_groups;
                    if !groups.contains(&tg) {
                        groups.push(tg);
                    }
                }
                Err(u) => self.net.lbs[lb].unknown_forwards.push(u),
            }
        }
    }

    /// Marks the target groups of a rule's actions as forwarded to from outside.
    fn forwarded_elsewhere(&mut self, index: &V2Index, rule: &EvalBody) {
        for a in rule.blocks_of("action") {
            for (v, at) in action_arns(&a.body) {
                if let Ok(tg) = self.tg_ref(index, v, at) {
                    self.net.target_groups[tg].forwarded_elsewhere = true;
                }
            }
        }
    }

    fn add_v2_target(&mut self, tg: TgId, target: Known<Target>) {
        let group = &mut self.net.target_groups[tg];
        match (&mut group.targets, target) {
            (Ok(list), Ok(t)) => {
                if !list
                    .iter()
                    .any(|x| x.address == t.address && x.port.is_none() == t.port.is_none())
                {
                    list.push(t)
                }
            }
            (Ok(_), Err(u)) => group.targets = Err(u),
            (Err(_), _) => {}
        }
    }

    fn v2_attachments(&mut self, index: &V2Index) {
        for r in self.of_types(&ATTACHMENT_TYPES) {
            let body = &r.body;
            let Some(tg_attr) = attr(body, "target_group_arn") else {
                continue;
            };
            let Ok(tg) = self.tg_ref(index, &tg_attr.value, tg_attr.span) else {
                continue;
            };
            let port = attr(body, "port").map(|_| {
                self.listener_port(body, "port", r.span)
                    .map(PortSet::single)
            });
            let target = match attr(body, "target_id") {
                None => Err(unknown_at("the attachment names no target", r.span)),
                Some(a) => match self.net.target_groups[tg].target_type {
                    TargetType::Lambda => continue,
                    TargetType::Alb => self.alb_target(index, &a.value, a.span),
                    TargetType::Ip => self.ip_target(&a.value, a.span),
                    TargetType::Instance => self.instance_target(&a.value, a.span),
                },
            };
            let target = target.map(|mut t| {
                t.registered_at = r.span;
                t.port = port;
                t
            });
            self.add_v2_target(tg, target);
        }
    }

    /// An `alb` target: the ALB a target group of an NLB forwards to, with its groups and
    /// subnets.
    fn alb_target(&mut self, index: &V2Index, v: &Value, span: Span) -> Known<Target> {
        if let Some(u) = as_unknown(v, span) {
            return Err(u);
        }
        let Some(id) = self
            .reference(v)
            .and_then(|(r, _)| index.lbs.get(r.address.as_ref()).copied())
        else {
            return Err(unknown_at(
                format!("the load balancer {v} is not in this configuration"),
                span,
            ));
        };
        let alb = &self.net.lbs[id];
        Ok(Target {
            address: alb.address.clone(),
            span: alb.span,
            registered_at: span,
            groups: alb.groups.clone(),
            placement: alb.placement.clone(),
            azs: vec![],
            port: None,
        })
    }

    /// An `ip` target: an instance's or interface's `private_ip`, or an address (then its
    /// subnet is the one whose CIDR holds it, and its groups are not known).
    fn ip_target(&mut self, v: &Value, span: Span) -> Known<Target> {
        if let Some(u) = as_unknown(v, span) {
            return Err(u);
        }
        if let Some((r, _)) = self.reference(v) {
            return match r.rtype.as_str() {
                "aws_instance" => self.instance_target(v, span),
                "aws_network_interface" => {
                    let placement = self
                        .placement_of(attr(&r.body, "subnet_id"))
                        .unwrap_or(Placement::DefaultVpc);
                    let groups = match self.groups_of(attr(&r.body, "security_groups")) {
                        Some(g) => g,
                        None => self.default_groups(&placement.clone(), r.span),
                    };
                    Ok(Target {
                        address: r.address.clone(),
                        span: r.span,
                        registered_at: span,
                        groups,
                        placement,
                        azs: vec![],
                        port: None,
                    })
                }
                _ => Err(unknown_at(
                    format!("the interface behind {v} is not in this configuration"),
                    span,
                )),
            };
        }
        let Some(text) = v.as_str() else {
            return Err(unknown_at(format!("target {v} is not an address"), span));
        };
        let Some(addr) = AddrSet::parse_cidr(&format!("{text}/32")) else {
            return Err(unknown_at(
                format!("target `{text}` is not an IPv4 address"),
                span,
            ));
        };
        let subnet = self
            .net
            .subnets
            .position(|s| s.cidr.as_ref().is_ok_and(|c| c.contains_set(&addr)));
        Ok(Target {
            address: Arc::from(text),
            span,
            registered_at: span,
            groups: Groups::Unknown(unknown_at(
                format!("the interface that owns {text} is not in this configuration"),
                span,
            )),
            placement: match subnet {
                Some(s) => Placement::Subnets(vec![s]),
                None => Placement::Unknown(unknown_at(
                    format!("no subnet of this configuration holds {text}"),
                    span,
                )),
            },
            azs: vec![],
            port: None,
        })
    }

    fn v2_autoscaling(&mut self, index: &V2Index) {
        for r in self.of_types(&["aws_autoscaling_group"]) {
            let mut arns: Vec<(&Value, Span)> = Vec::new();
            if let Some(a) = attr(&r.body, "target_group_arns") {
                arns.extend(elements(&a.value).into_iter().map(|v| (v, a.span)));
            }
            for ts in r.body.blocks_of("traffic_source") {
                if let Some(a) = elbv2_source(&ts.body) {
                    arns.push((&a.value, a.span));
                }
            }
            for (v, at) in arns {
                if let Ok(tg) = self.tg_ref(index, v, at) {
                    let t = self.asg_target(r, at);
                    self.add_v2_target(tg, t);
                }
            }
        }
        for r in self.of_types(&["aws_autoscaling_attachment"]) {
            let Some(a) = attr(&r.body, "lb_target_group_arn")
                .or_else(|| attr(&r.body, "alb_target_group_arn"))
            else {
                continue;
            };
            self.asg_attachment(index, r, &a.value, a.span);
        }
        for r in self.of_types(&["aws_autoscaling_traffic_source_attachment"]) {
            let source = r.body.blocks_of("traffic_source").next();
            let Some(a) = source.and_then(|s| elbv2_source(&s.body)) else {
                continue;
            };
            self.asg_attachment(index, r, &a.value, a.span);
        }
    }

    /// An attachment of an Auto Scaling group (`autoscaling_group_name`) to a target group.
    fn asg_attachment(&mut self, index: &V2Index, r: &ResourceInstance, v: &Value, at: Span) {
        let Ok(tg) = self.tg_ref(index, v, at) else {
            return;
        };
        let asg = attr(&r.body, "autoscaling_group_name")
            .and_then(|g| self.reference(&g.value))
            .filter(|(g, _)| g.rtype == "aws_autoscaling_group")
            .map(|(g, _)| g);
        let t = match asg {
            Some(g) => self.asg_target(g, at),
            None => Err(unknown_at(
                "the Auto Scaling group of this attachment is not in this configuration",
                r.span,
            )),
        };
        self.add_v2_target(tg, t);
    }

    /// Target groups a CodeDeploy blue/green deployment switches between are used by it.
    fn v2_codedeploy(&mut self, index: &V2Index) {
        for r in self.of_types(&["aws_codedeploy_deployment_group"]) {
            for info in r.body.blocks_of("load_balancer_info") {
                for pair in info.body.blocks_of("target_group_pair_info") {
                    for tg in pair.body.blocks_of("target_group") {
                        let Some(name) = attr(&tg.body, "name") else {
                            continue;
                        };
                        let found = self
                            .resource_named(&GROUP_TYPES, &name.value)
                            .and_then(|g| index.groups.get(g.address.as_ref()).copied());
                        if let Some(id) = found {
                            self.net.target_groups[id].forwarded_elsewhere = true;
                        }
                    }
                }
            }
        }
    }

    fn v2_ecs(&mut self, index: &V2Index) {
        for svc in self.of_types(&["aws_ecs_service"]) {
            let lbs: Vec<_> = svc.body.blocks_of("load_balancer").collect();
            for lb in lbs {
                let Some(a) = attr(&lb.body, "target_group_arn") else {
                    continue;
                };
                let Ok(tg) = self.tg_ref(index, &a.value, a.span) else {
                    continue;
                };
                // The blue/green alternate group of an ECS deployment receives traffic when
                // ECS switches to it: it is used, by ECS rather than by a listener rule here.
                for adv in lb.body.blocks_of("advanced_configuration") {
                    if let Some(alt) = attr(&adv.body, "alternate_target_group_arn") {
                        if let Ok(alt) = self.tg_ref(index, &alt.value, alt.span) {
                            self.net.target_groups[alt].forwarded_elsewhere = true;
                        }
                    }
                }
                let container = attr(&lb.body, "container_name").and_then(|c| c.value.as_str());
                let container_port = self.listener_port(&lb.body, "container_port", lb.span);
                for t in self.ecs_targets(svc, container, container_port, lb.span) {
                    self.add_v2_target(tg, t);
                }
            }
        }
    }

    /// The targets of one `load_balancer` block of an ECS service: its tasks (`awsvpc`) or
    /// the container instances of its cluster (`bridge`, `host`), with their port.
    fn ecs_targets(
        &mut self,
        svc: &ResourceInstance,
        container: Option<&str>,
        container_port: Known<u16>,
        span: Span,
    ) -> Vec<Known<Target>> {
        let task = attr(&svc.body, "task_definition")
            .and_then(|a| self.reference(&a.value))
            .filter(|(r, _)| r.rtype == "aws_ecs_task_definition")
            .map(|(r, _)| r);
        let launch_fargate =
            attr(&svc.body, "launch_type").and_then(|a| a.value.as_str()) == Some("FARGATE");
        let mode = match task {
            Some(t) => attr(&t.body, "network_mode")
                .and_then(|a| a.value.as_str())
                .map(str::to_string)
                .unwrap_or_else(|| "bridge".to_string()),
            None if svc.body.blocks_of("network_configuration").next().is_some()
                || launch_fargate =>
            {
                "awsvpc".to_string()
            }
            None => {
                return vec![Err(unknown_at(
                    "the service's task definition is not in this configuration",
                    svc.span,
                ))]
            }
        };
        if mode == "awsvpc" {
            let Some(nc) = svc.body.blocks_of("network_configuration").next() else {
                return vec![Err(unknown_at(
                    "an awsvpc service without network_configuration",
                    svc.span,
                ))];
            };
            let placement = self
                .placement_of(attr(&nc.body, "subnets"))
                .unwrap_or_else(|| {
                    Placement::Unknown(unknown_at("the service's subnets are not given", nc.span))
                });
            let groups = match self.groups_of(attr(&nc.body, "security_groups")) {
                Some(g) => g,
                None => self.default_groups(&placement.clone(), nc.span),
            };
            return vec![Ok(Target {
                address: svc.address.clone(),
                span: svc.span,
                registered_at: span,
                groups,
                placement,
                azs: vec![],
                port: Some(container_port.map(PortSet::single)),
            })];
        }
        // bridge or host: the container instances, on the host port.
        let host_port = match (task, &container_port) {
            (Some(t), Ok(cp)) => self.host_port(t, container, *cp, &mode),
            (_, Err(u)) => Err(u.clone()),
            (None, _) => Err(unknown_at(
                "the task definition is not in this configuration",
                span,
            )),
        };
        let asgs = self.cluster_asgs(svc);
        match asgs {
            Err(u) => vec![Err(u)],
            Ok(list) => list
                .into_iter()
                .map(|g| {
                    self.asg_target(g, span).map(|mut t| {
                        t.port = Some(host_port.clone());
                        t
                    })
                })
                .collect(),
        }
    }

    /// The host port of a container's mapping of `container_port`: the same port in `host`
    /// mode, the given `hostPort` in `bridge` mode, or the dynamic range when it is 0 or absent.
    fn host_port(
        &mut self,
        task: &ResourceInstance,
        container: Option<&str>,
        container_port: u16,
        mode: &str,
    ) -> Known<PortSet> {
        if mode == "host" {
            return Ok(PortSet::single(container_port));
        }
        let Some(a) = attr(&task.body, "container_definitions") else {
            return Err(unknown_at(
                "the task definition has no container_definitions",
                task.span,
            ));
        };
        if let Some(u) = as_unknown(&a.value, a.span) {
            return Err(u);
        }
        let Some(text) = a.value.as_str() else {
            return Err(unknown_at(
                "container_definitions is not a JSON string",
                a.span,
            ));
        };
        let json = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => json,
            Err(e) => {
                // AWS rejects such a task definition, so the plan would fail.
                self.findings.push(crate::diagnostic::Finding::new(
                    &crate::diagnostic::codes::TF004,
                    a.span,
                    format!("container_definitions is not valid JSON: {e}"),
                ));
                return Err(unknown_at(
                    "container_definitions is not valid JSON",
                    a.span,
                ));
            }
        };
        let mappings = json
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| container.is_none_or(|n| c.get("name").and_then(|v| v.as_str()) == Some(n)))
            .flat_map(|c| {
                c.get("portMappings")
                    .and_then(|p| p.as_array())
                    .into_iter()
                    .flatten()
            });
        for m in mappings {
            if m.get("containerPort").and_then(json_port) != Some(container_port) {
                continue;
            }
            return Ok(match m.get("hostPort").and_then(json_port) {
                Some(p) if p > 0 => PortSet::single(p),
                _ => PortSet::range(DYNAMIC_HOST_PORTS.0, DYNAMIC_HOST_PORTS.1),
            });
        }
        Err(unknown_at(
            format!("no port mapping of the task definition maps container port {container_port}"),
            a.span,
        ))
    }

    /// The Auto Scaling groups behind an ECS service's cluster: those of the capacity
    /// providers of the service or of the cluster.
    fn cluster_asgs(&self, svc: &ResourceInstance) -> Result<Vec<&'a ResourceInstance>, Unknown> {
        let cluster = attr(&svc.body, "cluster")
            .and_then(|a| self.resource_named(&["aws_ecs_cluster"], &a.value));
        let mut providers: Vec<&Value> = Vec::new();
        for s in svc.body.blocks_of("capacity_provider_strategy") {
            if let Some(a) = attr(&s.body, "capacity_provider") {
                providers.push(&a.value);
            }
        }
        if providers.is_empty() {
            if let Some(c) = cluster {
                for cp in self.of_type("aws_ecs_cluster_capacity_providers") {
                    let names_cluster = attr(&cp.body, "cluster_name")
                        .and_then(|a| self.resource_named(&["aws_ecs_cluster"], &a.value))
                        .is_some_and(|r| r.address == c.address);
                    if names_cluster {
                        if let Some(a) = attr(&cp.body, "capacity_providers") {
                            providers.extend(elements(&a.value));
                        }
                    }
                }
            }
        }
        let mut out = Vec::new();
        for p in providers {
            let asg = self
                .resource_named(&["aws_ecs_capacity_provider"], p)
                .and_then(|r| {
                    r.body
                        .blocks_of("auto_scaling_group_provider")
                        .next()
                        .and_then(|b| attr(&b.body, "auto_scaling_group_arn"))
                })
                .and_then(|a| self.resource_named(&["aws_autoscaling_group"], &a.value));
            if let Some(g) = asg {
                if !out
                    .iter()
                    .any(|x: &&ResourceInstance| x.address == g.address)
                {
                    out.push(g);
                }
            }
        }
        if out.is_empty() {
            // Instances join a cluster through their user data (`ECS_CLUSTER=name` written to
            // /etc/ecs/ecs.config): the Auto Scaling groups whose launch template or
            // configuration says so.
            let name = cluster
                .and_then(|c| attr(&c.body, "name"))
                .and_then(|a| a.value.as_str());
            if let Some(name) = name {
                let needle = format!("ECS_CLUSTER={name}");
                for g in self.of_type("aws_autoscaling_group") {
                    if self.user_data(g).is_some_and(|u| {
                        u.lines()
                            .any(|l| l.contains(&needle) && !l.contains(&format!("{needle}-")))
                    }) {
                        out.push(g);
                    }
                }
            }
        }
        if out.is_empty() {
            return Err(unknown_at(
                format!(
                    "the container instances of {}'s cluster are not in this configuration: no capacity provider names an Auto Scaling group, and no launch template's or configuration's user data joins the cluster",
                    svc.address
                ),
                svc.span,
            ));
        }
        Ok(out)
    }
}

impl<'a> Builder<'a> {
    /// The resource of one of `types` a value names: a reference to it, or its `name` (a
    /// reference to a `name` given in the configuration evaluates to that text).
    fn resource_named(&self, types: &[&str], v: &Value) -> Option<&'a ResourceInstance> {
        if let Some((r, _)) = self.reference(v) {
            return types.contains(&r.rtype.as_str()).then_some(r);
        }
        let name = v.as_str()?;
        types
            .iter()
            .flat_map(|t| self.of_type(t))
            .find(|r| attr(&r.body, "name").and_then(|a| a.value.as_str()) == Some(name))
    }
}

impl<'a> Builder<'a> {
    /// The user data of an Auto Scaling group's launch configuration or launch template, as
    /// text (a launch template's is base64), when it is known.
    fn user_data(&self, asg: &ResourceInstance) -> Option<String> {
        use base64::Engine;
        if let Some(lc) = attr(&asg.body, "launch_configuration")
            .and_then(|a| self.reference(&a.value))
            .filter(|(r, _)| r.rtype == "aws_launch_configuration")
        {
            let body = &lc.0.body;
            return attr(body, "user_data")
                .and_then(|a| a.value.as_str().map(str::to_string))
                .or_else(|| {
                    attr(body, "user_data_base64")
                        .and_then(|a| a.value.as_str())
                        .and_then(|t| base64::engine::general_purpose::STANDARD.decode(t).ok())
                        .and_then(|b| String::from_utf8(b).ok())
                });
        }
        let spec = asg.body.blocks_of("launch_template").next()?;
        let lt = ["id", "launch_template_id", "name"]
            .iter()
            .find_map(|n| attr(&spec.body, n))
            .and_then(|a| self.reference(&a.value))
            .filter(|(r, _)| r.rtype == "aws_launch_template")?;
        let text = attr(&lt.0.body, "user_data")?.value.as_str()?;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .ok()?;
        String::from_utf8(bytes).ok()
    }
}

/// The target groups an action names: its `target_group_arn`, and the groups of its `forward`
/// block.
fn action_arns(action: &EvalBody) -> Vec<(&Value, Span)> {
    let mut arns: Vec<(&Value, Span)> = Vec::new();
    if let Some(a) = attr(action, "target_group_arn") {
        arns.push((&a.value, a.span));
    }
    for f in action.blocks_of("forward") {
        for g in f.body.blocks_of("target_group") {
            if let Some(a) = attr(&g.body, "arn") {
                arns.push((&a.value, a.span));
            }
        }
    }
    arns
}

/// The `identifier` of an `elbv2` traffic source.
fn elbv2_source(body: &EvalBody) -> Option<&crate::eval::EvalAttr> {
    let kind = attr(body, "type").and_then(|a| a.value.as_str());
    if kind.is_some_and(|k| k != "elbv2") {
        return None;
    }
    attr(body, "identifier")
}

/// A port in container definitions JSON (a number, or a numeric string).
fn json_port(v: &serde_json::Value) -> Option<u16> {
    v.as_u64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        .and_then(|n| u16::try_from(n).ok())
}

/// A health check's `port`: `traffic-port` in any case, or a number.
fn health_port(span: Span, v: &Value) -> HealthPort {
    if let Some(u) = as_unknown(v, span) {
        return HealthPort::Unknown(u);
    }
    if v.as_str()
        .is_some_and(|s| s.eq_ignore_ascii_case("traffic-port"))
    {
        return HealthPort::Traffic;
    }
    match v
        .as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    {
        Some(n) if (1..=65535).contains(&n) => HealthPort::Port(n as u16),
        _ => HealthPort::Unknown(unknown_at(
            format!("health check port {v} is not `traffic-port` or a port number"),
            span,
        )),
    }
}

/// A bool argument with its default; unknown values stay unknown.
fn bool_attr(body: &EvalBody, name: &str, default: bool) -> Known<bool> {
    match attr(body, name) {
        None => Ok(default),
        Some(a) => match as_unknown(&a.value, a.span) {
            Some(u) => Err(u),
            None => a
                .value
                .as_bool()
                .or_else(|| a.value.as_str().and_then(|s| s.parse().ok()))
                .ok_or_else(|| unknown_at(format!("`{name}` is not a bool"), a.span)),
        },
    }
}

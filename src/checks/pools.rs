//! What a load balancer sends where: its targets grouped by the ports they receive on, with
//! those ports and why each is needed. A Classic LB's instances form one pool, on its
//! listeners' instance ports and its health-check port; an ELBv2 target group forms one pool
//! per distinct target port (a port override or an ECS host port makes another), on that port
//! and the group's health-check port (SPEC §8.1-8.4).

use crate::algebra::ports::PortSet;
use crate::checks::symbols;
use crate::diagnostic::Finding;
use crate::eval::Unknown;
use crate::model::{
    HealthCheck, HealthPort, Known, LbId, LoadBalancer, Network, Target, TargetGroup, TargetType,
};
use crate::source::Span;

/// Ports the LB sends to a pool's targets, and why.
#[derive(Debug, Clone)]
pub(crate) struct NeededPort {
    pub(crate) ports: PortSet,
    /// Listener spans that need it (Classic: `instance_port`; ELBv2: the forwarding listeners'
    /// ports).
    pub(crate) listeners: Vec<Span>,
    /// The health-check span, when the health check uses it.
    pub(crate) health: Option<Span>,
    /// True when the port comes from AWS's default `TCP:80` health check (Classic).
    pub(crate) default_health: bool,
    /// ELBv2: the target group the port belongs to (messages name it).
    pub(crate) group: Option<std::sync::Arc<str>>,
    /// The traffic is UDP (a `UDP` or `TCP_UDP` target group); health checks are TCP.
    pub(crate) udp: bool,
}

impl NeededPort {
    pub(crate) fn is_instance_port(&self) -> bool {
        !self.listeners.is_empty()
    }

    /// The transport the port's rules must carry, for messages and fixes.
    pub(crate) fn transport(&self) -> &'static str {
        if self.udp {
            "UDP"
        } else {
            "TCP"
        }
    }

    /// What uses the port, in a few words: "listener and health check", "listener",
    /// "health check".
    pub(crate) fn role(&self) -> &'static str {
        let health = self.health.is_some() || self.default_health;
        match (self.is_instance_port(), health) {
            (true, true) => "listener and health check",
            (true, false) => "listener",
            (false, _) => "health check",
        }
    }

    /// "instance port 8000 (also the health-check port)" and similar.
    pub(crate) fn describe(&self) -> String {
        let health = self.health.is_some() || self.default_health;
        let p = &self.ports;
        match (&self.group, self.is_instance_port(), health) {
            (None, true, true) => format!(
                "instance port {p} (also the health-check port, so the health check fails too)"
            ),
            (None, true, false) => format!("instance port {p}"),
            (None, false, _) => format!("health-check port {p}"),
            (Some(g), true, true) => format!(
                "target port {p} of {g} (also its health-check port, so the health check fails too)"
            ),
            (Some(g), true, false) => format!("target port {p} of {g}"),
            (Some(g), false, _) => format!("health-check port {p} of {g}"),
        }
    }

    /// The port as requests use it, without its health check (requests that come from the
    /// clients while health checks come from the LB).
    pub(crate) fn describe_requests(&self) -> String {
        let p = &self.ports;
        match &self.group {
            None => format!("instance port {p}"),
            Some(g) => format!("target port {p} of {g}"),
        }
    }

    /// The same port without its health check, for labels of a requirement on requests only.
    pub(crate) fn requests_only(&self) -> NeededPort {
        NeededPort {
            health: None,
            default_health: false,
            ..self.clone()
        }
    }

    /// Secondary labels pointing at the listener and health check that need this port.
    pub(crate) fn labels(&self, mut f: Finding, lb: &LoadBalancer) -> Finding {
        let p = &self.ports;
        for s in &self.listeners {
            f = match &self.group {
                None => f.label(*s, format!("the listener sends to instance port {p}")),
                Some(g) => f.label(
                    *s,
                    format!("the listener forwards to target group {g} (port {p})"),
                ),
            };
        }
        if let Some(s) = self.health {
            f = f.label(s, format!("the health check probes port {p}"));
        } else if self.default_health {
            f = f.label(lb.span, "no health_check block: AWS checks TCP:80");
        }
        f
    }
}

/// Targets of one LB that receive on the same ports.
pub(crate) struct Pool<'n> {
    /// The ELBv2 target group (`None` for a Classic LB's instances).
    pub(crate) group: Option<&'n TargetGroup>,
    pub(crate) targets: Result<Vec<&'n Target>, Unknown>,
    pub(crate) needed: Vec<NeededPort>,
    /// Why the health-check port is not known, when it is not.
    pub(crate) health_unknown: Option<Unknown>,
    /// Whether the targets see the clients' own addresses on the traffic ports (NLB client
    /// IP preservation); health checks always come from the LB.
    pub(crate) clients_seen: Known<bool>,
}

impl Pool<'_> {
    /// How a finding's hop names the pool's targets: the ELBv2 target group, or a Classic
    /// LB's instances (at most three by name).
    pub(crate) fn label(&self) -> String {
        if let Some(g) = self.group {
            return g.address.to_string();
        }
        let mut names: Vec<&str> = match &self.targets {
            Ok(t) => t.iter().map(|t| t.address.as_ref()).collect(),
            Err(_) => vec![],
        };
        names.dedup();
        match names.len() {
            0 => "instances".to_string(),
            1..=3 => names.join(", "),
            n => format!("{}, {} and {} more", names[0], names[1], n - 2),
        }
    }
}

/// Instance and health-check ports of a Classic LB, merged so that a port is listed once.
pub(crate) fn needed_ports(lb: &LoadBalancer) -> Vec<NeededPort> {
    let mut out: Vec<NeededPort> = Vec::new();
    let mut add = |p: u16, listener: Option<Span>, health: Option<(Option<Span>, bool)>| {
        let ports = PortSet::single(p);
        let i = match out.iter().position(|n| n.ports == ports) {
            Some(i) => i,
            None => {
                out.push(NeededPort {
                    ports,
                    listeners: vec![],
                    health: None,
                    default_health: false,
                    group: None,
                    udp: false,
                });
                out.len() - 1
            }
        };
        out[i].listeners.extend(listener);
        if let Some((span, default)) = health {
            out[i].health = span;
            out[i].default_health = default;
        }
    };
    for l in &lb.listeners {
        if let Ok(p) = l.instance_port {
            add(p, Some(l.instance_port_span), None);
        }
    }
    match &lb.health {
        HealthCheck::Port { port, span } => add(*port, None, Some((Some(*span), false))),
        HealthCheck::Default => add(80, None, Some((None, true))),
        _ => {}
    }
    out
}

/// The pools of a load balancer, in order: a Classic LB's instances, or for ELBv2 each target
/// group its listeners forward to (lambda groups have no network path and are left out).
pub(crate) fn pools<'n>(net: &'n Network, id: LbId) -> Vec<Pool<'n>> {
    let lb = &net.lbs[id];
    if !lb.is_v2() {
        return vec![Pool {
            group: None,
            targets: lb
                .targets
                .as_ref()
                .map(|t| t.iter().collect())
                .map_err(Clone::clone),
            needed: needed_ports(lb),
            health_unknown: None,
            clients_seen: Ok(false),
        }];
    }
    let mut out = Vec::new();
    for &tg_id in &lb.target_groups {
        let tg = &net.target_groups[tg_id];
        if tg.target_type == TargetType::Lambda {
            continue;
        }
        let listeners: Vec<Span> = tg
            .forwards
            .iter()
            .filter(|f| f.lb == id)
            .map(|f| f.span)
            .collect();
        let clients_seen = if lb.kind == crate::model::LbKind::Network {
            tg.preserve_client_ip.clone()
        } else {
            Ok(false)
        };
        let targets = match &tg.targets {
            Ok(t) => t,
            Err(u) => {
                out.push(Pool {
                    group: Some(tg),
                    targets: Err(u.clone()),
                    needed: vec![],
                    health_unknown: None,
                    clients_seen,
                });
                continue;
            }
        };
        // Targets by the ports they receive on.
        let mut by_port: Vec<(Known<PortSet>, Vec<&Target>)> = Vec::new();
        for t in targets {
            let ports = match &t.port {
                Some(p) => p.clone(),
                None => tg.port.clone().map(PortSet::single),
            };
            match by_port.iter_mut().find(|(p, _)| same(p, &ports)) {
                Some((_, list)) => list.push(t),
                None => by_port.push((ports, vec![t])),
            }
        }
        if by_port.is_empty() {
            // A group with no targets in the configuration (registered by a controller, or
            // not yet): its group port still needs no check, but it is a pool of its own.
            by_port.push((tg.port.clone().map(PortSet::single), vec![]));
        }
        for (ports, members) in by_port {
            let ports = match ports {
                Ok(p) => p,
                Err(u) if symbolic_pool_proven(net, id, tg, &members, &u, &clients_seen) => {
                    // The target port is proven open on every hop whatever its value: only a
                    // health check on a port of its own is left to check.
                    out.push(Pool {
                        group: Some(tg),
                        targets: Ok(members),
                        needed: own_health_port(tg).into_iter().collect(),
                        health_unknown: None,
                        clients_seen: clients_seen.clone(),
                    });
                    continue;
                }
                Err(u) => {
                    out.push(Pool {
                        group: Some(tg),
                        targets: Err(u),
                        needed: vec![],
                        health_unknown: None,
                        clients_seen: clients_seen.clone(),
                    });
                    continue;
                }
            };
            let mut needed = vec![NeededPort {
                ports: ports.clone(),
                listeners: listeners.clone(),
                health: None,
                default_health: false,
                group: Some(tg.address.clone()),
                udp: tg.carries_udp(),
            }];
            // A TCP_UDP group carries both: its targets need TCP and UDP rules.
            let both = tg.protocol.as_deref() == Some("TCP_UDP");
            let mut health_unknown = None;
            if tg.health_enabled {
                let hp = match &tg.health_port {
                    HealthPort::Traffic => Some(ports.clone()),
                    HealthPort::Port(p) => Some(PortSet::single(*p)),
                    HealthPort::Unknown(u) => {
                        health_unknown = Some(u.clone());
                        None
                    }
                };
                let merge = !needed[0].udp;
                match hp {
                    // Health checks are TCP (HTTP, HTTPS or TCP) even for UDP groups.
                    Some(hp) if hp == ports && merge => {
                        needed[0].health = Some(health_location(tg));
                    }
                    Some(hp) => needed.push(NeededPort {
                        ports: hp,
                        listeners: vec![],
                        health: Some(health_location(tg)),
                        default_health: false,
                        group: Some(tg.address.clone()),
                        udp: false,
                    }),
                    None => {}
                }
            }
            if both {
                needed.push(NeededPort {
                    udp: false,
                    health: None,
                    ..needed[0].clone()
                });
            }
            out.push(Pool {
                group: Some(tg),
                targets: Ok(members),
                needed,
                health_unknown,
                clients_seen: clients_seen.clone(),
            });
        }
    }
    out
}

/// True when a target group's port, known only as the unknown value `u`, is proven open from
/// LB `id` to `members` (SPEC §9.2), with the health check on that same port or on a known
/// one. Only TCP groups whose requests come from the LB itself qualify: an NLB that preserves
/// client addresses needs the clients admitted, and UDP needs UDP rules.
fn symbolic_pool_proven(
    net: &Network,
    id: LbId,
    tg: &TargetGroup,
    members: &[&Target],
    u: &Unknown,
    clients_seen: &Known<bool>,
) -> bool {
    let health_ok = !tg.health_enabled
        || match &tg.health_port {
            HealthPort::Traffic | HealthPort::Port(_) => true,
            HealthPort::Unknown(h) => h == u,
        };
    matches!(clients_seen, Ok(false))
        && !tg.carries_udp()
        && health_ok
        && symbols::reaches_targets(net, id, members, u)
}

/// The health check of a target group whose port is symbolic, when it probes a known port of
/// its own.
fn own_health_port(tg: &TargetGroup) -> Option<NeededPort> {
    let HealthPort::Port(p) = tg.health_port else {
        return None;
    };
    tg.health_enabled.then(|| NeededPort {
        ports: PortSet::single(p),
        listeners: vec![],
        health: Some(health_location(tg)),
        default_health: false,
        group: Some(tg.address.clone()),
        udp: false,
    })
}

/// Where a target group's health check is written: its `port`, else its block, else the group.
fn health_location(tg: &TargetGroup) -> Span {
    tg.health_span
        .or(tg.health_block.map(|b| b.0))
        .unwrap_or(tg.span)
}

fn same(a: &Known<PortSet>, b: &Known<PortSet>) -> bool {
    match (a, b) {
        (Ok(x), Ok(y)) => x == y,
        (Err(x), Err(y)) => x == y,
        _ => false,
    }
}

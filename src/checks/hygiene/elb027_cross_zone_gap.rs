//! ELB027: every zone a target runs in needs an LB node, whatever the cross-zone setting.

use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::Placement;

crate::declare_rule! {
    /// ## What it checks
    /// For every load balancer (Classic, application, network), that every availability zone
    /// its targets run in also has an LB subnet (or, for a Classic LB, is in its
    /// `availability_zones`).
    ///
    /// ## Why it matters
    /// An LB has nodes only in its enabled zones. Cross-zone load balancing spreads traffic
    /// over the enabled zones' targets, never to a zone without a node: targets there get no
    /// traffic (AWS reports them as `Target.NotInUse`), whatever the cross-zone setting.
    ///
    /// ## Example
    /// ```hcl
    /// subnets = [aws_subnet.a.id]  # instances also run in zone b
    /// ```
    ///
    /// Use instead: add an LB subnet in every zone where targets run.
    pub(super) static RULE = {
        code: "ELB027",
        name: "cross-zone-gap",
        severity: Warning,
        summary: "a target is in an Availability Zone where the LB has no subnet: it receives no traffic",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for (id, lb) in net.lbs.enumerate() {
        let lb_azs: Option<Vec<String>> = match &lb.placement {
            Placement::Subnets(ids) => ids.iter().map(|s| net.subnets[*s].az.clone()).collect(),
            _ if !lb.azs.is_empty() => Some(lb.azs.clone()),
            _ => None,
        };
        let Some(lb_azs) = lb_azs else { continue };
        let at = lb.subnets_span.filter(|_| lb.is_v2()).unwrap_or(lb.span);
        for pool in cx.pools(id) {
            let Ok(targets) = &pool.targets else { continue };
            let members = if pool.group.is_some() {
                "targets"
            } else {
                "instances"
            };
            for t in targets {
                // (zone, where it comes from) for every zone the target runs in.
                let zones: Vec<(String, std::sync::Arc<str>)> = match &t.placement {
                    Placement::Subnets(ids) => ids
                        .iter()
                        .filter_map(|s| {
                            net.subnets[*s]
                                .az
                                .clone()
                                .map(|az| (az, net.subnets[*s].address.clone()))
                        })
                        .collect(),
                    _ => t
                        .azs
                        .iter()
                        .map(|az| (az.clone(), t.address.clone()))
                        .collect(),
                };
                for (az, whence) in zones {
                    if lb_azs.contains(&az) {
                        continue;
                    }
                    let message = if !lb.cross_zone {
                        format!("cross-zone load balancing is off and {} has {members} in {az} ({whence}), where it has no node: they get no traffic", lb.address)
                    } else {
                        format!("{} has {members} in {az} ({whence}), where it has no node: they get no traffic (cross-zone load balancing only spreads traffic over the zones the load balancer has nodes in)", lb.address)
                    };
                    let help = if lb.is_v2() {
                        format!("add a subnet in {az} to the load balancer's subnets")
                    } else if !lb.cross_zone {
                        format!("add an LB subnet in {az} (or list it in availability_zones), or set cross_zone_load_balancing = true")
                    } else {
                        format!("add an LB subnet in {az} (or list it in availability_zones)")
                    };
                    out.push(
                        Finding::new(&RULE, at, message)
                            .label(t.span, format!("{members} in {az}"))
                            .help(help),
                    );
                }
            }
        }
    }
}

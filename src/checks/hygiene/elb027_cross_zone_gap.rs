//! ELB027: with cross-zone load balancing off, each instance AZ needs an LB subnet.

use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::Placement;

crate::declare_rule! {
    /// ## What it checks
    /// With `cross_zone_load_balancing = false`, that every availability zone of the
    /// registered instances also has an LB subnet (or is in the LB's `availability_zones`).
    ///
    /// ## Why it matters
    /// Without cross-zone balancing an LB node only sends to instances in its own zone:
    /// instances in a zone with no LB node never get traffic.
    ///
    /// ## Example
    /// ```hcl
    /// cross_zone_load_balancing = false
    /// subnets = [aws_subnet.a.id]  # instances also run in zone b
    /// ```
    ///
    /// Use instead: add an LB subnet in every instance zone, or turn cross-zone on.
    pub(super) static RULE = {
        code: "ELB027",
        name: "cross-zone-gap",
        severity: Warning,
        summary: "cross-zone off and an instance AZ has no LB subnet",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for lb in &net.lbs {
        if lb.cross_zone {
            continue;
        }
        let lb_azs: Option<Vec<String>> = match &lb.placement {
            Placement::Subnets(ids) => ids.iter().map(|s| net.subnets[*s].az.clone()).collect(),
            _ if !lb.azs.is_empty() => Some(lb.azs.clone()),
            _ => None,
        };
        let Some(lb_azs) = lb_azs else { continue };
        let Ok(targets) = &lb.targets else { continue };
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
                if !lb_azs.contains(&az) {
                    out.push(
                        Finding::new(&RULE, lb.span, format!("cross-zone load balancing is off and {} has instances in {az} ({whence}), where it has no node: they get no traffic", lb.address))
                            .label(t.span, format!("instances in {az}"))
                            .help(format!("add an LB subnet in {az} (or list it in availability_zones), or set cross_zone_load_balancing = true")),
                    );
                }
            }
        }
    }
}

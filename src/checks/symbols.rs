//! Requirements on a port known only as an unknown value (a variable without a value), decided
//! symbolically (SPEC §9.2): equal unknowns are equal, so a hop whose rules name that same value
//! (or every port) admits it whatever the value turns out to be.

use crate::algebra::protocol::Protocol;
use crate::analysis::flow::sg_allows_symbol;
use crate::checks::evidence::{lb_peer, target_peer};
use crate::eval::Unknown;
use crate::model::{Direction, Groups, LbId, Network, Placement, Target};

/// True when a Classic LB's instance port known only as `u` is proven open on every hop to
/// its instances (see [`reaches_targets`]).
pub(crate) fn reaches_classic_targets(net: &Network, li: LbId, u: &Unknown) -> bool {
    match &net.lbs[li].targets {
        Ok(targets) => reaches_targets(net, li, &targets.iter().collect::<Vec<_>>(), u),
        Err(_) => false,
    }
}

/// True when a port known only as the unknown value `u` is proven open on every hop from LB
/// `li` to `targets`: the LB's egress and the targets' ingress have TCP rules whose ports are
/// that same value (or every port), and no network ACL stands on the way (an LB whose subnets
/// are unknown has a note of its own). No targets proves nothing.
pub(crate) fn reaches_targets(net: &Network, li: LbId, targets: &[&Target], u: &Unknown) -> bool {
    let lb = &net.lbs[li];
    if targets.is_empty() {
        return false;
    }
    if !acl_free(net, &lb.placement, true) {
        return false;
    }
    let lb_flow = lb_peer(net, li);
    targets.iter().all(|t| {
        let egress = match &lb.groups {
            Groups::Known(ids) => sg_allows_symbol(
                net,
                ids,
                Direction::Egress,
                &target_peer(net, t),
                u,
                Protocol::Tcp,
            ),
            Groups::Unfiltered => true,
            Groups::DefaultElb | Groups::Unknown(_) => false,
        };
        let ingress = match &t.groups {
            Groups::Known(ids) => {
                sg_allows_symbol(net, ids, Direction::Ingress, &lb_flow, u, Protocol::Tcp)
            }
            _ => false,
        };
        egress && ingress && acl_free(net, &t.placement, false)
    })
}

/// True when no custom network ACL stands at interfaces placed at `p` (a symbolic port is not
/// compared with ACL rules); `unknown_ok` answers for placements that are not known.
pub(crate) fn acl_free(net: &Network, p: &Placement, unknown_ok: bool) -> bool {
    match p {
        Placement::Subnets(ids) => ids.iter().all(|s| net.subnets[*s].nacl.is_none()),
        Placement::DefaultVpc => net.default_vpc_nacl.is_none(),
        Placement::Unknown(_) => unknown_ok,
    }
}

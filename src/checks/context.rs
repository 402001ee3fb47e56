//! What the rules look at: the network of one root, its source text, and the flow answers
//! computed so far.

use super::pools::{pools, Pool};
use crate::analysis::flow::VerdictCache;
use crate::model::{Id, LbId, Network};
use crate::source::Snippets;

/// What the rules look at.
pub struct Context<'a> {
    pub net: &'a Network,
    /// The source text, for suggested fixes that reuse an expression another module already
    /// has: the source table, or the files at hand when a root is checked as soon as it is
    /// parsed.
    pub sources: &'a dyn Snippets,
    /// Network ACL verdicts computed so far for this network, shared by the rules.
    pub(crate) nacl_verdicts: VerdictCache,
    /// What each LB sends where ([`pools`]), worked out once for every rule.
    pools: Vec<Vec<Pool<'a>>>,
}

impl<'a> Context<'a> {
    pub fn new(net: &'a Network, sources: &'a dyn Snippets) -> Context<'a> {
        Context {
            net,
            sources,
            nacl_verdicts: VerdictCache::default(),
            pools: net.lbs.ids().map(|id| pools(net, id)).collect(),
        }
    }

    /// The pools of load balancer `id`.
    pub(crate) fn pools(&self, id: LbId) -> &[Pool<'a>] {
        &self.pools[id.index()]
    }
}

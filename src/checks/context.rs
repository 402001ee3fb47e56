//! What the rules look at: the network of one root, its source text, and the flow answers
//! computed so far.

use super::pools::{pools, Pool};
use crate::analysis::flow::VerdictCache;
use crate::diagnostic::Proof;
use crate::model::{Id, LbId, Network};
use crate::source::{Snippets, Span};
use std::sync::Mutex;

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
    /// What passes, when the caller asked for it ([`Context::with_proofs`]).
    proofs: Option<Mutex<Vec<Proof>>>,
}

impl<'a> Context<'a> {
    pub fn new(net: &'a Network, sources: &'a dyn Snippets) -> Context<'a> {
        Context {
            net,
            sources,
            nacl_verdicts: VerdictCache::default(),
            pools: net.lbs.ids().map(|id| pools(net, id)).collect(),
            proofs: None,
        }
    }

    /// A context whose rules also record what they prove passes ([`Context::take_proofs`]).
    pub fn with_proofs(net: &'a Network, sources: &'a dyn Snippets) -> Context<'a> {
        Context {
            proofs: Some(Mutex::new(Vec::new())),
            ..Context::new(net, sources)
        }
    }

    /// Records that the code at `span` passes, as `text` says; nothing (and no text built)
    /// unless proofs were asked for.
    pub(crate) fn prove(&self, span: Span, text: impl FnOnce() -> String) {
        if let Some(proofs) = &self.proofs {
            let text = text();
            proofs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(Proof { span, text });
        }
    }

    /// True when proofs are recorded.
    pub(crate) fn proving(&self) -> bool {
        self.proofs.is_some()
    }

    /// The proofs recorded, once each.
    pub fn take_proofs(self) -> Vec<Proof> {
        let mut out = self
            .proofs
            .map(|p| p.into_inner().unwrap_or_else(|e| e.into_inner()))
            .unwrap_or_default();
        out.sort_by(|a, b| (a.span, &a.text).cmp(&(b.span, &b.text)));
        out.dedup();
        out
    }

    /// The pools of load balancer `id`.
    pub(crate) fn pools(&self, id: LbId) -> &[Pool<'a>] {
        &self.pools[id.index()]
    }
}

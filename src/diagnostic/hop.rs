//! Where on a load balancer's path a finding blocks traffic, as data: which LB, which leg, to
//! which targets and on which ports. The hop rules (ELB001-ELB005, ELB010-ELB015) attach one
//! to their findings; the markdown format draws it, every other format ignores it.

use std::sync::Arc;

/// One leg of the path through a load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum HopKind {
    /// Requests from the clients to the LB's listeners (ELB001, ELB010).
    ClientsToLb,
    /// Requests and health checks from the LB to its targets (ELB002-ELB005, ELB012,
    /// ELB014); with client IP preservation, the clients' requests the LB passes on.
    LbToTargets,
    /// The LB's replies to its clients (ELB011).
    RepliesToClients,
    /// The targets' replies to the LB (ELB013, ELB015), or through it to clients whose
    /// addresses it preserves.
    RepliesToLb,
}

impl HopKind {
    /// True for the legs between the LB and its targets (they name the targets).
    pub fn is_target_side(self) -> bool {
        matches!(self, HopKind::LbToTargets | HopKind::RepliesToLb)
    }
}

/// The leg of a load balancer's path a finding blocks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Hop {
    /// The load balancer's address, e.g. `aws_elb.web`.
    pub lb: Arc<str>,
    pub kind: HopKind,
    /// The targets of a target-side leg: an ELBv2 target group's address, or a Classic LB's
    /// instances (`aws_instance.web`); `None` on the client side.
    pub targets: Option<String>,
    /// The blocked ports: `443`, `8080`, `1024-65535`, `80, 443`.
    pub ports: String,
    /// The LB's listener ports (`80, 443`), to label the clients' leg when it is not the one
    /// blocked; empty when none is known.
    pub listeners: String,
}

impl Hop {
    /// A hop of `lb` on `ports`, with no targets and no listener ports.
    pub fn new(lb: Arc<str>, kind: HopKind, ports: impl std::fmt::Display) -> Hop {
        Hop {
            lb,
            kind,
            targets: None,
            ports: ports.to_string(),
            listeners: String::new(),
        }
    }

    /// The targets of a target-side leg.
    pub fn targets(mut self, targets: impl Into<String>) -> Hop {
        self.targets = Some(targets.into());
        self
    }

    /// The LB's listener ports.
    pub fn listeners(mut self, listeners: impl Into<String>) -> Hop {
        self.listeners = listeners.into();
        self
    }
}

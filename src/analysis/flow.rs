//! Flow queries over the model: does a set of security groups allow TCP ports to or from a
//! peer, and what does a subnet's network ACL decide for a set of addresses and ports. Each
//! answer is three-valued (allowed, blocked, unknown) and carries its evidence.

use crate::algebra::addrs::AddrSet;
use crate::algebra::nacl::{Action, Entry, Verdict};
use crate::algebra::ports::PortSet;
use crate::algebra::protocol::Protocol;
use crate::eval::Unknown;
use crate::model::{
    Direction, GroupId, Groups, Known, LbId, NaclId, Network, Peer, Placement, DEFAULT_VPC_CIDR,
};
use crate::source::Span;
use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, Mutex};

/// How a rule's CIDR must relate to the peer's addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cover {
    /// Every address of the peer (an interface somewhere in these subnets).
    All,
    /// Some address (clients: any one of them getting through is enough).
    Any,
}

/// The other side of a flow, as security groups see it.
#[derive(Debug, Clone)]
pub struct FlowPeer {
    pub groups: Groups,
    /// Address ranges the peer may use, each of which must be matched (`Cover::All`), or the
    /// client address space (`Cover::Any`).
    pub addrs: Known<Vec<AddrSet>>,
    pub cover: Cover,
    /// The LB itself, for rules that name its source security group.
    pub lb: Option<LbId>,
    /// With `Cover::Any`: clients may carry security groups (an internal LB's clients are
    /// interfaces in the VPC; internet clients carry none).
    pub clients_in_groups: bool,
}

/// The answer of a security-group query for a set of required ports.
#[derive(Debug, Clone, Default)]
pub struct SgAnswer {
    /// Ports some rule definitely allows.
    pub allowed: PortSet,
    /// Ports a rule with an unknown part might allow.
    pub maybe: PortSet,
    pub unknowns: Vec<Unknown>,
    /// Rules that allow some required port.
    pub allowing: Vec<Span>,
}

impl SgAnswer {
    /// Ports of `required` no rule can allow: a proven block.
    pub fn blocked(&self, required: &PortSet) -> PortSet {
        required.subtract(&self.allowed).subtract(&self.maybe)
    }

    /// True when some required port depends on an unknown.
    pub fn undecided(&self, required: &PortSet) -> bool {
        !self.allowed.contains_set(required) && self.blocked(required).is_empty()
    }
}

/// The addresses an interface with this placement may have, one range per subnet.
pub fn placement_addrs(net: &Network, p: &Placement) -> Known<Vec<AddrSet>> {
    match p {
        Placement::Subnets(ids) => ids.iter().map(|s| net.subnets[*s].cidr.clone()).collect(),
        Placement::DefaultVpc => Ok(vec![AddrSet::parse_cidr(DEFAULT_VPC_CIDR).expect("valid")]),
        Placement::Unknown(u) => Err(u.clone()),
    }
}

enum Match {
    Yes,
    No,
    Maybe(Unknown),
}

fn peer_match(owner: GroupId, peer: &Peer, flow: &FlowPeer, rule_span: Span) -> Match {
    let in_groups = |g: GroupId| match &flow.groups {
        Groups::Known(ids) => {
            if ids.contains(&g) {
                Match::Yes
            } else {
                Match::No
            }
        }
        Groups::DefaultElb | Groups::Unfiltered => Match::No,
        Groups::Unknown(u) => Match::Maybe(u.clone()),
    };
    match peer {
        Peer::Ipv6 => Match::No,
        Peer::Unknown(u) => Match::Maybe(u.clone()),
        Peer::Group(g) => match flow.cover {
            // Clients of an internal LB may sit in any group of the VPC.
            Cover::Any if flow.clients_in_groups => Match::Yes,
            // Clients that an NLB passes on with their own addresses still match a rule that
            // names the NLB's own group (SPEC §8.6).
            Cover::Any => in_groups(*g),
            Cover::All => in_groups(*g),
        },
        Peer::Myself => match flow.cover {
            Cover::Any if flow.clients_in_groups => Match::Yes,
            Cover::Any => Match::No,
            Cover::All => in_groups(owner),
        },
        Peer::LbSourceGroup(lb) => match (flow.cover, flow.lb) {
            (Cover::All, Some(x)) if x == *lb => Match::Yes,
            (Cover::All, _) => Match::No,
            (Cover::Any, _) => Match::No,
        },
        Peer::Cidr(c) => match &flow.addrs {
            Err(u) => {
                if c.is_all() {
                    Match::Yes
                } else {
                    Match::Maybe(u.clone())
                }
            }
            Ok(ranges) => match flow.cover {
                Cover::Any => {
                    if ranges.iter().any(|r| r.intersects(c)) {
                        Match::Yes
                    } else {
                        Match::No
                    }
                }
                Cover::All => {
                    if ranges.iter().all(|r| c.contains_set(r)) {
                        Match::Yes
                    } else if ranges.iter().all(|r| !r.intersects(c)) {
                        Match::No
                    } else {
                        Match::Maybe(Unknown::new(format!("this rule's {c} covers only part of the peer's subnets, and the address the peer gets there is known only after apply"), Some(rule_span)))
                    }
                }
            },
        },
    }
}

/// What the union of `groups` allows in `dir` for TCP `required` ports with `flow` as peer.
pub fn sg_query(
    net: &Network,
    groups: &[GroupId],
    dir: Direction,
    flow: &FlowPeer,
    required: &PortSet,
) -> SgAnswer {
    sg_query_proto(net, groups, dir, flow, required, Protocol::Tcp)
}

/// [`sg_query`] for `required` ports of `proto` (TCP or UDP).
pub fn sg_query_proto(
    net: &Network,
    groups: &[GroupId],
    dir: Direction,
    flow: &FlowPeer,
    required: &PortSet,
    proto: Protocol,
) -> SgAnswer {
    let mut ans = SgAnswer::default();
    for &g in groups {
        let group = &net.groups[g];
        if let Some(u) = &group.incomplete {
            ans.maybe = ans.maybe.union(required);
            ans.unknowns.push(u.clone());
        }
        for rule in group.rules.iter().filter(|r| r.direction == dir) {
            let proto_maybe = match &rule.protocol {
                Ok(p) if p.carries(proto) => None,
                Ok(_) => continue,
                Err(u) => Some(u.clone()),
            };
            let (ports, ports_maybe) = match &rule.ports {
                Ok(p) => (p.clone(), None),
                Err(u) => (required.clone(), Some(u.clone())),
            };
            let hit = ports.intersect(required);
            if hit.is_empty() {
                continue;
            }
            let rule_unknown = proto_maybe.or(ports_maybe);
            let mut peer_unknown = None;
            let mut definite_peer = false;
            let mut any_match = false;
            // The CIDRs of one rule act together: a rule listing each LB subnet's CIDR covers
            // the LB though no single CIDR does.
            let peers = merged_cidrs(&rule.peers);
            for peer in peers.iter() {
                match peer_match(g, peer, flow, rule.span) {
                    Match::Yes => {
                        definite_peer = true;
                        any_match = true;
                    }
                    Match::No => {}
                    Match::Maybe(u) => {
                        peer_unknown.get_or_insert(u);
                        any_match = true;
                    }
                }
            }
            if !any_match {
                continue;
            }
            // A rule with known ports and protocol allows for sure when one of its peers
            // matches for sure, whatever its other (unknown) peers turn out to be.
            let certain = definite_peer && rule_unknown.is_none();
            let unknown = rule_unknown.or(peer_unknown);
            if certain {
                ans.allowed = ans.allowed.union(&hit);
                ans.allowing.push(rule.span);
            } else {
                ans.maybe = ans.maybe.union(&hit);
                if let Some(u) = unknown {
                    ans.unknowns.push(u);
                }
            }
        }
    }
    ans
}

/// True when the union of `groups` certainly allows, in `dir` and for `proto`, the port that
/// `symbol` stands for: a port known only as an unknown value (a variable without a value)
/// is allowed by a rule whose `from_port`/`to_port` are that same value, or that covers every
/// port, and whose peer certainly matches (SPEC §9.2: equal unknowns are equal).
pub fn sg_allows_symbol(
    net: &Network,
    groups: &[GroupId],
    dir: Direction,
    flow: &FlowPeer,
    symbol: &Unknown,
    proto: Protocol,
) -> bool {
    groups.iter().any(|&g| {
        let group = &net.groups[g];
        group
            .rules
            .iter()
            .filter(|r| r.direction == dir)
            .filter(|r| matches!(&r.protocol, Ok(p) if p.carries(proto)))
            .filter(|r| match &r.ports {
                Ok(p) => p.is_full(),
                Err(u) => u == symbol,
            })
            .any(|r| {
                merged_cidrs(&r.peers)
                    .iter()
                    .any(|p| matches!(peer_match(g, p, flow, r.span), Match::Yes))
            })
    })
}

/// A rule's peers with its CIDRs merged into one (borrowed as they are when there is at most
/// one CIDR, the common case).
fn merged_cidrs(peers: &[Peer]) -> std::borrow::Cow<'_, [Peer]> {
    let cidrs = peers.iter().filter(|p| matches!(p, Peer::Cidr(_))).count();
    if cidrs < 2 {
        return std::borrow::Cow::Borrowed(peers);
    }
    let mut union = AddrSet::empty();
    let mut out: Vec<Peer> = Vec::with_capacity(peers.len() - cidrs + 1);
    for p in peers {
        match p {
            Peer::Cidr(c) => union = union.union(c),
            other => out.push(other.clone()),
        }
    }
    out.push(Peer::Cidr(union));
    std::borrow::Cow::Owned(out)
}

/// Tag of a NACL entry: the rule's span and number.
pub type RuleTag = (Span, i64);

/// The entries of one direction of a NACL, ready for evaluation.
pub fn nacl_entries(net: &Network, nacl: NaclId, direction: Direction) -> Vec<Entry<RuleTag>> {
    let n = &net.nacls[nacl];
    n.rules
        .iter()
        .filter(|r| r.direction == direction)
        .filter(|r| !matches!(r.cidr, Ok(None)))
        .map(|r| Entry {
            number: r.number,
            action: if r.allow { Action::Allow } else { Action::Deny },
            protocol: r.protocol.clone().unwrap_or(Protocol::All),
            peers: match (&r.protocol, &r.cidr) {
                (Ok(_), Ok(Some(c))) => Some(c.clone()),
                _ => None,
            },
            ports: r.ports.clone().ok(),
            tag: (r.span, r.number),
        })
        .collect()
}

/// The network ACL verdicts of one network already computed, keyed by ACL, direction, peers
/// and ports ([`VerdictCache::nacl_query`]). Entries are filed under the hash of their key, so
/// that a lookup hashes the borrowed parts instead of copying the address and port sets into a
/// key. The checks own one per network they check.
#[derive(Default)]
pub struct VerdictCache(Mutex<HashMap<u64, Vec<Cached>>>);

type VerdictKey = (NaclId, Direction, AddrSet, PortSet);
type Cached = (VerdictKey, Arc<Verdict<RuleTag>>);

fn verdict_hash(nacl: NaclId, direction: Direction, peers: &AddrSet, ports: &PortSet) -> u64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut h = rustc_hash::FxBuildHasher.build_hasher();
    (nacl, direction).hash(&mut h);
    peers.hash(&mut h);
    ports.hash(&mut h);
    h.finish()
}

impl VerdictCache {
    /// Evaluates a NACL direction for peers and TCP ports. The answer depends only on the ACL,
    /// the direction, the peers and the ports, so it is computed once per network: many
    /// subnets of a load balancer or its targets share one ACL, and each check asks again.
    pub fn nacl_query(
        &self,
        net: &Network,
        nacl: NaclId,
        direction: Direction,
        peers: &AddrSet,
        ports: &PortSet,
    ) -> Arc<Verdict<RuleTag>> {
        if let Some(v) = self.get(nacl, direction, peers, ports) {
            return v;
        }
        let entries = nacl_entries(net, nacl, direction);
        let verdict = Arc::new(Verdict::evaluate(&entries, peers, ports));
        self.insert(
            (nacl, direction, peers.clone(), ports.clone()),
            verdict.clone(),
        );
        verdict
    }

    fn get(
        &self,
        nacl: NaclId,
        direction: Direction,
        peers: &AddrSet,
        ports: &PortSet,
    ) -> Option<Arc<Verdict<RuleTag>>> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&verdict_hash(nacl, direction, peers, ports))?
            .iter()
            .find(|((n, e, a, p), _)| *n == nacl && *e == direction && a == peers && p == ports)
            .map(|(_, v)| v.clone())
    }

    fn insert(&self, key: VerdictKey, verdict: Arc<Verdict<RuleTag>>) {
        let h = verdict_hash(key.0, key.1, &key.2, &key.3);
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(h).or_default().push((key, verdict));
    }
}

impl std::fmt::Debug for VerdictCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        write!(
            f,
            "VerdictCache({} verdicts)",
            map.values().map(Vec::len).sum::<usize>()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Nacl, NaclRule};
    use crate::source::FileId;

    fn rule(number: i64, allow: bool, cidr: &str, lo: u16, hi: u16) -> NaclRule {
        NaclRule {
            number,
            direction: Direction::Ingress,
            allow,
            protocol: Ok(Protocol::Tcp),
            cidr: Ok(AddrSet::parse_cidr(cidr)),
            ports: Ok(PortSet::range(lo, hi)),
            span: Span::new(FileId(0), number as usize, number as usize + 1),
            inline: false,
        }
    }

    #[test]
    fn nacl_verdicts_are_computed_once_per_query() {
        let mut net = Network::default();
        let acl = net.nacls.push(Nacl {
            address: "aws_network_acl.app".into(),
            span: Span::new(FileId(0), 0, 1),
            rules: vec![
                rule(100, false, "10.0.1.0/24", 8080, 8080),
                rule(200, true, "10.0.0.0/16", 0, 65535),
            ],
            incomplete: None,
            uncertain: None,
        });
        let lb = AddrSet::parse_cidr("10.0.1.0/24").unwrap();
        let other = AddrSet::parse_cidr("10.0.2.0/24").unwrap();
        let port = PortSet::single(8080);
        let cache = VerdictCache::default();
        let first = cache.nacl_query(&net, acl, Direction::Ingress, &lb, &port);
        assert_eq!(first.denied_ports(), port);
        // The same question is answered from the cache, the same answer object.
        assert!(Arc::ptr_eq(
            &first,
            &cache.nacl_query(&net, acl, Direction::Ingress, &lb, &port)
        ));
        // A different peer, port or direction is a different question with its own answer.
        let allowed = cache.nacl_query(&net, acl, Direction::Ingress, &other, &port);
        assert!(allowed.denied_ports().is_empty());
        assert_eq!(allowed.fully_allowed_ports(), port);
        assert!(!Arc::ptr_eq(
            &first,
            &cache.nacl_query(&net, acl, Direction::Ingress, &lb, &PortSet::single(80))
        ));
        assert!(!Arc::ptr_eq(
            &first,
            &cache.nacl_query(&net, acl, Direction::Egress, &lb, &port)
        ));
    }
}

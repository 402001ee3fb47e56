//! Network ACL evaluation: ordered, stateless, first match wins, implicit final deny
//! (SPEC §3.5), computed for whole regions of TCP packets at once.
//!
//! This module owns the packet space of one direction of one ACL: peer addresses × TCP ports.
//! [`evaluate`] walks the entries lowest number first and cuts the queried box into
//! [`Piece`]s, each decided by exactly one entry (or by the implicit deny, or left
//! [`Decision::Unknown`] by an entry whose peers or ports are not known before apply). The
//! pieces partition the query exactly, so a range can come out partly denied and partly
//! allowed ("1024-32767 denied by rule 90, 32768-65535 allowed by rule 120"). [`Verdict`]
//! answers the questions the checks ask of that partition. Entries are identified by a
//! caller-chosen tag `T`; this module knows nothing of Terraform.
//!
//! The undecided region is kept in a canonical form while walking: a list of
//! `(addresses, ports)` boxes whose port sets are pairwise disjoint and whose address sets are
//! pairwise distinct (for each port, the undecided addresses at that port form one box). An
//! entry can at most double the number of distinct port slabs, so the work stays polynomial in
//! the number of entries; nothing is ever enumerated per address or per port.

use std::net::Ipv4Addr;

use super::addrs::AddrSet;
use super::ports::PortSet;
use super::protocol::Protocol;

/// What a network ACL entry does with the packets it matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// `rule_action = "allow"`.
    Allow,
    /// `rule_action = "deny"`.
    Deny,
}

/// One numbered entry of one direction of a network ACL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry<T> {
    /// The rule number; lower numbers are evaluated first.
    pub number: i64,
    /// Allow or deny.
    pub action: Action,
    /// The protocol; only entries whose protocol [carries TCP](Protocol::carries_tcp) take
    /// part in the evaluation.
    pub protocol: Protocol,
    /// The peer addresses the entry matches (`cidr_block`); `None` when unknown before apply.
    pub peers: Option<AddrSet>,
    /// The ports the entry matches (`from_port..=to_port`); `None` when unknown before apply.
    /// Ignored (every port matches) when the protocol [ignores ports](Protocol::ignores_ports).
    pub ports: Option<PortSet>,
    /// The caller's handle on the rule, reported back in the decisions.
    pub tag: T,
}

/// How the packets of one [`Piece`] are treated.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Decision<T> {
    /// The first matching entry, the one tagged, allows them.
    Allowed(T),
    /// The first matching entry, the one tagged, denies them.
    Denied(T),
    /// No entry matches them: the final `*` deny.
    ImplicitDeny,
    /// The tagged entry has a value unknown before apply and could match them; what happens
    /// to them cannot be decided.
    Unknown(T),
}

impl<T> Decision<T> {
    /// The tag of the deciding entry; `None` for the implicit deny.
    pub fn tag(&self) -> Option<&T> {
        match self {
            Decision::Allowed(t) | Decision::Denied(t) | Decision::Unknown(t) => Some(t),
            Decision::ImplicitDeny => None,
        }
    }

    /// Whether the packets are allowed.
    pub fn is_allowed(&self) -> bool {
        matches!(self, Decision::Allowed(_))
    }

    /// Whether the packets are denied, by an entry or by the implicit deny.
    pub fn is_denied(&self) -> bool {
        matches!(self, Decision::Denied(_) | Decision::ImplicitDeny)
    }

    /// Whether the outcome depends on a value unknown before apply.
    pub fn is_unknown(&self) -> bool {
        matches!(self, Decision::Unknown(_))
    }
}

/// A box of packets (peers × ports) that one decision covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece<T> {
    /// The peer addresses of the box; never empty.
    pub peers: AddrSet,
    /// The TCP ports of the box; never empty.
    pub ports: PortSet,
    /// What the ACL does with every packet of the box.
    pub decision: Decision<T>,
}

/// Adds the box `peers × ports` to a region kept in canonical form (distinct address sets),
/// merging it with the box that has the same address set. The caller guarantees `ports` is
/// disjoint from the ports already in the region.
fn add_box(region: &mut Vec<(AddrSet, PortSet)>, peers: AddrSet, ports: PortSet) {
    if peers.is_empty() || ports.is_empty() {
        return;
    }
    match region.iter_mut().find(|(a, _)| *a == peers) {
        Some((_, p)) => *p = p.union(&ports),
        None => region.push((peers, ports)),
    }
}

/// Merges pieces with equal decisions whose boxes share their peers (union of ports) or their
/// ports (union of peers), until no such pair is left. Boxes stay disjoint, so the result is
/// still a partition of the same packets. Keeps the position of the earlier piece.
fn merge_pieces<T: PartialEq>(mut pieces: Vec<Piece<T>>) -> Vec<Piece<T>> {
    let mut changed = true;
    while changed {
        changed = false;
        let mut i = 0;
        while i < pieces.len() {
            let mut j = i + 1;
            while j < pieces.len() {
                let (head, tail) = pieces.split_at_mut(j);
                let (a, b) = (&mut head[i], &tail[0]);
                if a.decision == b.decision {
                    if a.peers == b.peers {
                        a.ports = a.ports.union(&b.ports);
                        pieces.remove(j);
                        changed = true;
                        continue;
                    }
                    if a.ports == b.ports {
                        a.peers = a.peers.union(&b.peers);
                        pieces.remove(j);
                        changed = true;
                        continue;
                    }
                }
                j += 1;
            }
            i += 1;
        }
    }
    pieces
}

/// Evaluates one direction of a network ACL for the TCP packets `peers × ports`.
///
/// `entries` may come in any order; they are applied by ascending `number` (ties keep their
/// given order). Entries whose protocol does not carry TCP are skipped. Each entry decides
/// the still-undecided packets it matches; an entry with unknown peers or ports decides every
/// packet it *could* match as [`Decision::Unknown`]. Packets no entry matches get
/// [`Decision::ImplicitDeny`].
///
/// The returned pieces are non-empty, pairwise disjoint and cover `peers × ports` exactly
/// (nothing at all when the query is empty). They come in the order of the deciding entries,
/// the implicit deny last; pieces with equal decisions are merged where their union is still a
/// box.
pub fn evaluate<T: Clone + PartialEq>(
    entries: &[Entry<T>],
    peers: &AddrSet,
    ports: &PortSet,
) -> Vec<Piece<T>> {
    let mut order: Vec<&Entry<T>> = entries
        .iter()
        .filter(|e| e.protocol.carries_tcp())
        .collect();
    order.sort_by_key(|e| e.number);

    let mut undecided: Vec<(AddrSet, PortSet)> = Vec::new();
    add_box(&mut undecided, peers.clone(), ports.clone());
    let mut pieces: Vec<Piece<T>> = Vec::new();

    for entry in order {
        if undecided.is_empty() {
            break;
        }
        let ignores_ports = entry.protocol.ignores_ports();
        let unknown = entry.peers.is_none() || (!ignores_ports && entry.ports.is_none());
        // The packets the entry matches, or could match when something is unknown.
        let match_peers = entry.peers.clone().unwrap_or_else(AddrSet::all);
        let match_ports = if ignores_ports {
            PortSet::full()
        } else {
            entry.ports.clone().unwrap_or_else(PortSet::full)
        };
        let decision = if unknown {
            Decision::Unknown(entry.tag.clone())
        } else {
            match entry.action {
                Action::Allow => Decision::Allowed(entry.tag.clone()),
                Action::Deny => Decision::Denied(entry.tag.clone()),
            }
        };

        let mut decided: Vec<(AddrSet, PortSet)> = Vec::new();
        let mut rest: Vec<(AddrSet, PortSet)> = Vec::new();
        for (a, p) in undecided {
            let a_in = a.intersect(&match_peers);
            let p_in = p.intersect(&match_ports);
            if a_in.is_empty() || p_in.is_empty() {
                add_box(&mut rest, a, p);
                continue;
            }
            // (A × P) \ (C × Q) = ((A \ C) × (P ∩ Q)) ∪ (A × (P \ Q)), disjoint.
            let a_out = a.subtract(&match_peers);
            let p_out = p.subtract(&match_ports);
            add_box(&mut rest, a_out, p_in.clone());
            add_box(&mut rest, a, p_out);
            add_box(&mut decided, a_in, p_in);
        }
        pieces.extend(decided.into_iter().map(|(peers, ports)| Piece {
            peers,
            ports,
            decision: decision.clone(),
        }));
        undecided = rest;
    }

    pieces.extend(undecided.into_iter().map(|(peers, ports)| Piece {
        peers,
        ports,
        decision: Decision::ImplicitDeny,
    }));
    merge_pieces(pieces)
}

/// The outcome of [`evaluate`] with the questions the checks ask of it.
///
/// "Ports" questions project the pieces onto ports: a port is in [`Verdict::allowed_ports`]
/// when *some* peer of the query is allowed on it, in [`Verdict::fully_allowed_ports`] when
/// *every* peer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict<T> {
    pieces: Vec<Piece<T>>,
}

impl<T: Clone + PartialEq> Verdict<T> {
    /// [`evaluate`] wrapped in a `Verdict`.
    pub fn evaluate(entries: &[Entry<T>], peers: &AddrSet, ports: &PortSet) -> Verdict<T> {
        Verdict {
            pieces: evaluate(entries, peers, ports),
        }
    }

    /// The same verdict narrowed to the packets `peers × ports` (which should lie inside the
    /// evaluated query; packets outside it are simply absent from the result).
    pub fn restrict(&self, peers: &AddrSet, ports: &PortSet) -> Verdict<T> {
        let pieces = self
            .pieces
            .iter()
            .filter_map(|piece| {
                let peers = piece.peers.intersect(peers);
                let ports = piece.ports.intersect(ports);
                (!peers.is_empty() && !ports.is_empty()).then(|| Piece {
                    peers,
                    ports,
                    decision: piece.decision.clone(),
                })
            })
            .collect();
        Verdict {
            pieces: merge_pieces(pieces),
        }
    }

    /// For each entry that denies some packets, the ports it denies (for at least one peer),
    /// in rule order; `None` stands for the implicit deny and comes last.
    pub fn deciding_denials(&self) -> Vec<(PortSet, Option<T>)> {
        let mut out: Vec<(PortSet, Option<T>)> = Vec::new();
        for piece in &self.pieces {
            let tag = match &piece.decision {
                Decision::Denied(t) => Some(t.clone()),
                Decision::ImplicitDeny => None,
                _ => continue,
            };
            accumulate(&mut out, tag, &piece.ports);
        }
        // Implicit deny last, whatever order the pieces came in.
        out.sort_by_key(|(_, tag)| tag.is_none());
        out
    }

    /// For each entry that allows some packets, the ports it allows (for at least one peer),
    /// in rule order.
    pub fn allowing_rules(&self) -> Vec<(PortSet, T)> {
        self.tagged(Decision::is_allowed)
    }

    /// For each unknown entry that decides some packets, the ports it leaves undecided (for
    /// at least one peer), in rule order.
    pub fn unknown_rules(&self) -> Vec<(PortSet, T)> {
        self.tagged(Decision::is_unknown)
    }

    fn tagged(&self, keep: fn(&Decision<T>) -> bool) -> Vec<(PortSet, T)> {
        let mut out: Vec<(PortSet, Option<T>)> = Vec::new();
        for piece in self.pieces.iter().filter(|p| keep(&p.decision)) {
            accumulate(&mut out, piece.decision.tag().cloned(), &piece.ports);
        }
        out.into_iter()
            .filter_map(|(ports, tag)| tag.map(|t| (ports, t)))
            .collect()
    }
}

/// Adds `ports` to the entry of `out` with tag `tag`, or appends a new entry.
fn accumulate<T: PartialEq>(out: &mut Vec<(PortSet, Option<T>)>, tag: Option<T>, ports: &PortSet) {
    match out.iter_mut().find(|(_, t)| *t == tag) {
        Some((p, _)) => *p = p.union(ports),
        None => out.push((ports.clone(), tag)),
    }
}

impl<T> Verdict<T> {
    /// The pieces: disjoint boxes covering the query, in rule order, implicit deny last.
    pub fn pieces(&self) -> &[Piece<T>] {
        &self.pieces
    }

    /// The pieces, by value.
    pub fn into_pieces(self) -> Vec<Piece<T>> {
        self.pieces
    }

    fn ports_where(&self, pred: fn(&Decision<T>) -> bool) -> PortSet {
        self.pieces
            .iter()
            .filter(|p| pred(&p.decision))
            .fold(PortSet::empty(), |acc, p| acc.union(&p.ports))
    }

    /// Every port of the query (the union of all pieces' ports).
    pub fn ports(&self) -> PortSet {
        self.ports_where(|_| true)
    }

    /// The ports allowed for at least one peer.
    pub fn allowed_ports(&self) -> PortSet {
        self.ports_where(Decision::is_allowed)
    }

    /// The ports denied (by an entry or implicitly) for at least one peer.
    pub fn denied_ports(&self) -> PortSet {
        self.ports_where(Decision::is_denied)
    }

    /// The ports whose fate is unknown for at least one peer.
    pub fn unknown_ports(&self) -> PortSet {
        self.ports_where(Decision::is_unknown)
    }

    /// The ports allowed for every peer of the query.
    pub fn fully_allowed_ports(&self) -> PortSet {
        self.ports()
            .subtract(&self.denied_ports())
            .subtract(&self.unknown_ports())
    }

    /// The ports denied for every peer of the query.
    pub fn fully_denied_ports(&self) -> PortSet {
        self.ports()
            .subtract(&self.allowed_ports())
            .subtract(&self.unknown_ports())
    }

    /// The peers allowed on at least one port.
    pub fn allowed_peers(&self) -> AddrSet {
        self.pieces
            .iter()
            .filter(|p| p.decision.is_allowed())
            .fold(AddrSet::empty(), |acc, p| acc.union(&p.peers))
    }

    /// Whether every packet of the query is allowed (true for an empty query).
    pub fn is_all_allowed(&self) -> bool {
        self.pieces.iter().all(|p| p.decision.is_allowed())
    }

    /// Whether no packet of the query is allowed. Unknown packets are not counted as
    /// allowed, so check [`Verdict::has_unknown`] before calling this a proven block.
    pub fn is_none_allowed(&self) -> bool {
        !self.pieces.iter().any(|p| p.decision.is_allowed())
    }

    /// Whether some packets depend on a value unknown before apply.
    pub fn has_unknown(&self) -> bool {
        self.pieces.iter().any(|p| p.decision.is_unknown())
    }

    /// The decision for one packet, or `None` when it lies outside the query.
    pub fn decision_at(&self, peer: Ipv4Addr, port: u16) -> Option<&Decision<T>> {
        self.pieces
            .iter()
            .find(|p| p.ports.contains(port) && p.peers.contains(peer))
            .map(|p| &p.decision)
    }
}

impl<T> From<Vec<Piece<T>>> for Verdict<T> {
    fn from(pieces: Vec<Piece<T>>) -> Verdict<T> {
        Verdict { pieces }
    }
}

impl<T> IntoIterator for Verdict<T> {
    type Item = Piece<T>;
    type IntoIter = std::vec::IntoIter<Piece<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.pieces.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a Verdict<T> {
    type Item = &'a Piece<T>;
    type IntoIter = std::slice::Iter<'a, Piece<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.pieces.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> AddrSet {
        AddrSet::parse_cidr(s).expect("valid CIDR")
    }

    fn tcp(number: i64, action: Action, peers: &str, lo: u16, hi: u16) -> Entry<i64> {
        Entry {
            number,
            action,
            protocol: Protocol::Tcp,
            peers: Some(cidr(peers)),
            ports: Some(PortSet::range(lo, hi)),
            tag: number,
        }
    }

    fn anywhere() -> AddrSet {
        AddrSet::all()
    }

    #[test]
    fn empty_acl_denies_everything_implicitly() {
        let v = Verdict::<i64>::evaluate(&[], &anywhere(), &PortSet::single(80));
        assert_eq!(
            v.pieces(),
            &[Piece {
                peers: anywhere(),
                ports: PortSet::single(80),
                decision: Decision::ImplicitDeny,
            }]
        );
        assert!(v.is_none_allowed());
        assert_eq!(v.deciding_denials(), vec![(PortSet::single(80), None)]);
    }

    #[test]
    fn empty_query_gives_nothing() {
        let entries = [tcp(100, Action::Allow, "0.0.0.0/0", 0, 65535)];
        assert!(evaluate(&entries, &AddrSet::empty(), &PortSet::full()).is_empty());
        assert!(evaluate(&entries, &anywhere(), &PortSet::empty()).is_empty());
        let v = Verdict::evaluate(&entries, &AddrSet::empty(), &PortSet::full());
        assert!(v.is_all_allowed());
        assert!(v.is_none_allowed());
    }

    #[test]
    fn deny_90_shadows_allow_100() {
        // Given unsorted on purpose.
        let entries = [
            tcp(100, Action::Allow, "0.0.0.0/0", 80, 80),
            tcp(90, Action::Deny, "0.0.0.0/0", 80, 80),
        ];
        let v = Verdict::evaluate(&entries, &anywhere(), &PortSet::single(80));
        assert_eq!(
            v.pieces(),
            &[Piece {
                peers: anywhere(),
                ports: PortSet::single(80),
                decision: Decision::Denied(90),
            }]
        );
        assert!(v.is_none_allowed());
        assert!(v.allowed_ports().is_empty());
        assert_eq!(v.deciding_denials(), vec![(PortSet::single(80), Some(90))]);
        assert!(v.allowing_rules().is_empty());
    }

    #[test]
    fn deny_shadows_only_the_shared_packets() {
        let entries = [
            tcp(90, Action::Deny, "203.0.113.0/24", 80, 80),
            tcp(100, Action::Allow, "0.0.0.0/0", 80, 443),
        ];
        let v = Verdict::evaluate(&entries, &anywhere(), &PortSet::single(80));
        let rest = anywhere().subtract(&cidr("203.0.113.0/24"));
        assert_eq!(
            v.pieces(),
            &[
                Piece {
                    peers: cidr("203.0.113.0/24"),
                    ports: PortSet::single(80),
                    decision: Decision::Denied(90),
                },
                Piece {
                    peers: rest,
                    ports: PortSet::single(80),
                    decision: Decision::Allowed(100),
                },
            ]
        );
        assert!(!v.is_all_allowed());
        assert!(!v.is_none_allowed());
        assert_eq!(v.allowed_ports(), PortSet::single(80));
        assert_eq!(v.denied_ports(), PortSet::single(80));
        assert!(v.fully_allowed_ports().is_empty());
        assert_eq!(
            v.decision_at(Ipv4Addr::new(203, 0, 113, 9), 80),
            Some(&Decision::Denied(90))
        );
        assert_eq!(
            v.decision_at(Ipv4Addr::new(8, 8, 8, 8), 80),
            Some(&Decision::Allowed(100))
        );
        assert_eq!(v.decision_at(Ipv4Addr::new(8, 8, 8, 8), 81), None);
        assert_eq!(
            v.allowed_peers().to_string(),
            v.pieces()[1].peers.to_string()
        );
    }

    #[test]
    fn partial_ephemeral_range() {
        // Ephemeral replies: 1024-32767 denied by rule 90, 32768-65535 allowed by rule 120.
        let entries = [
            tcp(120, Action::Allow, "0.0.0.0/0", 32768, 65535),
            tcp(90, Action::Deny, "0.0.0.0/0", 1024, 32767),
        ];
        let eph = PortSet::range(1024, 65535);
        let v = Verdict::evaluate(&entries, &anywhere(), &eph);
        assert_eq!(
            v.pieces(),
            &[
                Piece {
                    peers: anywhere(),
                    ports: PortSet::range(1024, 32767),
                    decision: Decision::Denied(90),
                },
                Piece {
                    peers: anywhere(),
                    ports: PortSet::range(32768, 65535),
                    decision: Decision::Allowed(120),
                },
            ]
        );
        assert_eq!(
            v.deciding_denials(),
            vec![(PortSet::range(1024, 32767), Some(90))]
        );
        assert_eq!(
            v.allowing_rules(),
            vec![(PortSet::range(32768, 65535), 120)]
        );
        assert_eq!(v.allowed_ports(), PortSet::range(32768, 65535));
        assert_eq!(v.fully_allowed_ports(), PortSet::range(32768, 65535));
        assert_eq!(v.fully_denied_ports(), PortSet::range(1024, 32767));
        assert!(!v.has_unknown());
    }

    #[test]
    fn partial_range_without_deny_rule_is_implicit() {
        let entries = [tcp(100, Action::Allow, "10.0.0.0/16", 32768, 65535)];
        let v = Verdict::evaluate(&entries, &cidr("10.0.0.0/16"), &PortSet::range(1024, 65535));
        assert_eq!(
            v.deciding_denials(),
            vec![(PortSet::range(1024, 32767), None)]
        );
        assert_eq!(
            v.allowing_rules(),
            vec![(PortSet::range(32768, 65535), 100)]
        );
    }

    #[test]
    fn unknown_entry_clouds_what_it_could_match() {
        let entries = [
            Entry {
                number: 50,
                action: Action::Deny,
                protocol: Protocol::Tcp,
                peers: None,
                ports: Some(PortSet::single(22)),
                tag: 50,
            },
            Entry {
                number: 60,
                action: Action::Allow,
                protocol: Protocol::Tcp,
                peers: Some(cidr("10.0.0.0/16")),
                ports: None,
                tag: 60,
            },
            tcp(100, Action::Allow, "0.0.0.0/0", 0, 65535),
        ];
        let query_ports = PortSet::from_ranges([(22, 22), (80, 80)]);
        let v = Verdict::evaluate(&entries, &anywhere(), &query_ports);
        let outside = anywhere().subtract(&cidr("10.0.0.0/16"));
        assert_eq!(
            v.pieces(),
            &[
                Piece {
                    peers: anywhere(),
                    ports: PortSet::single(22),
                    decision: Decision::Unknown(50),
                },
                Piece {
                    peers: cidr("10.0.0.0/16"),
                    ports: PortSet::single(80),
                    decision: Decision::Unknown(60),
                },
                Piece {
                    peers: outside,
                    ports: PortSet::single(80),
                    decision: Decision::Allowed(100),
                },
            ]
        );
        assert!(v.has_unknown());
        assert_eq!(v.unknown_ports(), query_ports);
        assert_eq!(
            v.unknown_rules(),
            vec![(PortSet::single(22), 50), (PortSet::single(80), 60)]
        );
        assert!(v.fully_allowed_ports().is_empty());
        assert!(v.deciding_denials().is_empty());
    }

    #[test]
    fn unknown_ports_do_not_matter_when_protocol_ignores_them() {
        let entries = [Entry {
            number: 100,
            action: Action::Allow,
            protocol: Protocol::All,
            peers: Some(AddrSet::all()),
            ports: None,
            tag: "allow-all",
        }];
        let v = Verdict::evaluate(&entries, &anywhere(), &PortSet::full());
        assert!(v.is_all_allowed());
        assert_eq!(v.allowing_rules(), vec![(PortSet::full(), "allow-all")]);
    }

    #[test]
    fn protocols_that_do_not_carry_tcp_are_skipped() {
        let mk = |number, protocol| Entry {
            number,
            action: Action::Deny,
            protocol,
            peers: Some(AddrSet::all()),
            ports: Some(PortSet::full()),
            tag: number,
        };
        let entries = [
            mk(10, Protocol::Udp),
            mk(20, Protocol::Icmp),
            mk(30, Protocol::Other(47)),
            mk(40, Protocol::Icmpv6),
            tcp(100, Action::Allow, "0.0.0.0/0", 443, 443),
        ];
        let v = Verdict::evaluate(&entries, &anywhere(), &PortSet::single(443));
        assert!(v.is_all_allowed());
    }

    #[test]
    fn all_protocol_ignores_port_bounds() {
        // protocol -1 with from_port = to_port = 0 still matches every port.
        let entries = [Entry {
            number: 100,
            action: Action::Deny,
            protocol: Protocol::All,
            peers: Some(AddrSet::all()),
            ports: Some(PortSet::single(0)),
            tag: 100,
        }];
        let v = Verdict::evaluate(&entries, &anywhere(), &PortSet::single(80));
        assert_eq!(v.deciding_denials(), vec![(PortSet::single(80), Some(100))]);
    }

    #[test]
    fn equal_numbers_keep_given_order() {
        let entries = [
            tcp(100, Action::Deny, "0.0.0.0/0", 80, 80),
            Entry {
                tag: 101,
                ..tcp(100, Action::Allow, "0.0.0.0/0", 80, 80)
            },
        ];
        let v = Verdict::evaluate(&entries, &anywhere(), &PortSet::single(80));
        assert_eq!(v.deciding_denials(), vec![(PortSet::single(80), Some(100))]);
    }

    #[test]
    fn pieces_merge_and_restrict() {
        // Rule 100 decides two boxes (around the hole rule 90 cut); narrowed to one subnet they
        // merge back into a single piece.
        let entries = [
            tcp(90, Action::Deny, "10.0.1.0/24", 1024, 2047),
            tcp(100, Action::Allow, "10.0.0.0/16", 1024, 65535),
        ];
        let vpc = cidr("10.0.0.0/16");
        let v = Verdict::evaluate(&entries, &vpc, &PortSet::range(1024, 65535));
        assert_eq!(v.pieces().len(), 3);
        assert_eq!(v.fully_allowed_ports(), PortSet::range(2048, 65535));
        let sub = v.restrict(&cidr("10.0.2.0/24"), &PortSet::range(1024, 65535));
        assert!(sub.is_all_allowed());
        assert_eq!(
            sub.pieces(),
            &[Piece {
                peers: cidr("10.0.2.0/24"),
                ports: PortSet::range(1024, 65535),
                decision: Decision::Allowed(100),
            }]
        );
        let denied = v.restrict(&cidr("10.0.1.0/24"), &PortSet::range(1024, 65535));
        assert_eq!(
            denied.deciding_denials(),
            vec![(PortSet::range(1024, 2047), Some(90))]
        );
    }
}

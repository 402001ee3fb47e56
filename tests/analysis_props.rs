//! Property tests: the port, address and network ACL algebra of `tf_elbcheck::algebra`
//! against brute-force oracles that look at individual ports, addresses and packets.
//!
//! Every generated set lives in a small universe, chosen so that each set is constant on the
//! gaps of the universe; checking every point of the universe (plus one point standing for
//! each gap) is then an exhaustive comparison, not a sample.

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use proptest::prelude::*;
use tf_elbcheck::algebra::addrs::AddrSet;
use tf_elbcheck::algebra::nacl::{evaluate, Action, Decision, Entry, Piece, Verdict};
use tf_elbcheck::algebra::ports::PortSet;
use tf_elbcheck::algebra::protocol::Protocol;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        ..ProptestConfig::default()
    }
}

/// Checks the canonical form: every interval non-empty, sorted, disjoint and non-adjacent.
fn assert_canonical<T: Copy + Ord + Into<u64> + std::fmt::Debug>(ranges: &[(T, T)]) {
    for &(lo, hi) in ranges {
        assert!(lo <= hi, "inverted interval in {ranges:?}");
    }
    for w in ranges.windows(2) {
        let (_, hi) = w[0];
        let (lo, _) = w[1];
        assert!(hi.into() + 1 < lo.into(), "not canonical: {ranges:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// PortSet
// ---------------------------------------------------------------------------------------------

/// Ports are drawn from `LOW` and `HIGH`; intervals either stay inside one of them or span the
/// whole gap between them, so every set is constant on the gap `302..=65233`, which
/// [`GAP_REP`] stands for.
const LOW: (u16, u16) = (0, 301);
const HIGH: (u16, u16) = (65234, 65535);
const GAP_REP: u16 = 30000;
const GAP_LEN: u32 = (HIGH.0 - LOW.1 - 1) as u32;

fn universe_ports() -> Vec<u16> {
    (LOW.0..=LOW.1)
        .chain(std::iter::once(GAP_REP))
        .chain(HIGH.0..=HIGH.1)
        .collect()
}

fn port_interval() -> impl Strategy<Value = (u16, u16)> {
    prop_oneof![
        4 => (LOW.0..=LOW.1, 0u16..40).prop_map(|(lo, len)| (lo, lo.saturating_add(len).min(LOW.1))),
        3 => (HIGH.0..=HIGH.1, 0u16..40).prop_map(|(lo, len)| (lo, lo.saturating_add(len))),
        1 => (LOW.0..=LOW.1, HIGH.0..=HIGH.1),
        1 => (LOW.0..=LOW.1, LOW.0..=LOW.1), // possibly inverted: must be dropped
    ]
}

/// A port set together with its oracle.
fn port_set() -> impl Strategy<Value = (PortSet, BTreeSet<u16>)> {
    prop::collection::vec(port_interval(), 0..5).prop_map(|ivs| {
        // Build half by `from_ranges`, half by unions of `range`, to exercise both.
        let mut set = PortSet::from_ranges(ivs.iter().copied().step_by(2));
        for &(lo, hi) in ivs.iter().skip(1).step_by(2) {
            set = set.union(&PortSet::range(lo, hi));
        }
        let mut oracle = BTreeSet::new();
        for &(lo, hi) in &ivs {
            if lo > hi {
                continue;
            }
            for p in universe_ports() {
                if lo <= p && p <= hi {
                    oracle.insert(p);
                }
            }
        }
        (set, oracle)
    })
}

fn oracle_port_len(oracle: &BTreeSet<u16>) -> u32 {
    oracle
        .iter()
        .map(|&p| if p == GAP_REP { GAP_LEN } else { 1 })
        .sum()
}

fn assert_ports_match(set: &PortSet, oracle: &BTreeSet<u16>) {
    assert_canonical(set.ranges());
    for p in universe_ports() {
        assert_eq!(set.contains(p), oracle.contains(&p), "port {p} in {set}");
    }
    assert_eq!(set.len(), oracle_port_len(oracle), "len of {set}");
    assert_eq!(set.is_empty(), oracle.is_empty());
    assert_eq!(set.is_full(), oracle.len() == universe_ports().len());
}

/// Parses the `Display` form back: `80, 443, 1024-65535`.
fn parse_port_display(s: &str) -> Vec<(u16, u16)> {
    if s == "none" {
        return Vec::new();
    }
    s.split(", ")
        .map(|tok| match tok.split_once('-') {
            Some((lo, hi)) => {
                let (lo, hi): (u16, u16) = (lo.parse().unwrap(), hi.parse().unwrap());
                assert!(lo < hi, "range token {tok:?} should be a single port");
                (lo, hi)
            }
            None => {
                let p = tok.parse().unwrap();
                (p, p)
            }
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn port_set_ops_match_oracle((a, oa) in port_set(), (b, ob) in port_set()) {
        assert_ports_match(&a, &oa);
        assert_ports_match(&b, &ob);

        let union: BTreeSet<u16> = oa.union(&ob).copied().collect();
        let inter: BTreeSet<u16> = oa.intersection(&ob).copied().collect();
        let diff: BTreeSet<u16> = oa.difference(&ob).copied().collect();
        let compl: BTreeSet<u16> = universe_ports().into_iter().filter(|p| !oa.contains(p)).collect();
        assert_ports_match(&a.union(&b), &union);
        assert_ports_match(&a.intersect(&b), &inter);
        assert_ports_match(&a.subtract(&b), &diff);
        assert_ports_match(&a.complement(), &compl);

        prop_assert_eq!(a.contains_set(&b), ob.is_subset(&oa));
        prop_assert_eq!(a.intersects(&b), !inter.is_empty());
        prop_assert_eq!(a == b, oa == ob);
        prop_assert_eq!(a.first(), oa.first().copied());

        // Algebraic identities that must hold exactly (canonical form makes `==` set equality).
        prop_assert_eq!(a.union(&b), b.union(&a));
        prop_assert_eq!(a.subtract(&b).union(&a.intersect(&b)), a.clone());
        prop_assert!(a.subtract(&b).intersect(&b).is_empty());
        prop_assert_eq!(a.union(&a.complement()), PortSet::full());
    }

    #[test]
    fn port_set_display_round_trips((a, _oa) in port_set()) {
        let text = a.to_string();
        let parsed = parse_port_display(&text);
        prop_assert_eq!(parsed.as_slice(), a.ranges(), "{}", text);
        prop_assert_eq!(PortSet::from_ranges(parsed), a);
    }

    #[test]
    fn port_range_and_single(lo in any::<u16>(), hi in any::<u16>(), p in any::<u16>()) {
        let r = PortSet::range(lo, hi);
        prop_assert_eq!(r.contains(p), lo <= p && p <= hi);
        prop_assert_eq!(r.len(), if lo <= hi { u32::from(hi) - u32::from(lo) + 1 } else { 0 });
        prop_assert!(PortSet::single(p).contains(p));
        prop_assert_eq!(PortSet::single(p).len(), 1);
        prop_assert_eq!(PortSet::full().subtract(&PortSet::single(p)).len(), 65535);
    }
}

// ---------------------------------------------------------------------------------------------
// AddrSet
// ---------------------------------------------------------------------------------------------

/// Address universes of 1024 addresses (a /22), including both ends of the IPv4 space.
const UNIVERSE_SIZE: u32 = 1024;
const UNIVERSE_PREFIX: u8 = 22;

fn universe_base() -> impl Strategy<Value = u32> {
    prop_oneof![
        Just(0x0A00_0000u32), // 10.0.0.0/22
        Just(0u32),           // 0.0.0.0/22
        Just(0xFFFF_FC00u32), // 255.255.252.0/22
        Just(0xC0A8_0400u32), // 192.168.4.0/22
    ]
}

/// One block inside the universe: a CIDR written in text (host bits possibly set) or a raw
/// range, as offsets `(lo, hi)` into the universe.
#[derive(Clone, Debug)]
enum AddrPart {
    Cidr { offset: u32, prefix: u8 },
    Range { lo: u32, hi: u32 },
}

fn addr_part() -> impl Strategy<Value = AddrPart> {
    prop_oneof![
        3 => (0..UNIVERSE_SIZE, UNIVERSE_PREFIX..=32u8)
            .prop_map(|(offset, prefix)| AddrPart::Cidr { offset, prefix }),
        1 => (0..UNIVERSE_SIZE, 0..UNIVERSE_SIZE).prop_map(|(lo, hi)| AddrPart::Range { lo, hi }),
    ]
}

/// An address set inside the universe at `base`, its oracle (membership by offset) and the
/// base itself.
fn addr_set_in(base: u32) -> impl Strategy<Value = AddrCase> {
    prop::collection::vec(addr_part(), 0..5).prop_map(move |parts| {
        let mut set = AddrSet::empty();
        let mut oracle = vec![false; UNIVERSE_SIZE as usize];
        for part in parts {
            let (block, lo, hi) = match part {
                AddrPart::Cidr { offset, prefix } => {
                    let text = format!("{}/{}", Ipv4Addr::from(base + offset), prefix);
                    let block = AddrSet::parse_cidr(&text).expect("generated CIDR parses");
                    let size = 1u32 << (32 - prefix);
                    let lo = offset / size * size;
                    (block, lo, lo + size - 1)
                }
                AddrPart::Range { lo, hi } => (
                    AddrSet::range(Ipv4Addr::from(base + lo), Ipv4Addr::from(base + hi)),
                    lo,
                    hi,
                ),
            };
            set = set.union(&block);
            for slot in oracle.iter_mut().take(hi as usize + 1).skip(lo as usize) {
                *slot = true;
            }
        }
        (set, oracle)
    })
}

/// An address set with its oracle (membership by offset into the universe).
type AddrCase = (AddrSet, Vec<bool>);

fn two_addr_sets() -> impl Strategy<Value = (u32, AddrCase, AddrCase)> {
    universe_base().prop_flat_map(|base| (Just(base), addr_set_in(base), addr_set_in(base)))
}

fn assert_addrs_match(base: u32, set: &AddrSet, oracle: &[bool]) {
    assert_canonical(set.ranges());
    for (offset, &member) in oracle.iter().enumerate() {
        let addr = Ipv4Addr::from(base + offset as u32);
        assert_eq!(set.contains(addr), member, "{addr} in {set}");
    }
    // Nothing outside the universe.
    if let Some(below) = base.checked_sub(1) {
        assert!(!set.contains(Ipv4Addr::from(below)));
    }
    if let Some(above) = base.checked_add(UNIVERSE_SIZE) {
        assert!(!set.contains(Ipv4Addr::from(above)));
    }
    let count = oracle.iter().filter(|&&m| m).count() as u64;
    assert_eq!(set.len(), count);
    assert_eq!(set.is_empty(), count == 0);
}

fn zip_oracle(a: &[bool], b: &[bool], f: impl Fn(bool, bool) -> bool) -> Vec<bool> {
    a.iter().zip(b).map(|(&x, &y)| f(x, y)).collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn addr_set_ops_match_oracle((base, (a, oa), (b, ob)) in two_addr_sets()) {
        assert_addrs_match(base, &a, &oa);
        assert_addrs_match(base, &b, &ob);
        let inter = zip_oracle(&oa, &ob, |x, y| x && y);
        assert_addrs_match(base, &a.union(&b), &zip_oracle(&oa, &ob, |x, y| x || y));
        assert_addrs_match(base, &a.intersect(&b), &inter);
        assert_addrs_match(base, &a.subtract(&b), &zip_oracle(&oa, &ob, |x, y| x && !y));

        let subset = oa.iter().zip(&ob).all(|(&x, &y)| x || !y);
        prop_assert_eq!(a.contains_set(&b), subset);
        prop_assert_eq!(a.intersects(&b), inter.iter().any(|&m| m));
        prop_assert_eq!(a == b, oa == ob);
        prop_assert!(AddrSet::all().contains_set(&a));
        prop_assert_eq!(a.union(&b), b.union(&a));
        prop_assert_eq!(a.subtract(&b).union(&a.intersect(&b)), a.clone());
        let first = oa.iter().position(|&m| m).map(|o| Ipv4Addr::from(base + o as u32));
        prop_assert_eq!(a.first(), first);
    }

    #[test]
    fn addr_set_display_is_minimal_cidr_list((_base, (a, _oa), _b) in two_addr_sets()) {
        let text = a.to_string();
        let nets = a.to_networks();
        if a.is_empty() {
            prop_assert_eq!(text, "none");
            prop_assert!(nets.is_empty());
            return Ok(());
        }
        let tokens: Vec<&str> = text.split(", ").collect();
        prop_assert_eq!(tokens.len(), nets.len());
        let mut rebuilt = AddrSet::empty();
        let mut blocks: Vec<(u64, u64, u8)> = Vec::new();
        for (tok, net) in tokens.iter().zip(&nets) {
            // Each token is a canonical CIDR (no host bits): it prints back identically.
            let block = AddrSet::parse_cidr(tok).expect("display token parses");
            prop_assert_eq!(&block.to_string(), tok);
            prop_assert_eq!(block.clone(), AddrSet::from_net(*net));
            prop_assert_eq!(net.network(), net.ip());
            let lo = u64::from(u32::from(net.ip()));
            blocks.push((lo, lo + block.len() - 1, net.prefix()));
            prop_assert!(!rebuilt.intersects(&block), "blocks overlap in {}", text);
            rebuilt = rebuilt.union(&block);
        }
        prop_assert_eq!(&rebuilt, &a);
        // Minimality: no two consecutive blocks are buddies that one shorter prefix would cover.
        for w in blocks.windows(2) {
            let ((lo1, hi1, p1), (lo2, _, p2)) = (w[0], w[1]);
            prop_assert!(lo1 < lo2, "blocks not sorted in {}", text);
            let buddies = p1 == p2 && p1 > 0 && hi1 + 1 == lo2 && lo1 % (2 * (hi1 - lo1 + 1)) == 0;
            prop_assert!(!buddies, "{} is not minimal", text);
        }
    }

    #[test]
    fn parse_cidr_masks_host_bits(addr in any::<u32>(), prefix in 0u8..=32) {
        let text = format!("{}/{}", Ipv4Addr::from(addr), prefix);
        let set = AddrSet::parse_cidr(&text).expect("valid CIDR text");
        let size = 1u64 << (32 - prefix);
        prop_assert_eq!(set.len(), size);
        prop_assert!(set.contains(Ipv4Addr::from(addr)));
        let lo = u64::from(addr) / size * size;
        prop_assert_eq!(set.ranges(), &[(lo as u32, (lo + size - 1) as u32)]);
        let bare = AddrSet::parse_cidr(&Ipv4Addr::from(addr).to_string()).expect("bare address");
        prop_assert_eq!(bare, AddrSet::single(Ipv4Addr::from(addr)));
        prop_assert_eq!(AddrSet::parse_cidr(&format!("{}/{}", Ipv4Addr::from(addr), prefix + 33)), None);
    }

    #[test]
    fn public_is_all_minus_special(addr in any::<u32>()) {
        let ip = Ipv4Addr::from(addr);
        let o = ip.octets();
        let special = o[0] == 0
            || o[0] == 10
            || (o[0] == 100 && (64..128).contains(&o[1]))
            || o[0] == 127
            || (o[0] == 169 && o[1] == 254)
            || (o[0] == 172 && (16..32).contains(&o[1]))
            || (o[0] == 192 && o[1] == 168)
            || o[0] >= 224;
        prop_assert_eq!(AddrSet::public().contains(ip), !special);
    }
}

// ---------------------------------------------------------------------------------------------
// Protocol
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(config())]

    #[test]
    fn protocol_numbers_round_trip(n in -1i32..=255) {
        let sg = Protocol::parse_sg(&n.to_string()).expect("every number in range parses");
        let nacl = Protocol::parse_nacl(&n.to_string()).expect("every number in range parses");
        prop_assert_eq!(sg, nacl);
        prop_assert_eq!(sg.number(), n);
        prop_assert_eq!(Protocol::parse_sg(&sg.to_string()), Some(sg));
        prop_assert_eq!(Protocol::parse_nacl(&sg.to_string()), Some(sg));
        prop_assert_eq!(sg.carries_tcp(), n == 6 || n == -1);
        prop_assert_eq!(sg.ignores_ports(), ![6, 17, 1, 58].contains(&n));
    }

    #[test]
    fn protocol_out_of_range_rejected(n in prop_oneof![-1000i32..=-2, 256i32..=100_000]) {
        prop_assert_eq!(Protocol::parse_sg(&n.to_string()), None);
        prop_assert_eq!(Protocol::parse_nacl(&n.to_string()), None);
    }
}

// ---------------------------------------------------------------------------------------------
// Network ACL evaluation
// ---------------------------------------------------------------------------------------------

/// Packets live in 10.0.0.0/24 × ports 0..=200.
const NACL_BASE: u32 = 0x0A00_0000;
const NACL_ADDRS: u32 = 256;
const NACL_PORT_MAX: u16 = 200;

fn nacl_addr(offset: u32) -> Ipv4Addr {
    Ipv4Addr::from(NACL_BASE + offset)
}

fn nacl_cidr(min_prefix: u8) -> impl Strategy<Value = AddrSet> {
    (0..NACL_ADDRS, min_prefix..=32u8).prop_map(|(offset, prefix)| {
        AddrSet::parse_cidr(&format!("{}/{}", nacl_addr(offset), prefix)).expect("valid")
    })
}

fn entry_peers() -> impl Strategy<Value = Option<AddrSet>> {
    prop_oneof![
        7 => nacl_cidr(24).prop_map(Some),
        1 => Just(Some(AddrSet::all())),
        1 => Just(Some(AddrSet::parse_cidr("10.0.1.0/24").expect("valid"))),
        1 => Just(None),
    ]
}

fn entry_ports() -> impl Strategy<Value = Option<PortSet>> {
    prop_oneof![
        8 => (0..=NACL_PORT_MAX, 0..=NACL_PORT_MAX).prop_map(|(lo, hi)| Some(PortSet::range(lo.min(hi), lo.max(hi)))),
        1 => Just(Some(PortSet::full())),
        1 => Just(None),
    ]
}

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![
        6 => Just(Protocol::Tcp),
        2 => Just(Protocol::All),
        1 => Just(Protocol::Udp),
        1 => Just(Protocol::Icmp),
        1 => Just(Protocol::Icmpv6),
        1 => Just(Protocol::Other(47)),
    ]
}

fn entries() -> impl Strategy<Value = Vec<Entry<usize>>> {
    prop::collection::vec(
        (
            1i64..=20,
            prop_oneof![Just(Action::Allow), Just(Action::Deny)],
            protocol(),
            entry_peers(),
            entry_ports(),
        ),
        0..9,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(tag, (number, action, protocol, peers, ports))| Entry {
                number,
                action,
                protocol,
                peers,
                ports,
                tag,
            })
            .collect()
    })
}

fn query_peers() -> impl Strategy<Value = AddrSet> {
    prop_oneof![
        1 => Just(AddrSet::parse_cidr("10.0.0.0/24").expect("valid")),
        3 => (nacl_cidr(24), nacl_cidr(24)).prop_map(|(a, b)| a.union(&b)),
    ]
}

fn query_ports() -> impl Strategy<Value = PortSet> {
    (
        0..=NACL_PORT_MAX,
        0..=NACL_PORT_MAX,
        0..=NACL_PORT_MAX,
        0..=NACL_PORT_MAX,
    )
        .prop_map(|(a, b, c, d)| {
            PortSet::range(a.min(b), a.max(b)).union(&PortSet::range(c.min(d), c.max(d)))
        })
}

/// The decision for one packet, straight from the definition: entries by number (ties in
/// given order), the first TCP-carrying entry that matches (or, being unknown, could match)
/// decides; nothing matching means the implicit deny.
fn oracle(entries: &[Entry<usize>], addr: Ipv4Addr, port: u16) -> Decision<usize> {
    let mut order: Vec<&Entry<usize>> = entries.iter().collect();
    order.sort_by_key(|e| (e.number, e.tag));
    for e in order {
        if !e.protocol.carries_tcp() {
            continue;
        }
        let ignores = e.protocol.ignores_ports();
        let peer_ok = e.peers.as_ref().is_none_or(|p| p.contains(addr));
        let port_ok = ignores || e.ports.as_ref().is_none_or(|p| p.contains(port));
        if !(peer_ok && port_ok) {
            continue;
        }
        let unknown = e.peers.is_none() || (!ignores && e.ports.is_none());
        return if unknown {
            Decision::Unknown(e.tag)
        } else if e.action == Action::Allow {
            Decision::Allowed(e.tag)
        } else {
            Decision::Denied(e.tag)
        };
    }
    Decision::ImplicitDeny
}

/// Cut points of a family of interval lists over `[min, max]`: every `lo` and `hi + 1`,
/// clipped, plus the ends. Between two consecutive cuts every list is constant.
fn cuts<'a>(lists: impl Iterator<Item = &'a [(u32, u32)]>, min: u32, max: u32) -> Vec<u32> {
    let mut out = BTreeSet::from([min, max + 1]);
    for list in lists {
        for &(lo, hi) in list {
            for c in [lo, hi.saturating_add(1)] {
                if min <= c && c <= max + 1 {
                    out.insert(c);
                }
            }
        }
    }
    out.into_iter().collect()
}

/// The cells `[cuts[i], cuts[i+1] - 1]`.
fn cells(cuts: &[u32]) -> Vec<(u32, u32)> {
    cuts.windows(2).map(|w| (w[0], w[1] - 1)).collect()
}

fn port_ranges_u32(p: &PortSet) -> Vec<(u32, u32)> {
    p.ranges()
        .iter()
        .map(|&(lo, hi)| (u32::from(lo), u32::from(hi)))
        .collect()
}

/// Inclusive `u32` intervals: address cells or port cells.
type Cells = Vec<(u32, u32)>;

/// Address cells and port cells on which the entries, the query and the given pieces are all
/// constant (addresses as `u32`, with one cell on each side of the universe; ports up to one
/// past the universe).
fn grid(
    entries: &[Entry<usize>],
    peers: &AddrSet,
    ports: &PortSet,
    pieces: &[Piece<usize>],
) -> (Cells, Cells) {
    let addr_lists: Vec<Vec<(u32, u32)>> = entries
        .iter()
        .filter_map(|e| e.peers.as_ref())
        .chain(std::iter::once(peers))
        .chain(pieces.iter().map(|p| &p.peers))
        .map(|s| s.ranges().to_vec())
        .collect();
    let port_lists: Vec<Vec<(u32, u32)>> = entries
        .iter()
        .filter_map(|e| e.ports.as_ref())
        .chain(std::iter::once(ports))
        .chain(pieces.iter().map(|p| &p.ports))
        .map(port_ranges_u32)
        .collect();
    let a = cuts(
        addr_lists.iter().map(Vec::as_slice),
        NACL_BASE - 1,
        NACL_BASE + NACL_ADDRS,
    );
    let p = cuts(
        port_lists.iter().map(Vec::as_slice),
        0,
        u32::from(NACL_PORT_MAX) + 1,
    );
    (cells(&a), cells(&p))
}

/// Checks that `pieces` partition `peers × ports` exactly and agree with the oracle on every
/// cell of the grid (both ends of each cell, so piece boundaries are checked too).
fn check_partition(
    entries: &[Entry<usize>],
    peers: &AddrSet,
    ports: &PortSet,
    pieces: &[Piece<usize>],
) -> Result<(), TestCaseError> {
    // Exact checks: non-empty, inside the query, pairwise disjoint, volumes add up.
    let mut volume: u64 = 0;
    for (i, a) in pieces.iter().enumerate() {
        prop_assert!(
            !a.peers.is_empty() && !a.ports.is_empty(),
            "empty piece {:?}",
            a
        );
        prop_assert!(peers.contains_set(&a.peers) && ports.contains_set(&a.ports));
        for b in &pieces[i + 1..] {
            prop_assert!(
                !(a.peers.intersects(&b.peers) && a.ports.intersects(&b.ports)),
                "pieces overlap: {:?} and {:?}",
                a,
                b
            );
        }
        volume += a.peers.len() * u64::from(a.ports.len());
    }
    prop_assert_eq!(volume, peers.len() * u64::from(ports.len()));

    // Decisions against the oracle, on both ends of every grid cell.
    let (addr_cells, port_cells) = grid(entries, peers, ports, pieces);
    for &(alo, ahi) in &addr_cells {
        for a in [alo, ahi] {
            let addr = Ipv4Addr::from(a);
            for &(plo, phi) in &port_cells {
                for p in [plo, phi] {
                    let port = p as u16;
                    let owners: Vec<&Piece<usize>> = pieces
                        .iter()
                        .filter(|pc| pc.peers.contains(addr) && pc.ports.contains(port))
                        .collect();
                    if peers.contains(addr) && ports.contains(port) {
                        prop_assert_eq!(owners.len(), 1, "packet {}:{}", addr, port);
                        prop_assert_eq!(
                            &owners[0].decision,
                            &oracle(entries, addr, port),
                            "packet {}:{}",
                            addr,
                            port
                        );
                    } else {
                        prop_assert!(owners.is_empty(), "packet {}:{} outside query", addr, port);
                    }
                }
            }
        }
    }
    Ok(())
}

/// Port intervals, possibly overlapping or adjacent (normalised by `PortSet::from_ranges`).
type PortRanges = Vec<(u16, u16)>;

/// What the verdict helpers should say, computed from the oracle cell by cell.
#[derive(Default)]
struct Expected {
    allowed: PortRanges,
    denied: PortRanges,
    unknown: PortRanges,
    by_deny: Vec<(Option<usize>, PortRanges)>,
    by_allow: Vec<(usize, PortRanges)>,
    by_unknown: Vec<(usize, PortRanges)>,
    allowed_peers: Cells,
}

fn push_tagged<K: PartialEq>(list: &mut Vec<(K, PortRanges)>, key: K, range: (u16, u16)) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some((_, v)) => v.push(range),
        None => list.push((key, vec![range])),
    }
}

fn expected(entries: &[Entry<usize>], peers: &AddrSet, ports: &PortSet) -> Expected {
    let (addr_cells, port_cells) = grid(entries, peers, ports, &[]);
    let mut e = Expected::default();
    for &(alo, ahi) in &addr_cells {
        let addr = Ipv4Addr::from(alo);
        if !peers.contains(addr) {
            continue;
        }
        for &(plo, phi) in &port_cells {
            let port = plo as u16;
            if !ports.contains(port) {
                continue;
            }
            let range = (plo as u16, phi as u16);
            match oracle(entries, addr, port) {
                Decision::Allowed(t) => {
                    e.allowed.push(range);
                    e.allowed_peers.push((alo, ahi));
                    push_tagged(&mut e.by_allow, t, range);
                }
                Decision::Denied(t) => {
                    e.denied.push(range);
                    push_tagged(&mut e.by_deny, Some(t), range);
                }
                Decision::ImplicitDeny => {
                    e.denied.push(range);
                    push_tagged(&mut e.by_deny, None, range);
                }
                Decision::Unknown(t) => {
                    e.unknown.push(range);
                    push_tagged(&mut e.by_unknown, t, range);
                }
            }
        }
    }
    e
}

/// Sorts tagged port sets by rule order (number, then given order), `None` last.
fn rule_rank(entries: &[Entry<usize>], tag: Option<usize>) -> (bool, i64, usize) {
    match tag {
        Some(t) => (false, entries[t].number, t),
        None => (true, 0, 0),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn nacl_pieces_partition_and_match_oracle(
        entries in entries(),
        peers in query_peers(),
        ports in query_ports(),
    ) {
        let pieces = evaluate(&entries, &peers, &ports);
        check_partition(&entries, &peers, &ports, &pieces)?;
    }

    #[test]
    fn nacl_verdict_helpers_match_oracle(
        entries in entries(),
        peers in query_peers(),
        ports in query_ports(),
    ) {
        let v = Verdict::evaluate(&entries, &peers, &ports);
        let e = expected(&entries, &peers, &ports);
        let allowed = PortSet::from_ranges(e.allowed.clone());
        let denied = PortSet::from_ranges(e.denied.clone());
        let unknown = PortSet::from_ranges(e.unknown.clone());
        prop_assert_eq!(v.allowed_ports(), allowed.clone());
        prop_assert_eq!(v.denied_ports(), denied.clone());
        prop_assert_eq!(v.unknown_ports(), unknown.clone());
        prop_assert_eq!(v.ports(), ports.clone());
        prop_assert_eq!(v.fully_allowed_ports(), ports.subtract(&denied).subtract(&unknown));
        prop_assert_eq!(v.fully_denied_ports(), ports.subtract(&allowed).subtract(&unknown));
        prop_assert_eq!(v.is_all_allowed(), denied.is_empty() && unknown.is_empty());
        prop_assert_eq!(v.is_none_allowed(), allowed.is_empty());
        prop_assert_eq!(v.has_unknown(), !unknown.is_empty());
        prop_assert_eq!(v.allowed_peers(), AddrSet::from_ranges(e.allowed_peers.clone()));

        // Evidence: which rule decided which ports, in rule order, implicit deny last.
        let denials = v.deciding_denials();
        let mut want: Vec<(PortSet, Option<usize>)> = e
            .by_deny
            .into_iter()
            .map(|(tag, r)| (PortSet::from_ranges(r), tag))
            .collect();
        want.sort_by_key(|(_, tag)| rule_rank(&entries, *tag));
        prop_assert_eq!(denials, want);

        let mut want: Vec<(PortSet, usize)> = e
            .by_allow
            .into_iter()
            .map(|(tag, r)| (PortSet::from_ranges(r), tag))
            .collect();
        want.sort_by_key(|(_, tag)| rule_rank(&entries, Some(*tag)));
        prop_assert_eq!(v.allowing_rules(), want);

        let mut want: Vec<(PortSet, usize)> = e
            .by_unknown
            .into_iter()
            .map(|(tag, r)| (PortSet::from_ranges(r), tag))
            .collect();
        want.sort_by_key(|(_, tag)| rule_rank(&entries, Some(*tag)));
        prop_assert_eq!(v.unknown_rules(), want);

        // Point queries agree with the oracle.
        for offset in [0u32, 1, 127, 128, 255] {
            let addr = nacl_addr(offset);
            for port in [0u16, 1, 80, 199, 200] {
                let got = v.decision_at(addr, port).cloned();
                let want = (peers.contains(addr) && ports.contains(port))
                    .then(|| oracle(&entries, addr, port));
                prop_assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn nacl_restrict_matches_oracle(
        entries in entries(),
        peers in query_peers(),
        ports in query_ports(),
        sub_peers in nacl_cidr(24),
        sub_ports in query_ports(),
    ) {
        let v = Verdict::evaluate(&entries, &peers, &ports);
        let sub_peers = sub_peers.intersect(&peers);
        let sub_ports = sub_ports.intersect(&ports);
        let r = v.restrict(&sub_peers, &sub_ports);
        check_partition(&entries, &sub_peers, &sub_ports, r.pieces())?;
    }

    #[test]
    fn nacl_ignores_entry_order_given(entries in entries(), peers in query_peers(), ports in query_ports()) {
        // Any reordering that keeps equal numbers in their given order gives the same pieces:
        // here, descending by number (a stable sort keeps ties in place).
        let mut shuffled = entries.clone();
        shuffled.sort_by_key(|e| std::cmp::Reverse(e.number));
        prop_assert_eq!(evaluate(&shuffled, &peers, &ports), evaluate(&entries, &peers, &ports));
    }
}

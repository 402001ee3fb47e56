//! [`AddrSet`]: a set of IPv4 addresses kept as sorted, disjoint, non-adjacent inclusive
//! `u32` intervals.
//!
//! This module owns IPv4 address sets: reading CIDR text the way Terraform users write it
//! (host bits set, bare addresses), the set algebra rule evaluation needs, the "any public
//! client" set, and printing a set back as the fewest CIDR blocks. IPv6 is out of scope on
//! purpose: a Classic Load Balancer talks to its instances over IPv4 only (SPEC §3.12), so an
//! IPv6 CIDR never parses here and the caller treats such a rule as irrelevant.

use std::fmt;
use std::net::Ipv4Addr;

use ipnetwork::Ipv4Network;

use super::intervals;
use smallvec::{smallvec, SmallVec};

/// A set of IPv4 addresses, stored as canonical inclusive intervals.
///
/// Two sets with the same addresses are equal and hash equally, whatever built them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct AddrSet {
    ranges: SmallVec<[(u32, u32); 2]>,
}

/// The ranges that [`AddrSet::public`] leaves out: private (RFC 1918), shared (RFC 6598),
/// loopback, link-local, "this network", multicast and reserved.
const NON_PUBLIC: [(Ipv4Addr, u8); 9] = [
    (Ipv4Addr::new(0, 0, 0, 0), 8),
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(224, 0, 0, 0), 4),
    (Ipv4Addr::new(240, 0, 0, 0), 4),
];

/// The inclusive interval covered by `addr/prefix`, host bits of `addr` ignored.
/// `prefix` must be at most 32.
fn block(addr: u32, prefix: u8) -> (u32, u32) {
    debug_assert!(prefix <= 32);
    let host_bits = 32 - u32::from(prefix);
    let mask = u32::MAX.checked_shl(host_bits).unwrap_or(0);
    let lo = addr & mask;
    (lo, lo | !mask)
}

impl AddrSet {
    /// The set with no address.
    pub fn empty() -> AddrSet {
        AddrSet {
            ranges: SmallVec::new(),
        }
    }

    /// Every IPv4 address, `0.0.0.0/0`.
    pub fn all() -> AddrSet {
        AddrSet {
            ranges: smallvec![(0, u32::MAX)],
        }
    }

    /// The addresses of one network. Host bits of the network's address are ignored, so
    /// `10.0.1.5/16` gives `10.0.0.0/16`.
    pub fn from_net(net: Ipv4Network) -> AddrSet {
        let (lo, hi) = block(u32::from(net.ip()), net.prefix());
        AddrSet {
            ranges: smallvec![(lo, hi)],
        }
    }

    /// The one address `addr`.
    pub fn single(addr: Ipv4Addr) -> AddrSet {
        let a = u32::from(addr);
        AddrSet {
            ranges: smallvec![(a, a)],
        }
    }

    /// The addresses `lo..=hi`; empty when `lo > hi`.
    pub fn range(lo: Ipv4Addr, hi: Ipv4Addr) -> AddrSet {
        AddrSet::from_ranges([(u32::from(lo), u32::from(hi))])
    }

    /// The union of arbitrary `u32` intervals (unsorted, overlapping allowed; inverted ones
    /// are dropped).
    pub fn from_ranges<I: IntoIterator<Item = (u32, u32)>>(ranges: I) -> AddrSet {
        AddrSet {
            ranges: intervals::normalize(ranges.into_iter().collect()),
        }
    }

    /// Parses an IPv4 CIDR as written in Terraform: `10.0.0.0/16`, a bare address
    /// (`10.0.0.5`, read as `/32`), or a block with host bits set (`10.0.1.5/16`, masked to
    /// `10.0.0.0/16`). Returns `None` for IPv6, an out-of-range prefix, surrounding
    /// whitespace, or anything else that is not an IPv4 CIDR.
    pub fn parse_cidr(s: &str) -> Option<AddrSet> {
        let (addr, prefix) = match s.split_once('/') {
            Some((addr, prefix)) => {
                // Digits only: `u8::from_str` would also take `+16`.
                if prefix.is_empty()
                    || prefix.len() > 2
                    || !prefix.bytes().all(|b| b.is_ascii_digit())
                {
                    return None;
                }
                let prefix: u8 = prefix.parse().ok()?;
                (addr, prefix)
            }
            None => (s, 32),
        };
        if prefix > 32 {
            return None;
        }
        let addr: Ipv4Addr = addr.parse().ok()?;
        let (lo, hi) = block(u32::from(addr), prefix);
        Some(AddrSet {
            ranges: smallvec![(lo, hi)],
        })
    }

    /// Every address except the private and special ranges: `0.0.0.0/8`, `10.0.0.0/8`,
    /// `100.64.0.0/10`, `127.0.0.0/8`, `169.254.0.0/16`, `172.16.0.0/12`, `192.168.0.0/16`,
    /// `224.0.0.0/4` and `240.0.0.0/4`. This is "any public client" of an internet-facing
    /// load balancer.
    pub fn public() -> AddrSet {
        let special = AddrSet::from_ranges(
            NON_PUBLIC
                .iter()
                .map(|&(addr, prefix)| block(u32::from(addr), prefix)),
        );
        AddrSet::all().subtract(&special)
    }

    /// `self ∪ other`.
    pub fn union(&self, other: &AddrSet) -> AddrSet {
        AddrSet {
            ranges: intervals::union(&self.ranges, &other.ranges),
        }
    }

    /// `self ∩ other`.
    pub fn intersect(&self, other: &AddrSet) -> AddrSet {
        AddrSet {
            ranges: intervals::intersect(&self.ranges, &other.ranges),
        }
    }

    /// `self \ other`: the addresses of `self` that are not in `other`.
    pub fn subtract(&self, other: &AddrSet) -> AddrSet {
        AddrSet {
            ranges: intervals::subtract(&self.ranges, &other.ranges),
        }
    }

    /// Whether the set has no address.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the set has every address (`0.0.0.0/0`).
    pub fn is_all(&self) -> bool {
        self.ranges[..] == [(0, u32::MAX)]
    }

    /// Whether `addr` is in the set.
    pub fn contains(&self, addr: Ipv4Addr) -> bool {
        intervals::contains(&self.ranges, u32::from(addr))
    }

    /// Whether every address of `other` is in `self` (`other ⊆ self`).
    pub fn contains_set(&self, other: &AddrSet) -> bool {
        intervals::contains_all(&self.ranges, &other.ranges)
    }

    /// Whether `self` and `other` share at least one address.
    pub fn intersects(&self, other: &AddrSet) -> bool {
        intervals::intersects(&self.ranges, &other.ranges)
    }

    /// The number of addresses in the set (`2^32` for [`AddrSet::all`]).
    pub fn len(&self) -> u64 {
        self.ranges
            .iter()
            .map(|&(lo, hi)| u64::from(hi) - u64::from(lo) + 1)
            .sum()
    }

    /// The canonical intervals as `u32` addresses: sorted, disjoint, non-adjacent.
    pub fn ranges(&self) -> &[(u32, u32)] {
        &self.ranges
    }

    /// The lowest address of the set, if any.
    pub fn first(&self) -> Option<Ipv4Addr> {
        self.ranges.first().map(|&(lo, _)| Ipv4Addr::from(lo))
    }

    /// The set as the fewest CIDR blocks, in address order.
    pub fn to_networks(&self) -> Vec<Ipv4Network> {
        let mut out = Vec::new();
        for &(lo, hi) in &self.ranges {
            let hi = u64::from(hi);
            let mut start = u64::from(lo);
            while start <= hi {
                // Largest aligned block starting at `start` that stays within `hi`.
                let mut size: u64 = if start == 0 {
                    1 << 32
                } else {
                    1 << start.trailing_zeros()
                };
                while start + size - 1 > hi {
                    size >>= 1;
                }
                let prefix = 32 - size.trailing_zeros() as u8;
                // `start < 2^32` and `prefix <= 32`, so both conversions succeed.
                let addr = Ipv4Addr::from(start as u32);
                if let Some(net) = Ipv4Network::new_checked(addr, prefix) {
                    out.push(net);
                }
                start += size;
            }
        }
        out
    }
}

impl From<Ipv4Network> for AddrSet {
    fn from(net: Ipv4Network) -> AddrSet {
        AddrSet::from_net(net)
    }
}

impl From<Ipv4Addr> for AddrSet {
    fn from(addr: Ipv4Addr) -> AddrSet {
        AddrSet::single(addr)
    }
}

/// Writes the set as the fewest CIDR blocks, comma-separated: `10.0.0.0/16`,
/// `10.0.0.0/24, 10.0.2.0/23`, `0.0.0.0/0`. A single address keeps its `/32`. The empty set
/// is written `none`.
impl fmt::Display for AddrSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() {
            return f.write_str("none");
        }
        for (i, net) in self.to_networks().into_iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}/{}", net.ip(), net.prefix())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> AddrSet {
        AddrSet::parse_cidr(s).unwrap_or_else(|| panic!("{s} should parse"))
    }

    #[test]
    fn parse_canonical_and_bare() {
        assert_eq!(cidr("10.0.0.0/16").ranges(), &[(0x0A00_0000, 0x0A00_FFFF)]);
        assert_eq!(cidr("10.0.0.5").ranges(), &[(0x0A00_0005, 0x0A00_0005)]);
        assert_eq!(cidr("0.0.0.0/0"), AddrSet::all());
        assert_eq!(cidr("10.0.0.5/32").len(), 1);
        assert_eq!(cidr("10.0.0.0/16").len(), 65536);
        assert_eq!(AddrSet::all().len(), 1 << 32);
    }

    #[test]
    fn parse_masks_host_bits() {
        assert_eq!(cidr("10.0.1.5/16"), cidr("10.0.0.0/16"));
        assert_eq!(cidr("192.168.1.77/24").to_string(), "192.168.1.0/24");
        assert_eq!(cidr("255.255.255.255/0"), AddrSet::all());
    }

    #[test]
    fn parse_rejects_garbage_and_ipv6() {
        for bad in [
            "",
            "::/0",
            "2001:db8::/32",
            "10.0.0.0/33",
            "10.0.0.0/",
            "10.0.0/8",
            "10.0.0.0/+8",
            "10.0.0.0/-1",
            "10.0.0.256/8",
            " 10.0.0.0/8",
            "10.0.0.0/8 ",
            "10.0.0.0/8/8",
            "anywhere",
            "${var.cidr}",
        ] {
            assert_eq!(AddrSet::parse_cidr(bad), None, "{bad:?} should not parse");
        }
    }

    #[test]
    fn from_net_masks() {
        let net: Ipv4Network = "10.1.2.3/8".parse().expect("valid network");
        assert_eq!(AddrSet::from_net(net), cidr("10.0.0.0/8"));
        assert_eq!(AddrSet::from(net).to_string(), "10.0.0.0/8");
    }

    #[test]
    fn two_halves_display_as_one_block() {
        let u = cidr("10.0.0.0/25").union(&cidr("10.0.0.128/25"));
        assert_eq!(u.to_string(), "10.0.0.0/24");
        assert_eq!(u, cidr("10.0.0.0/24"));
    }

    #[test]
    fn display_minimal_blocks() {
        assert_eq!(AddrSet::all().to_string(), "0.0.0.0/0");
        assert_eq!(AddrSet::empty().to_string(), "none");
        assert_eq!(cidr("10.0.0.7").to_string(), "10.0.0.7/32");
        // 10.0.0.0/24 minus 10.0.0.0/26 = 10.0.0.64/26 + 10.0.0.128/25
        let d = cidr("10.0.0.0/24").subtract(&cidr("10.0.0.0/26"));
        assert_eq!(d.to_string(), "10.0.0.64/26, 10.0.0.128/25");
        // An unaligned range 10.0.0.1 - 10.0.0.6
        let r = AddrSet::range(Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 6));
        assert_eq!(
            r.to_string(),
            "10.0.0.1/32, 10.0.0.2/31, 10.0.0.4/31, 10.0.0.6/32"
        );
        let top = AddrSet::range(Ipv4Addr::new(255, 255, 255, 254), Ipv4Addr::BROADCAST);
        assert_eq!(top.to_string(), "255.255.255.254/31");
        assert_eq!(
            AddrSet::all().subtract(&cidr("0.0.0.0/1")).to_string(),
            "128.0.0.0/1"
        );
    }

    #[test]
    fn set_operations() {
        let vpc = cidr("10.0.0.0/16");
        let a = cidr("10.0.1.0/24");
        let b = cidr("10.0.2.0/24");
        assert!(vpc.contains_set(&a));
        assert!(!a.contains_set(&vpc));
        assert!(vpc.intersects(&b));
        assert!(!a.intersects(&b));
        assert!(a.intersect(&b).is_empty());
        assert_eq!(a.union(&b).to_string(), "10.0.1.0/24, 10.0.2.0/24");
        assert_eq!(vpc.subtract(&vpc), AddrSet::empty());
        assert_eq!(vpc.subtract(&a).len(), 65536 - 256);
        assert!(vpc.contains(Ipv4Addr::new(10, 0, 255, 255)));
        assert!(!vpc.contains(Ipv4Addr::new(10, 1, 0, 0)));
        assert!(AddrSet::all().is_all());
        assert_eq!(a.first(), Some(Ipv4Addr::new(10, 0, 1, 0)));
    }

    #[test]
    fn public_excludes_special_ranges() {
        let p = AddrSet::public();
        for private in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "0.0.0.0/8",
            "224.0.0.0/4",
            "240.0.0.0/4",
        ] {
            assert!(!p.intersects(&cidr(private)), "{private} is not public");
        }
        for public in ["8.8.8.8", "1.0.0.0/8", "172.32.0.0/11", "203.0.113.0/24"] {
            assert!(p.contains_set(&cidr(public)), "{public} is public");
        }
        assert!(p.contains(Ipv4Addr::new(11, 0, 0, 0)));
        assert!(!p.contains(Ipv4Addr::new(172, 31, 255, 255)));
        assert!(p.contains(Ipv4Addr::new(223, 255, 255, 255)));
    }
}

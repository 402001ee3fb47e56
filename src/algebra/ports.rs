//! [`PortSet`]: a set of TCP/UDP ports (`0..=65535`) kept as sorted, disjoint, non-adjacent
//! inclusive intervals.
//!
//! This module owns everything about port ranges: building them from rule bounds, the set
//! algebra the filters need (union, intersection, difference, containment), and their wording
//! in messages (`80, 443`, `1024-65535`). A set is never expanded to one entry per port.

use std::fmt;

use super::intervals;
use smallvec::{smallvec, SmallVec};

/// A set of ports, stored as canonical inclusive intervals.
///
/// Two sets with the same ports are equal and hash equally, whatever operations built them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub struct PortSet {
    ranges: SmallVec<[(u16, u16); 4]>,
}

impl PortSet {
    /// The set with no port.
    pub fn empty() -> PortSet {
        PortSet {
            ranges: SmallVec::new(),
        }
    }

    /// Every port, `0-65535`.
    pub fn full() -> PortSet {
        PortSet {
            ranges: smallvec![(0, u16::MAX)],
        }
    }

    /// The ports `lo..=hi`; empty when `lo > hi`.
    pub fn range(lo: u16, hi: u16) -> PortSet {
        if lo > hi {
            PortSet::empty()
        } else {
            PortSet {
                ranges: smallvec![(lo, hi)],
            }
        }
    }

    /// The one port `p`.
    pub fn single(p: u16) -> PortSet {
        PortSet::range(p, p)
    }

    /// The union of arbitrary (possibly overlapping, unsorted or inverted) intervals;
    /// inverted intervals (`lo > hi`) are dropped.
    pub fn from_ranges<I: IntoIterator<Item = (u16, u16)>>(ranges: I) -> PortSet {
        PortSet {
            ranges: intervals::normalize(ranges.into_iter().collect()),
        }
    }

    /// `self ∪ other`.
    pub fn union(&self, other: &PortSet) -> PortSet {
        PortSet {
            ranges: intervals::union(&self.ranges, &other.ranges),
        }
    }

    /// `self ∩ other`.
    pub fn intersect(&self, other: &PortSet) -> PortSet {
        PortSet {
            ranges: intervals::intersect(&self.ranges, &other.ranges),
        }
    }

    /// `self \ other`: the ports of `self` that are not in `other`.
    pub fn subtract(&self, other: &PortSet) -> PortSet {
        PortSet {
            ranges: intervals::subtract(&self.ranges, &other.ranges),
        }
    }

    /// The ports not in `self`.
    pub fn complement(&self) -> PortSet {
        PortSet {
            ranges: intervals::complement(&self.ranges),
        }
    }

    /// Whether the set has no port.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether the set has every port `0-65535`.
    pub fn is_full(&self) -> bool {
        self.ranges[..] == [(0, u16::MAX)]
    }

    /// Whether port `p` is in the set.
    pub fn contains(&self, p: u16) -> bool {
        intervals::contains(&self.ranges, p)
    }

    /// Whether every port of `other` is in `self` (`other ⊆ self`).
    pub fn contains_set(&self, other: &PortSet) -> bool {
        intervals::contains_all(&self.ranges, &other.ranges)
    }

    /// Whether `self` and `other` share at least one port.
    pub fn intersects(&self, other: &PortSet) -> bool {
        intervals::intersects(&self.ranges, &other.ranges)
    }

    /// The canonical intervals: sorted, disjoint, non-adjacent, each `(lo, hi)` with `lo <= hi`.
    pub fn ranges(&self) -> &[(u16, u16)] {
        &self.ranges
    }

    /// The number of ports in the set (`65536` for [`PortSet::full`]).
    pub fn len(&self) -> u32 {
        self.ranges
            .iter()
            .map(|&(lo, hi)| u32::from(hi) - u32::from(lo) + 1)
            .sum()
    }

    /// The lowest port of the set, if any.
    pub fn first(&self) -> Option<u16> {
        self.ranges.first().map(|&(lo, _)| lo)
    }
}

impl From<u16> for PortSet {
    fn from(p: u16) -> PortSet {
        PortSet::single(p)
    }
}

impl FromIterator<(u16, u16)> for PortSet {
    fn from_iter<I: IntoIterator<Item = (u16, u16)>>(iter: I) -> PortSet {
        PortSet::from_ranges(iter)
    }
}

/// Writes the ranges comma-separated, a single port as itself: `80, 443, 1024-65535`.
/// The empty set is written `none`.
impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() {
            return f.write_str("none");
        }
        for (i, &(lo, hi)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors() {
        assert!(PortSet::empty().is_empty());
        assert_eq!(PortSet::default(), PortSet::empty());
        assert!(PortSet::full().is_full());
        assert_eq!(PortSet::full().len(), 65536);
        assert!(PortSet::range(10, 9).is_empty());
        assert_eq!(PortSet::range(0, 65535), PortSet::full());
        assert_eq!(PortSet::single(80).ranges(), &[(80, 80)]);
        assert_eq!(PortSet::single(80).len(), 1);
        assert_eq!(PortSet::range(1024, 65535).len(), 64512);
    }

    #[test]
    fn union_merges_adjacent_and_overlapping() {
        let a = PortSet::range(80, 80).union(&PortSet::single(81));
        assert_eq!(a.ranges(), &[(80, 81)]);
        let b = PortSet::range(1024, 32767).union(&PortSet::range(32768, 65535));
        assert_eq!(b, PortSet::range(1024, 65535));
        let c = PortSet::single(443).union(&PortSet::single(80));
        assert_eq!(c.ranges(), &[(80, 80), (443, 443)]);
        let d = PortSet::range(0, 100).union(&PortSet::range(50, 200));
        assert_eq!(d.ranges(), &[(0, 200)]);
    }

    #[test]
    fn intersect_and_subtract() {
        let eph = PortSet::range(1024, 65535);
        let allowed = PortSet::range(32768, 65535);
        assert_eq!(eph.subtract(&allowed), PortSet::range(1024, 32767));
        assert_eq!(eph.intersect(&allowed), allowed);
        let holes = PortSet::full().subtract(&PortSet::single(22));
        assert_eq!(holes.ranges(), &[(0, 21), (23, 65535)]);
        assert_eq!(holes.len(), 65535);
        assert!(PortSet::single(80)
            .intersect(&PortSet::single(443))
            .is_empty());
        assert_eq!(PortSet::full().subtract(&PortSet::full()), PortSet::empty());
        assert_eq!(PortSet::single(0).complement(), PortSet::range(1, 65535));
        assert_eq!(
            PortSet::single(65535).complement(),
            PortSet::range(0, 65534)
        );
    }

    #[test]
    fn membership() {
        let s = PortSet::from_ranges([(443, 443), (80, 80), (8000, 8080)]);
        assert!(s.contains(80));
        assert!(!s.contains(81));
        assert!(s.contains(8080));
        assert!(!s.contains(8081));
        assert!(s.contains_set(&PortSet::range(8000, 8010)));
        assert!(!s.contains_set(&PortSet::range(79, 80)));
        assert!(s.contains_set(&PortSet::empty()));
        assert!(PortSet::full().contains(65535));
        assert!(s.intersects(&PortSet::range(100, 500)));
        assert!(!s.intersects(&PortSet::range(100, 400)));
        assert_eq!(s.first(), Some(80));
    }

    #[test]
    fn display() {
        assert_eq!(PortSet::single(80).to_string(), "80");
        assert_eq!(
            PortSet::single(80).union(&PortSet::single(443)).to_string(),
            "80, 443"
        );
        assert_eq!(PortSet::range(1024, 65535).to_string(), "1024-65535");
        assert_eq!(PortSet::full().to_string(), "0-65535");
        assert_eq!(
            PortSet::from_ranges([(1024, 32767), (80, 80)]).to_string(),
            "80, 1024-32767"
        );
        assert_eq!(PortSet::empty().to_string(), "none");
    }

    #[test]
    fn equal_sets_are_equal_whatever_the_construction() {
        let a = PortSet::from_ranges([(1, 5), (6, 10)]);
        let b = PortSet::range(1, 10);
        assert_eq!(a, b);
        let c: PortSet = [(10, 1), (1, 10)].into_iter().collect();
        assert_eq!(c, b);
    }
}

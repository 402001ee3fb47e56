//! Set operations on sorted lists of inclusive integer intervals, shared by
//! [`PortSet`](super::ports::PortSet) (over `u16`) and [`AddrSet`](super::addrs::AddrSet)
//! (over `u32`).
//!
//! Every function here takes and returns the *canonical* form: intervals `(lo, hi)` with
//! `lo <= hi`, sorted by `lo`, pairwise disjoint and never adjacent (`hi + 1 < next.lo`).
//! Canonical form makes equality of sets equality of vectors, which the callers rely on for
//! their derived `PartialEq` and `Hash`. Nothing here ever enumerates the points of an interval.
//!
//! Results are [`SmallVec`]s: a set of a rule or a flow has one or two intervals, which then
//! live inline instead of in an allocation of their own.

use smallvec::{Array, SmallVec};

/// An integer type whose values can be the end points of an interval.
pub(crate) trait Point: Copy + Ord {
    /// The smallest value of the type.
    const MIN: Self;
    /// The largest value of the type.
    const MAX: Self;
    /// `self + 1`, or `None` at [`Point::MAX`].
    fn succ(self) -> Option<Self>;
    /// `self - 1`, or `None` at [`Point::MIN`].
    fn pred(self) -> Option<Self>;
}

impl Point for u16 {
    const MIN: Self = u16::MIN;
    const MAX: Self = u16::MAX;
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn pred(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

impl Point for u32 {
    const MIN: Self = u32::MIN;
    const MAX: Self = u32::MAX;
    fn succ(self) -> Option<Self> {
        self.checked_add(1)
    }
    fn pred(self) -> Option<Self> {
        self.checked_sub(1)
    }
}

/// Turns any list of intervals into canonical form: drops inverted intervals (`lo > hi`),
/// sorts, and merges intervals that overlap or touch.
pub(crate) fn normalize<A: Array<Item = (T, T)>, T: Point>(mut v: SmallVec<A>) -> SmallVec<A> {
    v.retain(|&mut (lo, hi)| lo <= hi);
    if v.windows(2)
        .all(|w| w[0].1.succ().is_some_and(|n| n < w[1].0))
    {
        return v; // already canonical (the common case of one interval)
    }
    v.sort_unstable();
    let mut out: SmallVec<A> = SmallVec::with_capacity(v.len());
    for (lo, hi) in v {
        if let Some(last) = out.last_mut() {
            // Merge when `lo <= last.hi + 1` (overlapping or adjacent).
            let touches = match last.1.succ() {
                Some(next) => lo <= next,
                None => true, // last already reaches MAX
            };
            if touches {
                if hi > last.1 {
                    last.1 = hi;
                }
                continue;
            }
        }
        out.push((lo, hi));
    }
    out
}

/// `a ∪ b`.
pub(crate) fn union<A: Array<Item = (T, T)>, T: Point>(a: &[(T, T)], b: &[(T, T)]) -> SmallVec<A> {
    if a.is_empty() {
        return SmallVec::from_slice(b);
    }
    if b.is_empty() {
        return SmallVec::from_slice(a);
    }
    let mut v = SmallVec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    normalize(v)
}

/// `a ∩ b`, by a merge of the two sorted lists.
pub(crate) fn intersect<A: Array<Item = (T, T)>, T: Point>(
    a: &[(T, T)],
    b: &[(T, T)],
) -> SmallVec<A> {
    let mut out = SmallVec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (alo, ahi) = a[i];
        let (blo, bhi) = b[j];
        let lo = alo.max(blo);
        let hi = ahi.min(bhi);
        if lo <= hi {
            out.push((lo, hi));
        }
        // Advance whichever interval ends first; the other may still meet the next one.
        if ahi < bhi {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

/// The complement of `a` within `T::MIN..=T::MAX`.
pub(crate) fn complement<A: Array<Item = (T, T)>, T: Point>(a: &[(T, T)]) -> SmallVec<A> {
    let mut out = SmallVec::with_capacity(a.len() + 1);
    // `next` is the first point not yet accounted for; `None` once MAX has been passed.
    let mut next = Some(T::MIN);
    for &(lo, hi) in a {
        if let Some(start) = next {
            if start < lo {
                if let Some(end) = lo.pred() {
                    out.push((start, end));
                }
            }
        }
        next = hi.succ();
    }
    if let Some(start) = next {
        out.push((start, T::MAX));
    }
    out
}

/// `a \ b`.
pub(crate) fn subtract<A: Array<Item = (T, T)>, T: Point>(
    a: &[(T, T)],
    b: &[(T, T)],
) -> SmallVec<A> {
    if a.is_empty() || b.is_empty() {
        return SmallVec::from_slice(a);
    }
    intersect(a, &complement::<[(T, T); 4], T>(b))
}

/// Whether `a` and `b` share at least one point.
pub(crate) fn intersects<T: Point>(a: &[(T, T)], b: &[(T, T)]) -> bool {
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let (alo, ahi) = a[i];
        let (blo, bhi) = b[j];
        if alo.max(blo) <= ahi.min(bhi) {
            return true;
        }
        if ahi < bhi {
            i += 1;
        } else {
            j += 1;
        }
    }
    false
}

/// Whether `b ⊆ a`.
pub(crate) fn contains_all<T: Point>(a: &[(T, T)], b: &[(T, T)]) -> bool {
    // Each interval of `b` must lie inside a single interval of `a` (canonical `a` has no
    // adjacent intervals, so an interval of `b` cannot straddle two of them).
    let mut i = 0;
    for &(blo, bhi) in b {
        while i < a.len() && a[i].1 < blo {
            i += 1;
        }
        match a.get(i) {
            Some(&(alo, ahi)) if alo <= blo && bhi <= ahi => {}
            _ => return false,
        }
    }
    true
}

/// Whether the point `p` is in `a` (binary search).
pub(crate) fn contains<T: Point>(a: &[(T, T)], p: T) -> bool {
    // First interval whose `hi` is >= p.
    let idx = a.partition_point(|&(_, hi)| hi < p);
    a.get(idx).is_some_and(|&(lo, _)| lo <= p)
}

#[cfg(test)]
mod tests {
    use super::*;

    type R16 = [(u16, u16); 2];

    fn norm(v: &[(u16, u16)]) -> Vec<(u16, u16)> {
        normalize(SmallVec::<R16>::from_slice(v)).to_vec()
    }

    #[test]
    fn normalize_merges_overlapping_and_adjacent() {
        let v = [(10, 20), (5, 9), (30, 40), (21, 25), (35, 36), (50, 49)];
        assert_eq!(norm(&v), vec![(5, 25), (30, 40)]);
        // Adjacent and overlapping intervals already in order are merged too.
        assert_eq!(norm(&[(1, 5), (6, 9)]), vec![(1, 9)]);
        assert_eq!(norm(&[(1, 5), (5, 9)]), vec![(1, 9)]);
        assert_eq!(norm(&[(1, 5), (7, 9)]), vec![(1, 5), (7, 9)]);
    }

    #[test]
    fn normalize_handles_max() {
        let v = [(65535, 65535), (0, 65535), (100, 200)];
        assert_eq!(norm(&v), vec![(0, 65535)]);
        assert_eq!(norm(&[(0, 65534), (65535, 65535)]), vec![(0, 65535)]);
    }

    #[test]
    fn complement_edges() {
        assert_eq!(complement::<R16, u16>(&[]).to_vec(), vec![(0, 65535)]);
        assert_eq!(complement::<R16, u16>(&[(0, 65535)]).to_vec(), vec![]);
        assert_eq!(
            complement::<R16, u16>(&[(0, 9), (20, 65535)]).to_vec(),
            vec![(10, 19)]
        );
        assert_eq!(
            complement::<[(u32, u32); 2], u32>(&[(5, 9)]).to_vec(),
            vec![(0, 4), (10, u32::MAX)]
        );
    }

    #[test]
    fn intersect_and_subtract() {
        let a: Vec<(u16, u16)> = vec![(0, 10), (20, 30), (40, 50)];
        let b: Vec<(u16, u16)> = vec![(5, 25), (45, 60)];
        assert_eq!(
            intersect::<R16, u16>(&a, &b).to_vec(),
            vec![(5, 10), (20, 25), (45, 50)]
        );
        assert_eq!(
            subtract::<R16, u16>(&a, &b).to_vec(),
            vec![(0, 4), (26, 30), (40, 44)]
        );
        assert!(intersects(&a, &b));
        assert!(!intersects(&a, &[(11, 19)]));
    }

    #[test]
    fn containment() {
        let a: Vec<(u16, u16)> = vec![(0, 10), (20, 30)];
        assert!(contains_all(&a, &[(1, 2), (20, 30)]));
        assert!(!contains_all(&a, &[(5, 21)]));
        assert!(contains_all(&a, &[]));
        assert!(contains(&a, 10));
        assert!(!contains(&a, 11));
        assert!(contains(&a, 30));
        assert!(!contains(&a, 31));
    }
}

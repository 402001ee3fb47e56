//! Typed indices into the model's tables, so that a group id cannot index the network ACLs:
//! each table of [`super::Network`] is a [`Table`] indexed only by its own id type.

use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

macro_rules! declare_id {
    ($(#[doc = $doc:literal])* $name:ident) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(u32);

        impl Id for $name {
            fn from_index(i: usize) -> $name {
                $name(u32::try_from(i).expect("fewer than 2^32 items"))
            }
            fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

/// A typed index.
pub trait Id: Copy {
    fn from_index(i: usize) -> Self;
    fn index(self) -> usize;
}

declare_id!(
    /// A VPC of [`super::Network::vpcs`].
    VpcId
);
declare_id!(
    /// A subnet of [`super::Network::subnets`].
    SubnetId
);
declare_id!(
    /// A security group of [`super::Network::groups`].
    GroupId
);
declare_id!(
    /// A network ACL of [`super::Network::nacls`].
    NaclId
);
declare_id!(
    /// A load balancer of [`super::Network::lbs`].
    LbId
);
declare_id!(
    /// A target group of [`super::Network::target_groups`].
    TgId
);

/// A vector indexed by one id type.
#[derive(Debug, Clone)]
pub struct Table<I, T> {
    items: Vec<T>,
    id: PhantomData<fn(I) -> I>,
}

impl<I, T> Default for Table<I, T> {
    fn default() -> Self {
        Table {
            items: Vec::new(),
            id: PhantomData,
        }
    }
}

impl<I: Id, T> Table<I, T> {
    /// Adds an item and returns its id.
    pub fn push(&mut self, item: T) -> I {
        self.items.push(item);
        I::from_index(self.items.len() - 1)
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// Every item with its id, in order.
    pub fn enumerate(&self) -> impl DoubleEndedIterator<Item = (I, &T)> + '_ {
        self.items
            .iter()
            .enumerate()
            .map(|(i, t)| (I::from_index(i), t))
    }

    /// Every id, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    /// The id the next pushed item gets.
    pub fn next_id(&self) -> I {
        I::from_index(self.items.len())
    }

    /// The id of the first item that satisfies `pred`.
    pub fn position(&self, pred: impl FnMut(&T) -> bool) -> Option<I> {
        self.items.iter().position(pred).map(I::from_index)
    }

    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.index())
    }

    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }
}

impl<I: Id, T> Index<I> for Table<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.index()]
    }
}

impl<I: Id, T> IndexMut<I> for Table<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.index()]
    }
}

impl<'a, I: Id, T> IntoIterator for &'a Table<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<'a, I: Id, T> IntoIterator for &'a mut Table<I, T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::{GroupId, Id, NaclId, Table};

    #[test]
    fn a_table_is_indexed_by_its_own_ids() {
        let mut t: Table<GroupId, &str> = Table::default();
        let a = t.push("a");
        let b = t.push("b");
        assert_eq!((t[a], t[b]), ("a", "b"));
        assert_eq!(t.ids().collect::<Vec<_>>(), [a, b]);
        assert_eq!(
            t.enumerate()
                .map(|(i, s)| (i.index(), *s))
                .collect::<Vec<_>>(),
            [(0, "a"), (1, "b")]
        );
        assert_eq!(t.next_id().index(), 2);
        // Ids of different tables are different types: `t[NaclId::from_index(0)]` does not
        // compile. Their indices can still be compared by hand.
        assert_eq!(NaclId::from_index(1).index(), b.index());
    }
}

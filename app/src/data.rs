//! How the page holds the dataset: one shared, immutable value per load. Signals hand out
//! [`DatasetRef`]s — reading one copies a pointer, never the dataset — and two are equal when
//! they are the same value, so memos over them compare in O(1).

use std::ops::Deref;
use std::sync::Arc;

use runlens_core::Dataset;

/// A shared, immutable value whose equality is identity.
#[derive(Debug, Default)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// The dataset of everything loaded, or the filtered view the result tabs show.
pub type DatasetRef = Shared<Dataset>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_identity_and_clones_share() {
        let a = DatasetRef::new(Dataset::default());
        let b = a.clone();
        assert!(a == b);
        assert!(
            a != DatasetRef::new(Dataset::default()),
            "equal content, another load"
        );
        assert_eq!(b.runs.len(), 0);
    }
}

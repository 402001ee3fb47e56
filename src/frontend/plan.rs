//! Which files of a directory Terraform reads, and in what order: `.tf` and `.tf.json` files,
//! override files after them, and variable files for a root ([`DirPlan`]). Both the loading of
//! directories and the module cache of the early checks work from these plans.

use super::overrides;
use std::path::{Path, PathBuf};

/// `.tf` and `.tf.json` files, override files included.
pub(super) fn is_tf(name: &str) -> bool {
    name.ends_with(".tf") || name.ends_with(".tf.json")
}

pub(super) fn is_override_path(path: &Path) -> bool {
    overrides::is_override(&file_name(path))
}

/// Variable files Terraform reads for a root: `terraform.tfvars` and `*.auto.tfvars`, and
/// their JSON forms.
pub(super) fn is_tfvars(name: &str) -> bool {
    matches!(name, "terraform.tfvars" | "terraform.tfvars.json")
        || name.ends_with(".auto.tfvars")
        || name.ends_with(".auto.tfvars.json")
}

pub(super) fn file_name(path: &Path) -> std::borrow::Cow<'_, str> {
    path.file_name().unwrap_or_default().to_string_lossy()
}

/// The files of one directory to read, in the order they are added to the source table.
pub(super) struct DirPlan {
    pub(super) dir: PathBuf,
    /// Primary `.tf` and `.tf.json` files, sorted.
    pub(super) files: Vec<PathBuf>,
    /// Override files (`override.tf`, `*_override.tf`, …), sorted: merged after the others.
    pub(super) overrides: Vec<PathBuf>,
    /// `terraform.tfvars[.json]`, then `*.auto.tfvars[.json]` in lexical order.
    pub(super) tfvars: Vec<PathBuf>,
}

impl DirPlan {
    /// Every file, in the order its ids are handed out: files, overrides, then tfvars.
    pub(super) fn paths(&self) -> impl Iterator<Item = &PathBuf> {
        self.files.iter().chain(&self.overrides).chain(&self.tfvars)
    }
}

/// Sorts a directory's files into primary files, override files and variable files, each in
/// the order Terraform reads them.
pub(super) fn plan_dir(dir: PathBuf, mut files: Vec<PathBuf>) -> DirPlan {
    files.sort();
    files.dedup();
    let (tfvars, files): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|p| is_tfvars(&file_name(p)));
    let (overrides, files): (Vec<PathBuf>, Vec<PathBuf>) =
        files.into_iter().partition(|p| is_override_path(p));
    // `terraform.tfvars`, then `terraform.tfvars.json`, then `*.auto.tfvars[.json]` by name.
    let (mut tfvars, autos): (Vec<PathBuf>, Vec<PathBuf>) = tfvars
        .into_iter()
        .partition(|p| matches!(&*file_name(p), "terraform.tfvars" | "terraform.tfvars.json"));
    tfvars.sort_by_key(|p| file_name(p).len());
    tfvars.extend(autos);
    DirPlan {
        dir,
        files,
        overrides,
        tfvars,
    }
}

//! Which files of a directory Terraform reads, and in what order: `.tf` and `.tf.json` files
//! (and OpenTofu's `.tofu` and `.tofu.json`, each taking the place of the Terraform file of the
//! same name), override files after them, and variable files for a root ([`DirPlan`]). Both the loading of
//! directories and the module cache of the early checks work from these plans.

use super::overrides;
use std::path::{Path, PathBuf};

/// `.tf` and `.tf.json` files, and OpenTofu's `.tofu` and `.tofu.json`, override files included.
pub fn is_tf(name: &str) -> bool {
    name.ends_with(".tf")
        || name.ends_with(".tf.json")
        || name.ends_with(".tofu")
        || name.ends_with(".tofu.json")
}

/// The Terraform file that an OpenTofu file of this name replaces: `main.tofu` → `main.tf`,
/// `main.tofu.json` → `main.tf.json`.
fn replaced_by_tofu(name: &str) -> Option<String> {
    if let Some(stem) = name.strip_suffix(".tofu.json") {
        Some(format!("{stem}.tf.json"))
    } else {
        name.strip_suffix(".tofu").map(|stem| format!("{stem}.tf"))
    }
}

pub(super) fn is_override_path(path: &Path) -> bool {
    overrides::is_override(&file_name(path))
}

/// Variable files Terraform reads for a root: `terraform.tfvars` and `*.auto.tfvars`, and
/// their JSON forms.
pub fn is_tfvars(name: &str) -> bool {
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
    /// Primary `.tf`, `.tf.json`, `.tofu` and `.tofu.json` files, sorted (a `.tf` file hidden
    /// by the `.tofu` file of the same name left out).
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
    // As OpenTofu does, `x.tofu` hides `x.tf` (and `x.tofu.json` hides `x.tf.json`).
    let hidden: Vec<PathBuf> = files
        .iter()
        .filter_map(|p| Some(p.with_file_name(replaced_by_tofu(&file_name(p))?)))
        .collect();
    files.retain(|p| !hidden.contains(p));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_are_read_in_terraform_s_order() {
        let dir = PathBuf::from("/r/d");
        let names = [
            "b.tf",
            "override.tf",
            "a.tf.json",
            "x.auto.tfvars",
            "terraform.tfvars.json",
            "a_override.tf",
            "terraform.tfvars",
            "a.auto.tfvars.json",
            "a.tf",
            "a.tf",
        ];
        let plan = plan_dir(dir.clone(), names.iter().map(|n| dir.join(n)).collect());
        let names = |paths: &[PathBuf]| -> Vec<String> {
            paths.iter().map(|p| file_name(p).into_owned()).collect()
        };
        // Primary files by name (once each), then override files by name, then
        // `terraform.tfvars`, `terraform.tfvars.json` and the `*.auto.tfvars[.json]` files by
        // name.
        assert_eq!(names(&plan.files), ["a.tf", "a.tf.json", "b.tf"]);
        assert_eq!(names(&plan.overrides), ["a_override.tf", "override.tf"]);
        assert_eq!(
            names(&plan.tfvars),
            [
                "terraform.tfvars",
                "terraform.tfvars.json",
                "a.auto.tfvars.json",
                "x.auto.tfvars",
            ]
        );
        let order: Vec<PathBuf> = plan.paths().cloned().collect();
        let expected: Vec<PathBuf> = plan
            .files
            .iter()
            .chain(&plan.overrides)
            .chain(&plan.tfvars)
            .cloned()
            .collect();
        assert_eq!(order, expected);
    }

    #[test]
    fn a_tofu_file_takes_the_place_of_the_tf_file_of_its_name() {
        let dir = PathBuf::from("/r/d");
        let names = [
            "main.tf",
            "main.tofu",
            "vars.tf",
            "net.tf.json",
            "net.tofu.json",
            "only.tofu",
            "override.tf",
            "override.tofu",
            "other.tf.json",
            "other.tofu",
        ];
        let plan = plan_dir(dir.clone(), names.iter().map(|n| dir.join(n)).collect());
        let names = |paths: &[PathBuf]| -> Vec<String> {
            paths.iter().map(|p| file_name(p).into_owned()).collect()
        };
        // `other.tofu` replaces `other.tf`, not `other.tf.json`.
        assert_eq!(
            names(&plan.files),
            [
                "main.tofu",
                "net.tofu.json",
                "only.tofu",
                "other.tf.json",
                "other.tofu",
                "vars.tf"
            ]
        );
        assert_eq!(names(&plan.overrides), ["override.tofu"]);
    }

    #[test]
    fn terraform_and_variable_file_names() {
        assert!(is_tf("main.tofu") && is_tf("main.tofu.json") && !is_tf("main.tofu.bak"));
        assert!(is_tf("main.tf") && is_tf("main.tf.json") && is_tf("override.tf"));
        assert!(!is_tf("terraform.tfvars") && !is_tf("main.tf.bak"));
        assert!(is_tfvars("terraform.tfvars") && is_tfvars("terraform.tfvars.json"));
        assert!(is_tfvars("prod.auto.tfvars") && is_tfvars("prod.auto.tfvars.json"));
        // Other variable files are read only when named with --var-file.
        assert!(!is_tfvars("prod.tfvars"));
    }
}

//! The walk: the directories under the given paths that hold Terraform files, each with its
//! `.tf`, `.tf.json` and variable files, in path order. `.terraform` and `.git` directories are
//! not entered; a directory that has a `.terraform` directory is noted, since only such a
//! directory can list installed modules. Entries that cannot be read are reported as TF001 and
//! the walk goes on.

use super::plan::{file_name, is_tf, is_tfvars};
use crate::diagnostic::codes::TF001;
use crate::diagnostic::Finding;
use crate::source::SourceTable;
use rustc_hash::FxHashMap;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What the walk found.
pub(super) struct Walked {
    /// The canonical scanned paths; nothing outside them is read.
    pub(super) scope: Vec<PathBuf>,
    /// The directories that hold `.tf` or `.tf.json` files, in path order, each with the
    /// Terraform and variable files found in it.
    pub(super) dirs: Vec<(PathBuf, Vec<PathBuf>)>,
    /// Directories that have a `.terraform` directory, and those of files named on their own
    /// (their directory was not walked): the ones whose installed modules may be read.
    pub(super) initialised: BTreeSet<PathBuf>,
}

/// Walks `paths`, in file-name order, following links; files for which `excluded` holds are
/// left out (variable files are not subject to exclusion). Paths and entries that cannot be
/// read are reported in `findings`, with an empty file added to `sources` to point at.
pub(super) fn walk(
    paths: &[PathBuf],
    sources: &mut SourceTable,
    excluded: &dyn Fn(&Path) -> bool,
    findings: &mut Vec<Finding>,
) -> Walked {
    let mut scope = Vec::new();
    // Each directory's `.tf`, `.tf.json` and tfvars files, as the walk finds them.
    let mut dirs = DirFiles::default();
    // Directories that have a `.terraform` directory (only those can list installed modules).
    let terraform_dirs = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let mut initialised: BTreeSet<PathBuf> = BTreeSet::new();
    for path in paths {
        let abs = match std::fs::canonicalize(path) {
            Ok(p) => p,
            Err(e) => {
                let id = sources.add(path.clone(), String::new());
                findings.push(Finding::new(
                    &TF001,
                    crate::source::Span::new(id, 0, 0),
                    format!("cannot read path: {e}"),
                ));
                continue;
            }
        };
        scope.push(abs.clone());
        if abs.is_file() {
            if let Some(parent) = abs.parent() {
                dirs.add(parent, abs.clone());
                // A file named on the command line: its directory was not walked.
                for tfvars in tfvars_in(parent) {
                    dirs.add(parent, tfvars);
                }
                initialised.insert(parent.to_path_buf());
            }
            continue;
        }
        let seen_terraform = std::sync::Arc::clone(&terraform_dirs);
        let walker = ignore::WalkBuilder::new(&abs)
            .standard_filters(false)
            .follow_links(true)
            .sort_by_file_name(|a, b| a.cmp(b))
            .filter_entry(move |e| {
                let name = e.file_name().to_string_lossy();
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                if is_dir && name == ".terraform" {
                    if let Some(parent) = e.path().parent() {
                        let mut seen = seen_terraform.lock().unwrap_or_else(|e| e.into_inner());
                        seen.insert(parent.to_path_buf());
                    }
                }
                !(is_dir && (name == ".terraform" || name == ".git"))
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    // Symlink loops, unreadable directories and broken links: report, keep
                    // going. A broken link to a file Terraform would not read (a `.yml`
                    // vendored from elsewhere) is none of our business.
                    let path = error_path(&e);
                    if path.is_some_and(|(p, is_loop)| !is_loop && !could_be_terraform(p)) {
                        continue;
                    }
                    let at = path.map_or_else(|| abs.clone(), |(p, _)| p.to_path_buf());
                    let id = sources.add(at, String::new());
                    findings.push(Finding::new(
                        &TF001,
                        crate::source::Span::new(id, 0, 0),
                        format!("cannot read directory entry: {}", loop_message(&e)),
                    ));
                    continue;
                }
            };
            let is_file = entry.file_type().is_some_and(|t| t.is_file());
            let name = entry.file_name().to_string_lossy();
            // Variable files are not subject to exclusion: they belong to their directory. Terraform
            // reads them whatever they are, so a FIFO, device or directory with such a name is
            // kept, to be refused with a message when it is read.
            if (is_file && is_tf(&name) && !excluded(entry.path()))
                || (is_tfvars(&name) && entry.depth() > 0)
            {
                if let Some(parent) = entry.path().parent() {
                    dirs.add(parent, entry.path().to_path_buf());
                }
            }
        }
    }
    // A directory with variable files but no Terraform files is not a module.
    let dirs: Vec<(PathBuf, Vec<PathBuf>)> = dirs
        .into_sorted()
        .into_iter()
        .filter(|(_, files)| files.iter().any(|f| is_tf(&file_name(f))))
        .collect();
    initialised.extend(std::mem::take(
        &mut *terraform_dirs.lock().unwrap_or_else(|e| e.into_inner()),
    ));
    Walked {
        scope,
        dirs,
        initialised,
    }
}

/// The files the walk found, grouped by directory.
///
/// The walk runs on one thread before anything is parsed, so it is kept cheap: files of one
/// directory mostly come one after another and are matched by their bytes, other directories
/// are found through a hash map, and the directories are put in path order once at the end
/// (an ordered map compared paths component by component on every insertion).
#[derive(Default)]
struct DirFiles {
    dirs: Vec<(PathBuf, Vec<PathBuf>)>,
    index: FxHashMap<PathBuf, usize>,
    last: Option<usize>,
}

impl DirFiles {
    fn add(&mut self, dir: &Path, file: PathBuf) {
        let i = match self.last {
            Some(i) if self.dirs[i].0.as_os_str() == dir.as_os_str() => i,
            _ => match self.index.get(dir) {
                Some(&i) => i,
                None => {
                    self.dirs.push((dir.to_path_buf(), Vec::new()));
                    self.index.insert(dir.to_path_buf(), self.dirs.len() - 1);
                    self.dirs.len() - 1
                }
            },
        };
        self.last = Some(i);
        self.dirs[i].1.push(file);
    }

    /// The directories in path order, each with its files in the order found.
    fn into_sorted(mut self) -> Vec<(PathBuf, Vec<PathBuf>)> {
        self.dirs.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        self.dirs
    }
}

/// The variable files of a directory that was not walked.
fn tfvars_in(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| is_tfvars(&file_name(p)))
        .collect()
}

/// The path a walk error is about, if it names one, and whether it is a symbolic link loop.
fn error_path(e: &ignore::Error) -> Option<(&Path, bool)> {
    match e {
        ignore::Error::WithPath { path, err } => {
            Some((path, error_path(err).is_some_and(|(_, is_loop)| is_loop)))
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some((child, true)),
        _ => None,
    }
}

/// Whether an entry that could not be read might matter to Terraform: a `.tf`, `.tf.json` or
/// variable file, or a name without an extension, which may be a directory.
fn could_be_terraform(path: &Path) -> bool {
    let name = file_name(path);
    is_tf(&name) || is_tfvars(&name) || path.extension().is_none()
}

fn loop_message(e: &ignore::Error) -> String {
    let s = e.to_string();
    if s.contains("loop") {
        format!("{s} (a symbolic link loop; the loop was not followed)")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Creates empty files under `root`.
    fn touch(root: &Path, names: &[&str]) {
        for name in names {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "").unwrap();
        }
    }

    fn walk_all(paths: &[PathBuf], excluded: &dyn Fn(&Path) -> bool) -> (Walked, Vec<Finding>) {
        let mut sources = SourceTable::new();
        let mut findings = Vec::new();
        let walked = walk(paths, &mut sources, excluded, &mut findings);
        (walked, findings)
    }

    #[test]
    fn terraform_and_git_directories_are_not_entered_and_initialised_ones_are_noted() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        touch(
            &root,
            &[
                "stack/main.tf",
                "stack/.terraform/modules/vpc/main.tf",
                "stack/.git/hooks/x.tf",
                "modules/net/main.tf",
                "modules/net/terraform.tfvars",
                "vars-only/terraform.tfvars",
                "docs/readme.md",
            ],
        );
        let (walked, findings) = walk_all(std::slice::from_ref(&root), &|_| false);
        assert!(findings.is_empty());
        assert_eq!(walked.scope, vec![root.clone()]);
        // In path order; a directory with variable files only is not a module.
        assert_eq!(
            walked.dirs,
            vec![
                (
                    root.join("modules/net"),
                    vec![
                        root.join("modules/net/main.tf"),
                        root.join("modules/net/terraform.tfvars"),
                    ],
                ),
                (root.join("stack"), vec![root.join("stack/main.tf")]),
            ]
        );
        assert_eq!(walked.initialised, BTreeSet::from([root.join("stack")]));
    }

    #[test]
    fn exclusion_leaves_out_terraform_files_but_not_variable_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        touch(
            &root,
            &[
                "a/main.tf",
                "a/skip.tf",
                "a/terraform.tfvars",
                "b/skip.tf",
                "b/x.auto.tfvars",
            ],
        );
        let excluded = |p: &Path| p.file_name().is_some_and(|n| n == "skip.tf");
        let (walked, _) = walk_all(std::slice::from_ref(&root), &excluded);
        assert_eq!(
            walked.dirs,
            vec![(
                root.join("a"),
                vec![root.join("a/main.tf"), root.join("a/terraform.tfvars")],
            )]
        );
    }

    #[test]
    fn a_file_named_on_its_own_comes_with_its_directory_s_variable_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().canonicalize().unwrap();
        touch(&root, &["s/main.tf", "s/other.tf", "s/terraform.tfvars"]);
        let file = root.join("s/main.tf");
        let (walked, _) = walk_all(std::slice::from_ref(&file), &|_| false);
        assert_eq!(walked.scope, vec![file.clone()]);
        assert_eq!(
            walked.dirs,
            vec![(root.join("s"), vec![file, root.join("s/terraform.tfvars")])]
        );
        // Its directory was not walked, so whether it has installed modules is not known.
        assert_eq!(walked.initialised, BTreeSet::from([root.join("s")]));
    }

    #[test]
    fn a_path_that_cannot_be_read_is_reported_and_left_out() {
        let tmp = tempfile::tempdir().unwrap();
        let (walked, findings) = walk_all(&[tmp.path().join("missing")], &|_| false);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code(), "TF001");
        assert!(findings[0].message.starts_with("cannot read path:"));
        assert!(walked.scope.is_empty());
        assert!(walked.dirs.is_empty());
    }
}

//! Finding module directories under the given paths, parsing them, and deciding which are
//! roots. This is the driver: [`discover`] and [`discover_with`] run the steps, each of which
//! has a file of its own in the frontend:
//!
//! 1. the walk (`walk.rs`) lists the directories that hold Terraform files, and those that have
//!    a `.terraform` directory;
//! 2. loading (`load.rs`) reads and parses them on the rayon pool, each from its plan
//!    (`plan.rs`: which files, in what order), merges each directory's files into a
//!    [`ModuleDir`](super::ModuleDir) (`overrides.rs`), and runs the early check on it when it
//!    can (`early.rs`);
//! 3. the roots are picked (`roots.rs`): the directories that no module calls;
//! 4. each initialised root's remote modules are loaded from
//!    `.terraform/modules/modules.json` (`installed.rs`);
//! 5. what early checks let go is given back where it is needed after all (`restore.rs`).
//!
//! # Early checks and eviction
//!
//! With [`discover_with`], a directory is checked as soon as it is parsed, on the worker that
//! parsed it, when everything it needs is at hand: it calls no module, or only local modules
//! that the walk found. Those modules are read and parsed once more, the first time a check
//! needs them, and kept in a cache shared by the checks on every worker. A directory waits
//! until every file is parsed when it calls a directory the walk did not find, when it is part
//! of a cycle of calls, or when it has a `.terraform` directory and calls, itself or through
//! its modules, a module that is not local: installed modules are read only once the roots are
//! known.
//!
//! A directory checked early is a root unless another module calls it, which is known only once
//! every directory is parsed. So, right after its check:
//!
//! - its findings go to [`Project::early`], by directory, instead of being reported;
//! - its syntax (its body and variable files) is freed, and [`ModuleDir::evicted`] holds the
//!   ids of its `.tf` files; its [`ModuleDir::calls`] are kept, since they decide the roots;
//! - the text of each of its files that no finding points into and that holds no
//!   `tf-elbcheck:` directive is let go ([`SourceFile::unloaded`]): such a text is never shown,
//!   and keeping the text of every file of a large tree cost more than reading it again.
//!
//! Once every directory is parsed, the roots are picked and the installed modules are read,
//! each evicted directory that is not a root after all, or that a root lists among its
//! installed modules, is restored: its early findings are dropped from [`Project::early`], and
//! its syntax and texts are taken from the cache when an early check parsed it as a module;
//! otherwise its texts are read again from disk ([`reload_texts`]) and parsed again. The early
//! findings left in [`Project::early`] belong to roots, and the caller reports them instead of
//! checking those roots again ([`crate::run`], which also calls [`reload_texts`] for any text a
//! finding points into). In a monorepo of stacks, memory thus holds the syntax of only the
//! directories in flight and of the modules they call.
//!
//! [`ModuleDir::evicted`]: super::ModuleDir::evicted
//! [`ModuleDir::calls`]: super::ModuleDir::calls
//! [`SourceFile::unloaded`]: crate::source::SourceFile::unloaded

use super::early::Early;
use super::installed::load_installed;
use super::load::load_dirs_with;
use super::outside::{boundaries, load_outside};
use super::read::Limits;
use super::restore::restore_evicted;
use super::roots::pick_roots;
use super::walk::{walk, Walked};
use crate::source::SourceTable;
use std::path::{Path, PathBuf};

pub use super::load::load_dirs;
pub use super::project::{EarlyCheck, Project};
pub use super::read::parse_file;
pub use super::restore::reload_texts;
pub use super::roots::{is_local_source, normalize};

/// Walks `paths`, reads and parses every module directory, and picks the roots.
pub fn discover(
    paths: &[PathBuf],
    sources: &mut SourceTable,
    limits: &Limits,
    excluded: &dyn Fn(&Path) -> bool,
) -> Project {
    discover_with(paths, sources, limits, excluded, None)
}

/// [`discover`], running `early` on each directory as soon as it is parsed, on the worker that
/// parsed it, when everything it needs is at hand. Which directories are checked this way, and
/// what becomes of their findings, syntax and texts, is told in the [module
/// documentation](self#early-checks-and-eviction).
pub fn discover_with(
    paths: &[PathBuf],
    sources: &mut SourceTable,
    limits: &Limits,
    excluded: &dyn Fn(&Path) -> bool,
    early: Option<&EarlyCheck>,
) -> Project {
    let mut project = Project::default();
    let Walked {
        scope,
        dirs,
        initialised,
    } = walk(paths, sources, excluded, &mut project.findings);
    project.scope = scope.clone();
    project.reach = boundaries(&scope);
    let early = early.map(|check| Early {
        check,
        scope: scope.as_slice(),
        initialised: &initialised,
    });
    // The directories come in path order: the maps are built from sorted lists (comparing
    // paths component by component on every insertion cost milliseconds on one thread).
    let (loaded, parsed) = load_dirs_with(dirs, sources, limits, &mut project.findings, early);
    let mut early_found = Vec::new();
    let mut modules = Vec::with_capacity(loaded.len());
    for (module, found) in loaded {
        if let Some(found) = found {
            early_found.push((module.dir.clone(), found));
        }
        modules.push((module.dir.clone(), module));
    }
    project.early = early_found.into_iter().collect();
    project.modules = modules.into_iter().collect();
    load_outside(&mut project, sources, limits);
    project.roots = pick_roots(&project.modules)
        .into_iter()
        .filter(|r| !project.outside.contains(r))
        .collect();
    for root in project.roots.clone() {
        if initialised.contains(&root) {
            load_installed(&root, &mut project, sources, limits);
        }
    }
    restore_evicted(&mut project, sources, limits, parsed);
    project
}

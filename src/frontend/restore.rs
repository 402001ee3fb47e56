//! Giving back what an early check let go, once it turns out to be needed: the texts of files
//! read again from disk ([`reload_texts`]), and the syntax of a directory that is not a root
//! after all parsed again from the source table, or taken from the module cache of the early
//! checks when they parsed it ([`restore_evicted`]). When each of them runs is told in
//! [`super::discover`](mod@super::discover).

use super::early::CachedModule;
use super::overrides::merge_module;
use super::plan::is_override_path;
use super::project::Project;
use super::read::{parse_text, read_file, Limits};
use crate::diagnostic::Finding;
use crate::source::{FileId, SourceTable};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;

/// Reads again the files among `ids` whose text was let go; returns why one could not be read.
pub fn reload_texts(
    sources: &mut SourceTable,
    ids: impl Iterator<Item = FileId>,
    limits: &Limits,
) -> Vec<Finding> {
    let mut failures = Vec::new();
    for id in ids {
        if !sources.get(id).unloaded {
            continue;
        }
        let (file, failure) = read_file(&sources.get(id).path.clone(), id, limits);
        failures.extend(failure);
        sources.replace(id, file);
    }
    failures
}

/// Parses again, from the source table, every evicted directory that is not a root after all
/// (or that an installed-module list names), and drops its early findings. A directory an
/// early check needed as a module was parsed then: its syntax and texts are taken from
/// `parsed` instead.
pub(super) fn restore_evicted(
    project: &mut Project,
    sources: &mut SourceTable,
    limits: &Limits,
    mut parsed: FxHashMap<PathBuf, CachedModule>,
) {
    let roots: FxHashSet<&PathBuf> = project.roots.iter().collect();
    let installed: BTreeSet<PathBuf> = project
        .modules
        .values()
        .flat_map(|m| m.installed.iter().map(|(_, dir)| dir.clone()))
        .collect();
    for (dir, module) in project.modules.iter_mut() {
        if module.evicted.is_none() || (roots.contains(dir) && !installed.contains(dir)) {
            continue;
        }
        let ids = module.evicted.take().unwrap_or_default();
        project.early.remove(dir);
        if let Some(cached) = parsed.remove(dir) {
            // Both list the directory's files in id order from its first id on.
            for (&id, file) in ids.iter().zip(cached.files) {
                if sources.get(id).unloaded {
                    sources.replace(id, file);
                }
            }
            module.body = cached.module.body;
            continue;
        }
        project
            .findings
            .extend(reload_texts(sources, ids.iter().copied(), limits));
        let (mut primary, mut over) = (Vec::new(), Vec::new());
        for id in ids {
            let file = sources.get(id);
            // Errors were reported when the file was first parsed.
            match parse_text(&file.path, id, &file.text) {
                Ok(body) if is_override_path(&file.path) => over.push(body),
                Ok(body) => primary.push(body),
                Err(_) => {}
            }
        }
        module.body = Arc::new(merge_module(primary, over, &mut Vec::new()));
    }
}

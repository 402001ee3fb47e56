//! Local modules outside the given paths but inside the repository (SPEC §9.1):
//! `tf-elbcheck environments/dev` on a monorepo whose roots call `../../modules/web`, or
//! `tf-elbcheck examples/complete` in a module repository that calls `../../`. The repository is
//! the nearest ancestor of a given path that holds `.git`, else the current directory when the
//! path lies inside it. Such modules are read (never as roots: they are called), transitively;
//! nothing beyond the repository is, and a symbolic link is followed only when its target stays
//! inside.

use super::load::load_dir;
use super::plan::is_tf;
use super::project::Project;
use super::read::Limits;
use crate::source::SourceTable;
use std::path::{Path, PathBuf};

/// The repository of each scanned path (canonical), without duplicates.
pub(super) fn boundaries(scope: &[PathBuf]) -> Vec<PathBuf> {
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    let mut out: Vec<PathBuf> = Vec::new();
    for path in scope {
        let start = if path.is_dir() {
            path.as_path()
        } else {
            path.parent().unwrap_or(path)
        };
        let repo = start
            .ancestors()
            .find(|a| a.join(".git").exists())
            .map(Path::to_path_buf)
            .or_else(|| cwd.clone().filter(|c| start.starts_with(c)));
        if let Some(r) = repo {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    out
}

/// Loads every module directory that a loaded module calls through a local source and that
/// lies outside the scanned paths but inside a repository boundary, until none is left.
pub(super) fn load_outside(project: &mut Project, sources: &mut SourceTable, limits: &Limits) {
    loop {
        let mut wanted: Vec<PathBuf> = Vec::new();
        for m in project.modules.values() {
            for call in &m.calls {
                if project.modules.contains_key(call) || project.in_scope(call) {
                    continue;
                }
                // The real directory: a link whose target leaves the repository is not followed.
                let Ok(real) = std::fs::canonicalize(call) else {
                    continue;
                };
                if real.is_dir()
                    && project.reach.iter().any(|b| real.starts_with(b))
                    && project.reach.iter().any(|b| call.starts_with(b))
                    && !wanted.contains(call)
                {
                    wanted.push(call.clone());
                }
            }
        }
        if wanted.is_empty() {
            return;
        }
        wanted.sort();
        for dir in wanted {
            let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
                .map(|r| {
                    r.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| p.is_file())
                        .filter(|p| is_tf(&p.file_name().unwrap_or_default().to_string_lossy()))
                        .collect()
                })
                .unwrap_or_default();
            files.sort();
            let module = load_dir(&dir, &files, sources, limits, &mut project.findings);
            project.outside.push(dir.clone());
            project.modules.insert(dir, module);
        }
    }
}

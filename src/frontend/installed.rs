//! Modules a root has initialised: `.terraform/modules/modules.json` lists them by module key
//! (`vpc`, `vpc.sub`) with the directory each one is in, remote ones under `.terraform`, which
//! the walk does not enter. Once the roots are known, each listed directory inside the scanned
//! paths that the walk did not find is loaded here, and the root records them all by key
//! ([`ModuleDir::installed`](super::ModuleDir::installed)).

use super::load::load_dir;
use super::plan::is_tf;
use super::project::Project;
use super::read::{read_bounded, Limits};
use super::roots::normalize;
use crate::source::SourceTable;
use std::path::{Path, PathBuf};

/// Reads `.terraform/modules/modules.json` of a root and loads the remote modules it lists.
pub(super) fn load_installed(
    root: &Path,
    project: &mut Project,
    sources: &mut SourceTable,
    limits: &Limits,
) {
    let manifest = root.join(".terraform/modules/modules.json");
    let Ok(bytes) = read_bounded(&manifest, limits.max_file_bytes) else {
        return;
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&bytes) else {
        return;
    };
    let Some(list) = value.get("Modules").and_then(|m| m.as_array()) else {
        return;
    };
    let mut installed = Vec::new();
    for m in list {
        let (Some(key), Some(dir)) = (
            m.get("Key").and_then(|k| k.as_str()),
            m.get("Dir").and_then(|d| d.as_str()),
        ) else {
            continue;
        };
        if key.is_empty() {
            continue;
        }
        let path = normalize(&root.join(dir));
        if !project.in_scope(&path) || !path.is_dir() {
            continue;
        }
        if !project.modules.contains_key(&path) {
            let files: Vec<PathBuf> = std::fs::read_dir(&path)
                .map(|r| {
                    r.filter_map(Result::ok)
                        .map(|e| e.path())
                        .filter(|p| is_tf(&p.file_name().unwrap_or_default().to_string_lossy()))
                        .collect()
                })
                .unwrap_or_default();
            let module = load_dir(&path, &files, sources, limits, &mut project.findings);
            project.modules.insert(path.clone(), module);
        }
        installed.push((key.to_string(), path));
    }
    if let Some(m) = project.modules.get_mut(root) {
        m.installed = installed;
    }
}

//! What the early check of a root needs beyond its own directory: the local modules it calls.
//!
//! A directory is checked as soon as it is parsed when it can be checked on its own
//! ([`super::discover::discover_with`]). One that calls modules through local `source`s can be
//! too, once those modules are at hand: each module directory of the walk that some root calls
//! is read and parsed once more into [`ModuleCache`], kept for the rest of the run, and shared
//! by the checks of every root that calls it, on any worker; once every file is parsed, such a
//! module (no root, after all) takes its syntax and texts back from here instead of being read
//! and parsed again. Module directories are few next to the roots that call them, so reading
//! them twice costs little, while keeping every root's syntax until the whole tree was parsed
//! cost memory in proportion to the tree.

use super::plan::DirPlan;
use super::project::ModuleDir;
use crate::source::{FileSet, SourceFile};
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// A module directory read and parsed for the early checks, with its files (whose ids are the
/// ones the directory gets in the source table, from `first` on).
pub struct CachedModule {
    pub module: ModuleDir,
    pub first: usize,
    pub files: Vec<SourceFile>,
}

/// Loads one directory whose first file gets the given id: its files, read and parsed into a
/// module, and the files themselves.
pub type LoadDir<'a> = dyn Fn(&DirPlan, usize) -> (ModuleDir, Vec<SourceFile>) + Sync + 'a;

/// Module directories of the walk, parsed on first use by an early check.
pub struct ModuleCache<'a> {
    /// Every directory of the walk, with the id of its first file.
    plans: FxHashMap<&'a Path, (&'a DirPlan, usize)>,
    loaded: Mutex<FxHashMap<PathBuf, Arc<CachedModule>>>,
    load: &'a LoadDir<'a>,
}

impl<'a> ModuleCache<'a> {
    pub fn new(plans: &'a [(DirPlan, usize)], load: &'a LoadDir<'a>) -> ModuleCache<'a> {
        ModuleCache {
            plans: plans
                .iter()
                .map(|(plan, first)| (plan.dir.as_path(), (plan, *first)))
                .collect(),
            loaded: Mutex::default(),
            load,
        }
    }

    /// The module directory `dir`, parsed on first use, or `None` when the walk did not find
    /// it.
    fn get(&self, dir: &Path) -> Option<Arc<CachedModule>> {
        let &(plan, first) = self.plans.get(dir)?;
        if let Some(cached) = self.lock().get(dir) {
            return Some(Arc::clone(cached));
        }
        // Loaded without holding the lock, and without making other workers wait: parsing
        // runs on the pool, and a worker waiting for it may pick up the check of another root
        // that needs this very module. Two workers may then both parse it; the first one
        // stored is kept.
        let (module, files) = (self.load)(plan, first);
        let cached = Arc::new(CachedModule {
            module,
            first,
            files,
        });
        let mut loaded = self.lock();
        Some(Arc::clone(
            loaded.entry(dir.to_path_buf()).or_insert(cached),
        ))
    }

    /// The modules loaded, once no check holds them any more (one still held is left out).
    pub fn into_modules(self) -> FxHashMap<PathBuf, CachedModule> {
        let loaded = self.loaded.into_inner().unwrap_or_else(|e| e.into_inner());
        loaded
            .into_iter()
            .filter_map(|(dir, m)| Some((dir, Arc::into_inner(m)?)))
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FxHashMap<PathBuf, Arc<CachedModule>>> {
        self.loaded.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every module the directory `root` calls, directly or through other modules, when all of
    /// them are directories of the walk and none calls `root` back; else `None`, and the root
    /// waits until the whole tree is parsed.
    pub fn modules_of(&self, root: &Path, calls: &[PathBuf]) -> Option<Vec<Arc<CachedModule>>> {
        let mut out: Vec<Arc<CachedModule>> = Vec::new();
        let mut seen: FxHashSet<PathBuf> = FxHashSet::default();
        let mut stack: Vec<PathBuf> = calls.to_vec();
        while let Some(dir) = stack.pop() {
            if dir == root {
                return None;
            }
            if !seen.insert(dir.clone()) {
                continue;
            }
            let module = self.get(&dir)?;
            stack.extend(module.module.calls.iter().cloned());
            out.push(module);
        }
        Some(out)
    }
}

/// The project-level copy of a cached module: its syntax is shared, not copied.
pub fn module_dir(cached: &CachedModule) -> ModuleDir {
    ModuleDir {
        dir: cached.module.dir.clone(),
        body: Arc::clone(&cached.module.body),
        calls: cached.module.calls.clone(),
        remote_calls: cached.module.remote_calls,
        unparsed: cached.module.unparsed,
        ..ModuleDir::default()
    }
}

/// The files of cached modules, for the text of fixes that quote a module's source.
pub fn add_files<'m>(set: &mut FileSet<'m>, modules: &'m [Arc<CachedModule>]) {
    for m in modules {
        set.extend(m.first, &m.files);
    }
}

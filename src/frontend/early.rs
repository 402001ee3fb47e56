//! The early check of a directory: whether it can run as soon as the directory is parsed, what
//! it is given, and what is let go once it ran. The life cycle of a directory checked early
//! (its findings kept aside, its syntax and texts let go, and what happens should it not be a
//! root after all) is told in [`super::discover`](mod@super::discover).
//!
//! A directory can be checked on its own when it calls no module. One that calls modules
//! through local `source`s can be too, once those modules are at hand: each module directory of
//! the walk that some root calls is read and parsed once more into [`ModuleCache`], kept for
//! the rest of the run, and shared by the checks of every root that calls it, on any worker.
//! Module directories are few next to the roots that call them, so reading them twice costs
//! little, while keeping every root's syntax until the whole tree was parsed cost memory in
//! proportion to the tree.

use super::plan::DirPlan;
use super::project::{EarlyCheck, ModuleDir, Project};
use crate::diagnostic::Finding;
use crate::source::{FileId, FileSet, SourceFile, MARKER};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The early check of [`super::discover::discover_with`] and what it needs to know of the walk.
#[derive(Clone, Copy)]
pub(super) struct Early<'a> {
    pub(super) check: &'a EarlyCheck<'a>,
    /// The scanned paths.
    pub(super) scope: &'a [PathBuf],
    /// Directories with a `.terraform` directory: their installed modules are read only once
    /// the roots are known, so such a directory is not checked early when it or a module it
    /// calls calls a module that is not local (a local one is never looked up there).
    pub(super) initialised: &'a BTreeSet<PathBuf>,
}

/// [`Early`], with the modules of the walk that the roots checked early call.
pub(super) struct EarlyWith<'a> {
    pub(super) early: Early<'a>,
    pub(super) modules: &'a ModuleCache<'a>,
}

impl EarlyWith<'_> {
    /// Runs the early check on `module`, just parsed, when it calls no module, or only modules
    /// that the walk found: its files are `files`, with ids from `base` on, the first
    /// `tf_files` of them `.tf` and `.tf.json` files (the others are variable files);
    /// `findings` are their read and parse errors. The directory's syntax is then freed, its
    /// `.tf` files are marked evicted, and the texts no finding needs are let go. Returns the
    /// module and the findings of the check, or `None` when it did not run.
    pub(super) fn check(
        &self,
        module: ModuleDir,
        base: usize,
        tf_files: usize,
        files: &mut [SourceFile],
        findings: &[Finding],
    ) -> (ModuleDir, Option<Vec<Finding>>) {
        let EarlyWith { early, modules } = self;
        let called = modules
            .modules_of(&module.dir, &module.calls)
            .filter(|called| {
                // A root with a `.terraform` directory finds sources that are not local among
                // its installed modules, which are read once the roots are known.
                let remote = module.remote_calls || called.iter().any(|m| m.module.remote_calls);
                !(remote && early.initialised.contains(&module.dir))
            });
        let Some(called) = called else {
            return (module, None);
        };
        let dir = module.dir.clone();
        let mut project = Project {
            scope: early.scope.to_vec(),
            roots: vec![dir.clone()],
            ..Project::default()
        };
        for m in &called {
            project.modules.insert(m.module.dir.clone(), module_dir(m));
        }
        project.modules.insert(dir.clone(), module);
        let mut texts = FileSet::default();
        texts.extend(base, &*files);
        add_files(&mut texts, &called);
        let found = (early.check)(&project, &texts);
        let mut module = project.modules.remove(&dir).unwrap_or_default();
        module.body = Arc::default();
        module.tfvars = Vec::new();
        module.evicted = Some((base..base + tf_files).map(|i| FileId(i as u32)).collect());
        unload_unreferenced(files, base, found.iter().chain(findings));
        (module, Some(found))
    }
}

/// Lets go of the text of every file of a directory checked early that no finding points into
/// and that holds no `tf-elbcheck:` directive: such a text is never shown, and keeping the text
/// of every file of a large tree cost more in page faults than reading it again when a
/// directory turns out to be a module after all ([`super::restore::reload_texts`]).
fn unload_unreferenced<'a>(
    files: &mut [SourceFile],
    base: usize,
    findings: impl Iterator<Item = &'a Finding>,
) {
    let mut referenced = vec![false; files.len()];
    for f in findings {
        for span in std::iter::once(f.span).chain(f.labels.iter().map(|l| l.span)) {
            if let Some(r) = (span.file.0 as usize)
                .checked_sub(base)
                .and_then(|i| referenced.get_mut(i))
            {
                *r = true;
            }
        }
    }
    for (file, referenced) in files.iter_mut().zip(referenced) {
        if !referenced && !file.text.contains(MARKER) {
            file.unload();
        }
    }
}

/// A module directory read and parsed for the early checks, with its files (whose ids are the
/// ones the directory gets in the source table, from `first` on).
pub(super) struct CachedModule {
    pub(super) module: ModuleDir,
    pub(super) first: usize,
    pub(super) files: Vec<SourceFile>,
}

/// Loads one directory whose first file gets the given id: its files, read and parsed into a
/// module, and the files themselves.
pub(super) type LoadDir<'a> = dyn Fn(&DirPlan, usize) -> (ModuleDir, Vec<SourceFile>) + Sync + 'a;

/// Module directories of the walk, parsed on first use by an early check.
pub(super) struct ModuleCache<'a> {
    /// Every directory of the walk, with the id of its first file.
    plans: FxHashMap<&'a Path, (&'a DirPlan, usize)>,
    loaded: Mutex<FxHashMap<PathBuf, Arc<CachedModule>>>,
    load: &'a LoadDir<'a>,
}

impl<'a> ModuleCache<'a> {
    pub(super) fn new(plans: &'a [(DirPlan, usize)], load: &'a LoadDir<'a>) -> ModuleCache<'a> {
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
    pub(super) fn into_modules(self) -> FxHashMap<PathBuf, CachedModule> {
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
    pub(super) fn modules_of(
        &self,
        root: &Path,
        calls: &[PathBuf],
    ) -> Option<Vec<Arc<CachedModule>>> {
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
pub(super) fn module_dir(cached: &CachedModule) -> ModuleDir {
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
pub(super) fn add_files<'m>(set: &mut FileSet<'m>, modules: &'m [Arc<CachedModule>]) {
    for m in modules {
        set.extend(m.first, &m.files);
    }
}

//! Finding module directories under the given paths, parsing them, and deciding which are roots.

use super::early::{self, ModuleCache};
use super::overrides::merge_module;
use super::plan::{is_override_path, is_tf, plan_dir, DirPlan};
use super::project::ModuleDir;
use super::read::{parse_text, read_file, Limits};
use super::roots::{module_calls, pick_roots};
use super::walk::{walk, Walked};
use crate::diagnostic::Finding;
use crate::source::{FileId, FileSet, SourceFile, SourceTable, MARKER};
use crate::syntax::Body;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use super::project::{EarlyCheck, Project};
pub use super::read::parse_file;
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

/// [`discover`], running `early` on a directory as soon as it is parsed, on the same worker,
/// while its syntax is still in the cache, when it calls no module or only local modules that
/// the walk found (those are parsed once more and shared, [`super::early`]); a directory with
/// a `.terraform` directory that calls, itself or through its modules, a module that is not
/// local waits, since installed modules are read only once the roots are known. A directory checked early is a root unless another module calls
/// it, which is known only once every file is parsed, so its findings go to
/// [`Project::early`] and its syntax is freed at once ([`ModuleDir::evicted`], keeping
/// [`ModuleDir::calls`]); in a monorepo of stacks, memory then holds the source text of every
/// file but the syntax of only the directories in flight and of the modules they call. A
/// directory that turns out to be called by another module is parsed again from the source
/// table and its early findings are dropped.
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
    project.roots = pick_roots(&project.modules);
    for root in project.roots.clone() {
        if initialised.contains(&root) {
            load_installed(&root, &mut project, sources, limits);
        }
    }
    restore_evicted(&mut project, sources, limits, parsed);
    project
}

/// Parses again, from the source table, every evicted directory that is not a root after all
/// (or that an installed-module list names), and drops its early findings. A directory an
/// early check needed as a module was parsed then: its syntax and texts are taken from
/// `parsed` instead.
fn restore_evicted(
    project: &mut Project,
    sources: &mut SourceTable,
    limits: &Limits,
    mut parsed: FxHashMap<PathBuf, early::CachedModule>,
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

/// Reads and parses the given files of one directory, plus its tfvars files.
pub fn load_dir(
    dir: &Path,
    files: &[PathBuf],
    sources: &mut SourceTable,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> ModuleDir {
    load_dirs(
        vec![(dir.to_path_buf(), files.to_vec())],
        sources,
        limits,
        findings,
    )
    .pop()
    .unwrap_or_default()
}

/// Reads and parses many directories on the current rayon pool.
///
/// File ids are handed out before anything is read, in directory order and within a directory
/// in file order (sources, then tfvars), so the source table, every span and every finding are
/// the same whatever the number of threads. Each file is read, indexed and parsed on a worker;
/// the results are then added to the table and merged into their modules in that fixed order.
pub fn load_dirs(
    dirs: Vec<(PathBuf, Vec<PathBuf>)>,
    sources: &mut SourceTable,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> Vec<ModuleDir> {
    load_dirs_with(dirs, sources, limits, findings, None)
        .0
        .into_iter()
        .map(|(module, _)| module)
        .collect()
}

/// The early check of [`discover_with`] and what it needs to know of the walk.
#[derive(Clone, Copy)]
struct Early<'a> {
    check: &'a EarlyCheck<'a>,
    /// The scanned paths.
    scope: &'a [PathBuf],
    /// Directories with a `.terraform` directory: their installed modules are read only once
    /// the roots are known, so such a directory is not checked early when it or a module it
    /// calls calls a module that is not local (a local one is never looked up there).
    initialised: &'a BTreeSet<PathBuf>,
}

/// [`Early`], with the modules of the walk that the roots checked early call.
struct EarlyWith<'a> {
    early: Early<'a>,
    modules: &'a ModuleCache<'a>,
}

/// What [`load_dirs_with`] loaded: each directory with the findings of its early check, if it
/// ran, and the modules that early checks parsed once more.
type Loaded = (
    Vec<(ModuleDir, Option<Vec<Finding>>)>,
    FxHashMap<PathBuf, early::CachedModule>,
);

/// [`load_dirs`], with the early check of [`discover_with`].
fn load_dirs_with(
    dirs: Vec<(PathBuf, Vec<PathBuf>)>,
    sources: &mut SourceTable,
    limits: &Limits,
    findings: &mut Vec<Finding>,
    early: Option<Early>,
) -> Loaded {
    let plans: Vec<DirPlan> = dirs
        .into_par_iter()
        .map(|(dir, files)| plan_dir(dir, files))
        .collect();
    let mut next = sources.len();
    let bases: Vec<usize> = plans
        .iter()
        .map(|p| {
            let base = next;
            next += p.paths().count();
            base
        })
        .collect();
    let plans: Vec<(DirPlan, usize)> = plans.into_iter().zip(bases).collect();
    // A module an early check needs is read and parsed on the worker that first needs it.
    let load_module = |plan: &DirPlan, base: usize| {
        let dir = load_plan(plan, base, read_plan(plan, base, limits), None);
        (dir.module, dir.files)
    };
    let modules = ModuleCache::new(&plans, &load_module);
    let early = early.map(|early| EarlyWith {
        early,
        modules: &modules,
    });
    // The files of a batch of directories are read before any of them is parsed: reading
    // file after file keeps the kernel's path lookup and page cache paths warm, which made
    // reading about twice as fast as reading between parsing and checking.
    let mut loaded: Vec<LoadedDir> = Vec::with_capacity(plans.len());
    for batch in plans.chunks(READ_BATCH) {
        let read: Vec<Vec<ReadFile>> = batch
            .par_iter()
            .map(|(plan, base)| read_plan(plan, *base, limits))
            .collect();
        loaded.par_extend(
            batch
                .par_iter()
                .zip(read)
                .map(|((plan, base), read)| load_plan(plan, *base, read, early.as_ref())),
        );
    }
    let mut out = Vec::with_capacity(loaded.len());
    for dir in loaded {
        for file in dir.files {
            sources.push(file);
        }
        findings.extend(dir.findings);
        out.push((dir.module, dir.early));
    }
    (out, modules.into_modules())
}

/// Lets go of the text of every file of a directory checked early that no finding points into
/// and that holds no `tf-elbcheck:` directive: such a text is never shown, and keeping the text
/// of every file of a large tree cost more in page faults than reading it again when a
/// directory turns out to be a module after all ([`reload_texts`]).
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

/// Directories whose files are read together before they are parsed (a batch of the benchmark's
/// stacks holds about half a megabyte of text).
const READ_BATCH: usize = 64;

/// A file read (or the text read so far) and why it cannot be used, if it cannot.
pub(super) type ReadFile = (SourceFile, Option<Finding>);

/// Reads the files of `plan`, which get ids from `base` on, in the order of [`load_plan`]: in
/// a row on one worker, or for a large directory (which may be the only one) in runs of 16.
fn read_plan(plan: &DirPlan, base: usize, limits: &Limits) -> Vec<ReadFile> {
    let paths: Vec<&PathBuf> = plan.paths().collect();
    paths
        .into_par_iter()
        .with_min_len(16)
        .enumerate()
        .map(|(i, path)| read_file(path, FileId((base + i) as u32), limits))
        .collect()
}

/// One directory read and parsed, and maybe checked.
struct LoadedDir {
    module: ModuleDir,
    /// Its files, in id order.
    files: Vec<SourceFile>,
    /// Read and parse errors.
    findings: Vec<Finding>,
    /// Findings of the early check, when it ran.
    early: Option<Vec<Finding>>,
}

/// Parses the files of one directory (ids from `base` on, already read by [`read_plan`]), in
/// parallel, and runs the early check when the directory calls no module, or only modules
/// that the walk found.
fn load_plan(
    plan: &DirPlan,
    base: usize,
    read: Vec<ReadFile>,
    early: Option<&EarlyWith>,
) -> LoadedDir {
    let paths: Vec<&PathBuf> = plan.paths().collect();
    let sources = plan.files.len() + plan.overrides.len();
    let loaded: Vec<(SourceFile, Result<Body, Finding>)> = read
        .into_par_iter()
        .zip(paths)
        .enumerate()
        .map(|(i, ((file, failure), path))| {
            let parsed = match failure {
                Some(f) => Err(f),
                None => parse_text(path, FileId((base + i) as u32), &file.text),
            };
            (file, parsed)
        })
        .collect();
    let mut module = ModuleDir {
        dir: plan.dir.clone(),
        ..ModuleDir::default()
    };
    let mut files = Vec::with_capacity(loaded.len());
    let mut findings = Vec::new();
    let mut bodies = Vec::with_capacity(plan.files.len());
    let mut over = Vec::new();
    for (n, (file, parsed)) in loaded.into_iter().enumerate() {
        files.push(file);
        match parsed {
            Ok(body) if n < plan.files.len() => bodies.push(body),
            Ok(body) if n < sources => over.push(body),
            Ok(body) => module.tfvars.push(body),
            Err(f) => {
                module.unparsed |= n < sources;
                findings.push(f);
            }
        }
    }
    module.body = Arc::new(merge_module(bodies, over, &mut findings));
    (module.calls, module.remote_calls) = module_calls(&module.dir, &module.body);
    let mut early_findings = None;
    if let Some(EarlyWith { early, modules }) = early {
        let called = modules
            .modules_of(&module.dir, &module.calls)
            .filter(|called| {
                // A root with a `.terraform` directory finds sources that are not local among
                // its installed modules, which are read once the roots are known.
                let remote = module.remote_calls || called.iter().any(|m| m.module.remote_calls);
                !(remote && early.initialised.contains(&module.dir))
            });
        if let Some(called) = called {
            let dir = module.dir.clone();
            let mut project = Project {
                scope: early.scope.to_vec(),
                roots: vec![dir.clone()],
                ..Project::default()
            };
            for m in &called {
                project
                    .modules
                    .insert(m.module.dir.clone(), early::module_dir(m));
            }
            project.modules.insert(dir.clone(), module);
            let mut texts = FileSet::default();
            texts.extend(base, &files);
            early::add_files(&mut texts, &called);
            early_findings = Some((early.check)(&project, &texts));
            module = project.modules.remove(&dir).unwrap_or_default();
            module.body = Arc::default();
            module.tfvars = Vec::new();
            module.evicted = Some((base..base + sources).map(|i| FileId(i as u32)).collect());
            unload_unreferenced(
                &mut files,
                base,
                early_findings.iter().flatten().chain(&findings),
            );
        }
    }
    LoadedDir {
        module,
        files,
        findings,
        early: early_findings,
    }
}

/// Reads `.terraform/modules/modules.json` of a root and loads the remote modules it lists.
fn load_installed(root: &Path, project: &mut Project, sources: &mut SourceTable, limits: &Limits) {
    let manifest = root.join(".terraform/modules/modules.json");
    let Ok(bytes) = super::read::read_bounded(&manifest, limits.max_file_bytes) else {
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

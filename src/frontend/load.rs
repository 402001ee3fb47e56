//! Reading and parsing module directories on the rayon pool: file ids handed out in a fixed
//! order, files read in batches, each directory's files parsed and merged into a
//! [`ModuleDir`], and the early check run on it when it can be ([`super::early`]).

use super::early::{CachedModule, Early, EarlyWith, ModuleCache};
use super::overrides::merge_module;
use super::plan::{plan_dir, DirPlan};
use super::project::ModuleDir;
use super::read::{parse_text, read_file, Limits};
use super::roots::module_calls;
use crate::diagnostic::Finding;
use crate::source::{FileId, SourceFile, SourceTable};
use crate::syntax::Body;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Reads and parses the given files of one directory, plus its tfvars files.
pub(super) fn load_dir(
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

/// What [`load_dirs_with`] loaded: each directory with the findings of its early check, if it
/// ran, and the modules that early checks parsed once more.
pub(super) type Loaded = (
    Vec<(ModuleDir, Option<Vec<Finding>>)>,
    FxHashMap<PathBuf, CachedModule>,
);

/// [`load_dirs`], with the early check of [`super::discover::discover_with`].
pub(super) fn load_dirs_with(
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

/// Directories whose files are read together before they are parsed (a batch of the benchmark's
/// stacks holds about half a megabyte of text).
const READ_BATCH: usize = 64;

/// A file read (or the text read so far) and why it cannot be used, if it cannot.
type ReadFile = (SourceFile, Option<Finding>);

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
    let mut files = Vec::with_capacity(loaded.len());
    let mut parsed = Vec::with_capacity(loaded.len());
    for (file, result) in loaded {
        files.push(file);
        parsed.push(result);
    }
    let mut findings = Vec::new();
    let mut module = module_of(plan, parsed, &mut findings);
    let mut early_findings = None;
    if let Some(early) = early {
        (module, early_findings) = early.check(module, base, sources, &mut files, &findings);
    }
    LoadedDir {
        module,
        files,
        findings,
        early: early_findings,
    }
}

/// The module of the directory of `plan` from its files parsed, one result per file in the
/// order of [`DirPlan::paths`]: primary files merged, override files applied, variable files
/// kept, module calls listed. Parse errors and merge errors go to `findings`.
fn module_of(
    plan: &DirPlan,
    parsed: Vec<Result<Body, Finding>>,
    findings: &mut Vec<Finding>,
) -> ModuleDir {
    let mut module = ModuleDir {
        dir: plan.dir.clone(),
        ..ModuleDir::default()
    };
    let sources = plan.files.len() + plan.overrides.len();
    let mut bodies = Vec::with_capacity(plan.files.len());
    let mut over = Vec::new();
    for (n, parsed) in parsed.into_iter().enumerate() {
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
    module.body = Arc::new(merge_module(bodies, over, findings));
    (module.calls, module.remote_calls) = module_calls(&module.dir, &module.body);
    module
}

/// Builds the module of directory `dir` from files parsed elsewhere (an editor's buffers),
/// each given with its path and what parsing it gave, in any order: they are taken in the
/// order Terraform reads them, as [`load_dirs`] does. Returns the module and the parse and
/// merge errors.
pub fn assemble_dir(
    dir: &Path,
    files: Vec<(PathBuf, Result<Body, Finding>)>,
) -> (ModuleDir, Vec<Finding>) {
    let plan = plan_dir(
        dir.to_path_buf(),
        files.iter().map(|(p, _)| p.clone()).collect(),
    );
    let mut by_path: FxHashMap<PathBuf, Result<Body, Finding>> = files.into_iter().collect();
    let parsed = plan
        .paths()
        .filter_map(|p| by_path.remove(p))
        .collect::<Vec<_>>();
    let mut findings = Vec::new();
    let module = module_of(&plan, parsed, &mut findings);
    (module, findings)
}

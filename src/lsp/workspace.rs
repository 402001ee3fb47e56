//! The checked workspace as the language server keeps it between edits: every file read, every
//! module directory parsed, and the findings of each root, so that an edit re-checks only the
//! roots it can change.
//!
//! - **Loading** is the command line's discovery of the workspace folders: a directory that
//!   can be checked as soon as it is parsed is, and its syntax (and the texts no finding points
//!   into) let go; the other roots are checked once everything is parsed. A directory let go is
//!   read and parsed again when a later check needs it.
//! - **Text** of a file is the editor's buffer when the file is open ([`Buffers`]), else the
//!   file on disk. When a directory changes, its file list is read again from disk (plus the
//!   open buffers in it) and every file in it is parsed again from that text.
//! - **A buffer that does not parse** (a block being typed) is reported with its TF001 alone,
//!   and the directory is built with the last text of that file that parsed: the other files
//!   keep findings computed from good syntax. The source table keeps that last good text, so
//!   spans into the file stay consistent with the syntax they came from.
//! - **Which roots**: a root uses its own directory, the directories it calls through local
//!   `source`s (transitively) and its installed modules. A change to a directory re-checks
//!   the roots that use it; when the calls change, the roots are picked again.
//! - **Findings of a file** are settled file by file, as the command line would settle them:
//!   the load errors in it and the findings of every root that uses its directory that start
//!   in it, then its suppression comments ([`suppress::apply_in`]: a comment only ever
//!   suppresses findings of its own file) and the configuration, sorted and without duplicates.

use crate::config::Config;
use crate::diagnostic::Finding;
use crate::eval::Inputs;
use crate::frontend::{self, Limits, Project};
use crate::run::{self, Stage};
use crate::source::{FileId, Snippets, SourceFile, SourceTable};
use crate::suppress;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The result of parsing a file.
type Parse = Result<crate::syntax::Body, Finding>;

/// The editor's open buffers, which win over the files on disk.
pub trait Buffers: Sync {
    /// The text of the buffer of `path`, when it is open.
    fn text(&self, path: &Path) -> Option<Arc<str>>;
    /// The paths of the open buffers.
    fn paths(&self) -> Vec<PathBuf>;
    /// The paths of the open buffers in directory `dir` (not below it).
    fn paths_in(&self, dir: &Path) -> Vec<PathBuf> {
        let mut paths = self.paths();
        paths.retain(|p| p.parent() == Some(dir));
        paths
    }
}

/// No buffer open.
pub struct NoBuffers;

impl Buffers for NoBuffers {
    fn text(&self, _: &Path) -> Option<Arc<str>> {
        None
    }
    fn paths(&self) -> Vec<PathBuf> {
        Vec::new()
    }
}

/// What a workspace is checked with, beyond its folders.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// A configuration file to use instead of searching for `.tf-elbcheck.toml`.
    pub config: Option<PathBuf>,
    /// `TF_VAR_*` values.
    pub env_vars: Vec<(String, String)>,
}

impl Settings {
    /// True for a configuration file: `.tf-elbcheck.toml`, or the file the client named.
    pub fn is_config(&self, path: &Path) -> bool {
        path.file_name()
            .is_some_and(|n| n == crate::config::FILE_NAME)
            || self
                .config
                .as_ref()
                .is_some_and(|c| super::convert::canonical_path(c) == path)
    }
}

/// An open buffer that does not parse, and the TF001 saying why (its span is an offset into
/// this text, not into the source table's).
#[derive(Debug, Clone)]
pub struct Broken {
    pub finding: Finding,
    pub text: Arc<str>,
}

/// What to show for one file.
pub enum Report<'a> {
    /// Its findings, with spans into the source table's text of the file.
    Findings(Vec<Finding>),
    /// Its buffer does not parse.
    Broken(&'a Broken),
}

/// A checked workspace.
pub struct Workspace {
    folders: Vec<PathBuf>,
    config: Config,
    /// Errors in the configuration file (the workspace is then checked with the defaults).
    config_findings: Vec<Finding>,
    sources: SourceTable,
    project: Project,
    inputs: Inputs,
    /// The files of each module directory.
    dirs: BTreeMap<PathBuf, BTreeSet<FileId>>,
    /// The id of each file read, by path.
    ids: HashMap<PathBuf, FileId>,
    /// Read, parse and merge errors, by the file they point into.
    load_findings: HashMap<FileId, Vec<Finding>>,
    broken: HashMap<FileId, Broken>,
    /// Buffers parsed ahead, off the checking thread, by path: the id their spans name, the
    /// text and the result.
    parsed_ahead: HashMap<PathBuf, (FileId, Arc<str>, Parse)>,
    /// The findings of each root, before suppressions and configuration.
    results: HashMap<PathBuf, Vec<Finding>>,
    /// The directories each root uses, and the roots that use each directory.
    uses: HashMap<PathBuf, Vec<PathBuf>>,
    users: HashMap<PathBuf, Vec<PathBuf>>,
    /// Roots to check.
    dirty: BTreeSet<PathBuf>,
    /// Files whose findings may have changed since they were last reported.
    changed: BTreeSet<FileId>,
    today: String,
}

impl Workspace {
    /// Reads and parses the folders (open buffers win over the disk) and marks every root to be
    /// checked and every file to be reported. Runs on the current rayon pool.
    pub fn load(folders: &[PathBuf], settings: &Settings, buffers: &dyn Buffers) -> Workspace {
        Workspace::load_with(folders, settings, buffers, None)
    }

    /// [`Workspace::load`], with `fallback` as the configuration when the configuration file
    /// has a mistake (the defaults when there is none). An open buffer of the configuration
    /// file counts instead of the file on disk.
    pub fn load_with(
        folders: &[PathBuf],
        settings: &Settings,
        buffers: &dyn Buffers,
        fallback: Option<&Config>,
    ) -> Workspace {
        let mut sources = SourceTable::new();
        let text = |p: &Path| buffers.text(p).map(|t| t.to_string());
        let (config, config_findings) =
            match Config::load_for_with(folders, settings.config.as_deref(), &mut sources, &text) {
                Ok(config) => (config, Vec::new()),
                Err(finding) => (fallback.cloned().unwrap_or_default(), vec![finding]),
            };
        let inputs = Inputs {
            var_files: Vec::new(),
            vars: Vec::new(),
            env_vars: settings.env_vars.clone(),
            ..Inputs::default()
        };
        // Each directory that can be is checked as soon as it is parsed, as on the command
        // line; its syntax is then let go, and so are the texts no finding needs
        // ([`frontend::discover_with`]). Such a directory is read and parsed again before a
        // later check needs it ([`Workspace::check`]).
        let early = |p: &Project, texts: &dyn Snippets| check_one(p, &p.roots[0], &inputs, texts);
        let mut project = frontend::discover_with(
            folders,
            &mut sources,
            &Limits::default(),
            &|p| config.is_excluded(p),
            Some(&early),
        );
        let early = std::mem::take(&mut project.early);
        let mut load_findings: HashMap<FileId, Vec<Finding>> = HashMap::new();
        for f in std::mem::take(&mut project.findings) {
            load_findings.entry(f.span.file).or_default().push(f);
        }
        let mut dirs: BTreeMap<PathBuf, BTreeSet<FileId>> = project
            .modules
            .keys()
            .map(|d| (d.clone(), BTreeSet::new()))
            .collect();
        let mut ids = HashMap::new();
        for (id, file) in sources.files() {
            if !is_terraform_file(&file.path) {
                continue;
            }
            if let Some(files) = file.path.parent().and_then(|d| dirs.get_mut(d)) {
                files.insert(id);
                ids.insert(file.path.clone(), id);
            }
        }
        let mut ws = Workspace {
            folders: project.scope.clone(),
            config,
            config_findings,
            sources,
            project,
            inputs,
            dirs,
            ids,
            load_findings,
            broken: HashMap::new(),
            parsed_ahead: HashMap::new(),
            results: HashMap::new(),
            uses: HashMap::new(),
            users: HashMap::new(),
            dirty: BTreeSet::new(),
            changed: BTreeSet::new(),
            today: suppress::today_utc(),
        };
        ws.index_uses();
        for root in &ws.project.roots {
            if !early.contains_key(root) {
                ws.dirty.insert(root.clone());
            }
        }
        ws.results = early
            .into_iter()
            .filter(|(root, _)| ws.users.contains_key(root))
            .collect();
        ws.changed = ws.sources.files().map(|(id, _)| id).collect();
        // Buffers opened before the workspace was loaded, in new directories too.
        ws.update(&buffers.paths(), buffers);
        ws
    }

    /// The scanned folders (canonical).
    pub fn folders(&self) -> &[PathBuf] {
        &self.folders
    }

    pub fn sources(&self) -> &SourceTable {
        &self.sources
    }

    /// The configuration in use, when the configuration file has no mistake.
    pub fn good_config(&self) -> Option<&Config> {
        self.config_findings.is_empty().then_some(&self.config)
    }

    /// The configuration files in use.
    pub fn config_files(&self) -> &[PathBuf] {
        self.config.files()
    }

    /// The module directories (those that hold Terraform files).
    pub fn dirs(&self) -> impl Iterator<Item = &Path> {
        self.dirs.keys().map(PathBuf::as_path)
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.project.roots
    }

    /// The id of a file read, by path.
    pub fn file_id(&self, path: &Path) -> Option<FileId> {
        self.ids.get(path).copied()
    }

    /// The id of the file at `path`, given one (with no text yet) when it has none.
    pub fn id_for(&mut self, path: &Path) -> FileId {
        if let Some(&id) = self.ids.get(path) {
            return id;
        }
        let id = self.sources.add(path.to_path_buf(), String::new());
        self.ids.insert(path.to_path_buf(), id);
        id
    }

    /// The result of parsing `text`, the buffer of `path`, with spans into file `id`
    /// ([`Workspace::id_for`]), worked out elsewhere: the next update that reads that text
    /// for the file takes it instead of parsing the text again.
    pub fn parsed_buffer(
        &mut self,
        path: &Path,
        id: FileId,
        text: Arc<str>,
        result: Result<crate::syntax::Body, Finding>,
    ) {
        self.parsed_ahead
            .insert(path.to_path_buf(), (id, text, result));
    }

    /// True when a file at `path` would be checked: a Terraform file inside the folders, not
    /// excluded by the configuration.
    /// A file of a directory already checked (an installed module's too) is; otherwise it
    /// must be inside the folders and not under `.git` or `.terraform`, as the walk has it.
    pub fn wants(&self, path: &Path) -> bool {
        if !is_terraform_file(path)
            || (frontend::is_tf(&file_name(path)) && self.config.is_excluded(path))
        {
            return false;
        }
        let known = path.parent().is_some_and(|d| self.dirs.contains_key(d));
        known
            || (self.folders.iter().any(|f| path.starts_with(f))
                && !path.components().any(|c| {
                    let c = c.as_os_str();
                    c == ".git" || c == ".terraform"
                }))
    }

    /// Takes the changes to these files into account: their directories are read and parsed
    /// again and the roots that use them marked to be checked. `paths` may name files that are
    /// new, deleted or unchanged.
    /// A path that is no Terraform file counts as a directory: every module directory in it
    /// is read again (it may have been deleted).
    pub fn update(&mut self, paths: &[PathBuf], buffers: &dyn Buffers) {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for path in paths {
            if self.ids.contains_key(path) || self.wants(path) {
                dirs.extend(path.parent().map(Path::to_path_buf));
            } else if !is_terraform_file(path) {
                dirs.extend(self.dirs.keys().filter(|d| d.starts_with(path)).cloned());
            }
        }
        self.today = suppress::today_utc();
        let mut ahead = self.read_ahead(&dirs, buffers);
        for dir in dirs {
            self.reload_dir(&dir, buffers, &mut ahead);
        }
    }

    /// Reads the files of `dir` again (buffers first) and rebuilds its module.
    /// Reads and parses, in parallel on the current rayon pool, the files on disk of these
    /// directories that have no open buffer and already have an id (a new file is read with
    /// its directory): what [`Workspace::reload_dir`] would read one after the other.
    fn read_ahead<'a>(
        &self,
        dirs: impl IntoIterator<Item = &'a PathBuf>,
        buffers: &dyn Buffers,
    ) -> HashMap<PathBuf, (SourceFile, Parse)> {
        let files: Vec<(PathBuf, FileId)> = dirs
            .into_iter()
            .flat_map(|d| list_terraform_files(d))
            .filter(|p| buffers.text(p).is_none() && self.wants(p))
            .filter_map(|p| {
                let id = *self.ids.get(&p)?;
                Some((p, id))
            })
            .collect();
        let limits = Limits::default();
        files
            .into_par_iter()
            .map(|(path, id)| {
                let read = read_and_parse(&path, id, &limits);
                (path, read)
            })
            .collect()
    }

    /// Reads the files of `dir` again (buffers first, then what [`Workspace::read_ahead`]
    /// read) and rebuilds its module.
    fn reload_dir(
        &mut self,
        dir: &Path,
        buffers: &dyn Buffers,
        ahead: &mut HashMap<PathBuf, (SourceFile, Parse)>,
    ) {
        let mut paths: BTreeSet<PathBuf> = list_terraform_files(dir)
            .into_iter()
            .filter(|p| self.wants(p))
            .collect();
        paths.extend(buffers.paths_in(dir).into_iter().filter(|p| self.wants(p)));
        let before: BTreeSet<FileId> = self.dirs.get(dir).cloned().unwrap_or_default();
        let limits = Limits::default();
        let mut parsed = Vec::with_capacity(paths.len());
        let mut now = BTreeSet::new();
        for path in paths {
            let id = match self.ids.get(&path) {
                Some(&id) => id,
                None => {
                    let id = self.sources.add(path.clone(), String::new());
                    self.ids.insert(path.clone(), id);
                    id
                }
            };
            now.insert(id);
            let result = match buffers.text(&path) {
                Some(text) => self.take_buffer(id, &path, &text, &limits),
                None => {
                    self.broken.remove(&id);
                    self.parsed_ahead.remove(&path);
                    let (file, result) = ahead
                        .remove(&path)
                        .unwrap_or_else(|| read_and_parse(&path, id, &limits));
                    self.set_text(id, file);
                    result
                }
            };
            parsed.push((path, result));
        }
        // Files gone from the directory.
        for &id in before.difference(&now) {
            let path = self.sources.get(id).path.clone();
            self.ids.remove(&path);
            self.broken.remove(&id);
            self.load_findings.remove(&id);
            self.sources
                .replace(id, SourceFile::new(path, String::new()));
        }
        self.changed.extend(before.iter().chain(&now).copied());
        let old_users = self.users.get(dir).cloned().unwrap_or_default();
        let old_calls = self
            .project
            .modules
            .get(dir)
            .map(|m| (m.calls.clone(), m.remote_calls));
        let reshaped;
        if now.is_empty() {
            reshaped = self.project.modules.remove(dir).is_some();
            self.dirs.remove(dir);
        } else {
            let (mut module, findings) = frontend::assemble_dir(dir, parsed);
            for id in &now {
                self.load_findings.remove(id);
            }
            for f in findings {
                self.load_findings.entry(f.span.file).or_default().push(f);
            }
            reshaped = old_calls != Some((module.calls.clone(), module.remote_calls));
            if let Some(old) = self.project.modules.get(dir) {
                module.installed = old.installed.clone();
            }
            self.project.modules.insert(dir.to_path_buf(), module);
            self.dirs.insert(dir.to_path_buf(), now);
        }
        let mut affected: BTreeSet<PathBuf> = old_users.into_iter().collect();
        if reshaped {
            let old_roots: BTreeSet<PathBuf> = self.project.roots.iter().cloned().collect();
            let old_uses = std::mem::take(&mut self.uses);
            self.project.roots = frontend::pick_roots(&self.project.modules);
            self.index_uses();
            let new_roots: BTreeSet<PathBuf> = self.project.roots.iter().cloned().collect();
            for gone in old_roots.difference(&new_roots) {
                self.results.remove(gone);
                self.dirty.remove(gone);
                for d in old_uses.get(gone).into_iter().flatten() {
                    self.changed
                        .extend(self.dirs.get(d).into_iter().flatten().copied());
                }
            }
            affected.extend(new_roots.difference(&old_roots).cloned());
            // Roots whose calls lead elsewhere now.
            for root in &new_roots {
                if old_uses.get(root) != self.uses.get(root) {
                    affected.insert(root.clone());
                    for d in old_uses.get(root).into_iter().flatten() {
                        self.changed
                            .extend(self.dirs.get(d).into_iter().flatten().copied());
                    }
                }
            }
        }
        affected.extend(self.users.get(dir).cloned().unwrap_or_default());
        let roots: std::collections::HashSet<&PathBuf> = self.project.roots.iter().collect();
        let affected: Vec<PathBuf> = affected.into_iter().filter(|r| roots.contains(r)).collect();
        for root in affected {
            for d in self.uses.get(&root).into_iter().flatten() {
                self.changed
                    .extend(self.dirs.get(d).into_iter().flatten().copied());
            }
            self.dirty.insert(root);
        }
    }

    /// The result of parsing buffer `text` of file `id`: when it does not parse but the last
    /// text kept for the file does, the file is marked broken and that last text's syntax is
    /// used.
    fn take_buffer(
        &mut self,
        id: FileId,
        path: &Path,
        text: &str,
        limits: &Limits,
    ) -> Result<crate::syntax::Body, Finding> {
        if text.len() as u64 > limits.max_file_bytes {
            let error = frontend::ReadError::TooLarge {
                len: text.len() as u64,
                limit: limits.max_file_bytes,
            };
            self.broken.remove(&id);
            self.set_text(id, SourceFile::new(path.to_path_buf(), String::new()));
            return Err(error.finding(id, 0));
        }
        let ahead = self
            .parsed_ahead
            .remove(path)
            .filter(|(ahead_id, ahead_text, _)| *ahead_id == id && **ahead_text == *text);
        let parsed = match ahead {
            Some((_, _, result)) => result,
            None => frontend::parse_text(path, id, text),
        };
        let error = match parsed {
            Ok(body) => {
                self.broken.remove(&id);
                self.set_text(id, SourceFile::new(path.to_path_buf(), text.to_string()));
                return Ok(body);
            }
            Err(error) => error,
        };
        // The last text kept may have been let go after an early check: it was the disk's,
        // and the spans of the syntax kept for it point into it.
        if self.sources.get(id).unloaded {
            let (file, _) = frontend::read_file(path, id, limits);
            self.set_text(id, file);
        }
        let kept = &self.sources.get(id).text;
        if kept != text && !kept.is_empty() {
            if let Ok(body) = frontend::parse_text(path, id, kept) {
                self.broken.insert(
                    id,
                    Broken {
                        finding: error,
                        text: Arc::from(text),
                    },
                );
                return Ok(body);
            }
        }
        self.broken.remove(&id);
        self.set_text(id, SourceFile::new(path.to_path_buf(), text.to_string()));
        Err(error)
    }

    /// Keeps `file` as the text of `id`, unless the text is the same (its line index is kept).
    fn set_text(&mut self, id: FileId, file: SourceFile) {
        let old = self.sources.get(id);
        if old.text != file.text || old.bom != file.bom || old.unloaded {
            self.sources.replace(id, file);
        }
    }

    /// Works out which directories each root uses, and the other way round.
    fn index_uses(&mut self) {
        self.uses.clear();
        self.users.clear();
        for root in &self.project.roots {
            let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
            let mut stack = vec![root.clone()];
            if let Some(m) = self.project.modules.get(root) {
                stack.extend(m.installed.iter().map(|(_, d)| d.clone()));
            }
            while let Some(d) = stack.pop() {
                let Some(module) = self.project.modules.get(&d) else {
                    continue;
                };
                if seen.insert(d.clone()) {
                    stack.extend(module.calls.iter().cloned());
                }
            }
            for d in &seen {
                self.users.entry(d.clone()).or_default().push(root.clone());
            }
            self.uses.insert(root.clone(), seen.into_iter().collect());
        }
    }

    /// The roots that still need a check.
    pub fn dirty(&self) -> usize {
        self.dirty.len()
    }

    /// Checks the roots marked for it, in parallel on the current rayon pool. Stops starting
    /// new roots once `cancelled` holds; returns whether every root was checked (the others
    /// stay marked).
    pub fn check(&mut self, cancelled: &(dyn Fn() -> bool + Sync)) -> bool {
        // A directory checked early while loading has no syntax left: it is read and parsed
        // again first.
        let dirty: Vec<PathBuf> = self.dirty.iter().cloned().collect();
        self.restore_evicted(&dirty);
        let roots: Vec<PathBuf> = self.dirty.iter().cloned().collect();
        let project = &self.project;
        let inputs = &self.inputs;
        let sources = &self.sources;
        let done: Vec<(PathBuf, Option<Vec<Finding>>)> = roots
            .into_par_iter()
            .map(|root| {
                if cancelled() {
                    return (root, None);
                }
                let found = check_one(project, &root, inputs, sources);
                (root, Some(found))
            })
            .collect();
        for (root, found) in done {
            if let Some(found) = found {
                self.dirty.remove(&root);
                self.results.insert(root, found);
            }
        }
        self.dirty.is_empty()
    }

    /// What the checks prove passes on line `line` (0-based) of the file at `path`, for the
    /// hover: the roots that use its directory (at most four) are checked again
    /// with proofs recorded. Each proof comes with its range in the file.
    pub fn explain(&mut self, path: &Path, line: u32) -> Vec<(lsp_types::Range, String)> {
        let Some(id) = self.file_id(path) else {
            return Vec::new();
        };
        let Some(dir) = self.dir_of(id).map(Path::to_path_buf) else {
            return Vec::new();
        };
        let roots: Vec<PathBuf> = self
            .users
            .get(&dir)
            .into_iter()
            .flatten()
            .take(EXPLAINED_ROOTS)
            .cloned()
            .collect();
        self.restore_evicted(&roots);
        let (project, inputs, sources) = (&self.project, &self.inputs, &self.sources);
        let proofs: Vec<crate::diagnostic::Proof> = roots
            .par_iter()
            .flat_map_iter(|root| {
                guarded(root, || run::explain_root(project, root, inputs, sources))
            })
            .filter(|p| p.span.file == id)
            .collect();
        let text = &self.sources.get(id).text;
        let index = super::text::LineIndex::new(text);
        // A proof about a block (a rule, an ACL) holds on every line of it; it is shown at
        // its header. Each is kept with the number of lines it covers.
        let mut found: Vec<(u32, lsp_types::Range, String)> = proofs
            .into_iter()
            .filter_map(|p| {
                let start = p.span.start as usize;
                let end = super::text::block_end(text, start).unwrap_or(p.span.end as usize);
                let lines = index.lsp_range(text, start, end);
                (lines.start.line <= line && line <= lines.end.line).then(|| {
                    let shown = super::convert::range(text, &index, p.span);
                    (lines.end.line - lines.start.line, shown, p.text)
                })
            })
            .collect();
        // The tightest places first (a port before the block around it), each text once.
        found.sort_by(|a, b| (a.0, &a.2).cmp(&(b.0, &b.2)));
        let mut seen = std::collections::HashSet::new();
        found
            .into_iter()
            .filter(|(_, _, t)| seen.insert(t.clone()))
            .map(|(_, r, t)| (r, t))
            .collect()
    }

    /// Reads and parses again (in parallel) the directories that `roots` use and that were let
    /// go after their early check while loading. None has an open buffer (a buffer's
    /// directory is read again when it is opened), so the disk is its text.
    fn restore_evicted(&mut self, roots: &[PathBuf]) {
        let evicted: BTreeSet<PathBuf> = roots
            .iter()
            .flat_map(|root| self.uses.get(root).into_iter().flatten())
            .filter(|d| {
                self.project
                    .modules
                    .get(*d)
                    .is_some_and(|m| m.evicted.is_some())
            })
            .cloned()
            .collect();
        let mut ahead = self.read_ahead(&evicted, &NoBuffers);
        for dir in evicted {
            self.reload_dir(&dir, &NoBuffers, &mut ahead);
        }
    }

    /// The files whose findings may have changed since this was last called.
    pub fn take_changed(&mut self) -> Vec<FileId> {
        std::mem::take(&mut self.changed).into_iter().collect()
    }

    /// The directory of a file that is part of a module, if it is one.
    fn dir_of(&self, id: FileId) -> Option<&Path> {
        let path = &self.sources.get(id).path;
        let dir = path.parent()?;
        self.dirs
            .get(dir)
            .is_some_and(|files| files.contains(&id))
            .then_some(dir)
    }

    /// What to show for file `id`.
    pub fn report(&self, id: FileId) -> Report<'_> {
        if let Some(broken) = self.broken.get(&id) {
            return Report::Broken(broken);
        }
        let mut found: Vec<Finding> = self.load_findings.get(&id).cloned().unwrap_or_default();
        found.extend(
            self.config_findings
                .iter()
                .filter(|f| f.span.file == id)
                .cloned(),
        );
        if let Some(dir) = self.dir_of(id) {
            for root in self.users.get(dir).into_iter().flatten() {
                let results = self.results.get(root).into_iter().flatten();
                found.extend(results.filter(|f| f.span.file == id).cloned());
            }
        }
        let found = suppress::apply_in(found, &self.sources, &self.today, &[id]);
        let mut found = self.config.apply(found);
        found.sort_by(|a, b| {
            (a.span.start, a.code(), &a.message).cmp(&(b.span.start, b.code(), &b.message))
        });
        found.dedup();
        Report::Findings(found)
    }

    /// Every finding of the workspace, as the command line would report them (for tests).
    pub fn all_findings(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (id, _) in self.sources.files() {
            if let Report::Findings(found) = self.report(id) {
                out.extend(found);
            }
        }
        out
    }
}

/// How many roots a hover checks again: a module used by many roots is explained from the
/// first few.
const EXPLAINED_ROOTS: usize = 4;

/// The findings of one root, before suppressions and configuration; none (and a line on
/// stderr) when the check panics.
fn check_one(
    project: &Project,
    root: &Path,
    inputs: &Inputs,
    texts: &dyn Snippets,
) -> Vec<Finding> {
    guarded(root, || {
        run::check_root(
            project,
            root,
            inputs,
            Stage::Check,
            None,
            texts,
            &std::sync::atomic::AtomicUsize::new(0),
        )
    })
}

/// The result of `work` on `root`, or nothing (and a line on stderr) when it panics.
fn guarded<T: Default>(root: &Path, work: impl FnOnce() -> T) -> T {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|_| {
        eprintln!(
            "tf-elbcheck lsp: internal error while checking {}",
            root.display()
        );
        T::default()
    })
}

/// A file read from disk and parsed, or why it could not be.
fn read_and_parse(path: &Path, id: FileId, limits: &Limits) -> (SourceFile, Parse) {
    let (file, failure) = frontend::read_file(path, id, limits);
    let result = match failure {
        Some(f) => Err(f),
        None => frontend::parse_text(path, id, &file.text),
    };
    (file, result)
}

/// `.tf`, `.tf.json` and the variable files Terraform reads for a root: the files the server
/// keeps buffers of.
pub(super) fn is_terraform_file(path: &Path) -> bool {
    let name = file_name(path);
    frontend::is_tf(&name) || frontend::is_tfvars(&name)
}

fn file_name(path: &Path) -> std::borrow::Cow<'_, str> {
    path.file_name().unwrap_or_default().to_string_lossy()
}

/// The Terraform files of a directory on disk (as the walk takes them: regular files, links
/// followed; variable files whatever they are).
fn list_terraform_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            let name = file_name(p);
            (frontend::is_tf(&name) && p.is_file()) || frontend::is_tfvars(&name)
        })
        .collect()
}

//! The checking thread: it owns the [`Workspace`], takes the changes the main loop sends it,
//! lets a burst of them settle (debounce), re-checks what they touch on a rayon pool, and
//! publishes the diagnostics of every file whose findings may have changed.
//!
//! Changes are coalesced per file (the last text wins, none is dropped). A change that arrives
//! while roots are being checked makes the check stop starting new roots; the roots left are
//! checked with the next batch, and diagnostics are published once a batch completes, so a
//! stale result is never published over a newer one.
//!
//! A buffer of [`LARGE_BUFFER`] bytes or more is parsed on a thread of its own: the workspace
//! keeps the file's previous text until the parse ends, so other changes are checked
//! meanwhile. A parse cannot be stopped, but a newer text makes its result be dropped (a newer
//! large text is parsed once the running parse ends).

use super::actions::{self, QuickFix};
use super::convert::{self, UriMap};
use super::text::LineIndex;
use super::workspace::{Buffers, Report, Settings, Workspace};
use crate::diagnostic::{Finding, Severity};
use crate::source::FileId;
use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Message, Notification};
use lsp_types::{Diagnostic, Location, PublishDiagnosticsParams, Url};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// What the main loop asks of the worker.
pub enum Job {
    /// Load (again) these folders, named as the client names them.
    Load {
        folders: Vec<PathBuf>,
        settings: Settings,
    },
    /// A buffer opened or changed.
    Buffer {
        path: PathBuf,
        uri: Url,
        version: i32,
        text: Arc<str>,
    },
    /// A buffer closed: the file on disk counts again.
    Close { path: PathBuf },
    /// Files or directories changed on disk.
    Disk { paths: Vec<PathBuf> },
    /// The configuration changed: load everything again.
    Reload,
    /// A hover request, with what the main loop found for the line (the findings and labels
    /// there): the worker adds what the analysis proves passes on that line, and answers.
    Hover {
        id: lsp_server::RequestId,
        path: PathBuf,
        line: u32,
        found: Option<lsp_types::Hover>,
    },
}

/// One diagnostic published, with what the code actions and the hover need of its finding.
#[derive(Debug, Clone)]
pub struct Item {
    pub diagnostic: Diagnostic,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// The fix `--fix` would apply, with the URI of the file it edits.
    pub fix: Option<(Url, QuickFix)>,
}

/// The diagnostics last published for a file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub uri: Url,
    pub version: Option<i32>,
    pub items: Vec<Item>,
}

/// What the worker and the main loop share.
#[derive(Default)]
pub struct Shared {
    /// Bumped by the main loop on every change it sends: a check running for an older
    /// generation stops starting roots.
    pub generation: AtomicU64,
    /// Set on shutdown.
    pub quit: AtomicBool,
    /// The last report of each file, by path.
    pub reports: RwLock<HashMap<PathBuf, Arc<FileReport>>>,
}

/// An open buffer, as the worker knows it.
struct Doc {
    uri: Url,
    version: i32,
    /// The last text the client sent.
    text: Arc<str>,
    /// The text the workspace is given: `text`, except while a large `text` is being parsed
    /// on a thread of its own (the text before it, `None` for a buffer opened that way).
    accepted: Option<Arc<str>>,
}

/// The buffers as the workspace sees them: their accepted texts.
struct Docs<'a>(&'a HashMap<PathBuf, Doc>);

impl Buffers for Docs<'_> {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.0.get(path).and_then(|d| d.accepted.clone())
    }
    fn paths(&self) -> Vec<PathBuf> {
        self.0
            .iter()
            .filter(|(_, d)| d.accepted.is_some())
            .map(|(p, _)| p.clone())
            .collect()
    }
}

/// A buffer of at least this many bytes is parsed on a thread of its own, so that the checks
/// of other changes do not wait for it.
pub const LARGE_BUFFER: usize = 1024 * 1024;

/// A large buffer parsed on a thread of its own.
struct Parsed {
    path: PathBuf,
    /// The workspace it was parsed for ([`Worker::loads`]) and the id its spans name.
    load: u64,
    id: FileId,
    text: Arc<str>,
    result: Result<crate::syntax::Body, Finding>,
}

/// The worker's state.
pub struct Worker {
    jobs: Receiver<Job>,
    out: Sender<Message>,
    shared: Arc<Shared>,
    debounce: Duration,
    pool: rayon::ThreadPool,
    workspace: Option<Workspace>,
    folders: Vec<PathBuf>,
    settings: Settings,
    uris: UriMap,
    docs: HashMap<PathBuf, Doc>,
    /// Files and directories changed since the last batch.
    pending: BTreeSet<PathBuf>,
    reload: bool,
    /// Files last published with at least one diagnostic.
    published: HashSet<PathBuf>,
    /// Log each batch's timings on stderr (`TF_ELBCHECK_LSP_LOG` set).
    log: bool,
    /// The last configuration loaded without a mistake.
    last_good: Option<crate::config::Config>,
    /// How many times the workspace was loaded.
    loads: u64,
    /// The large buffers being parsed, by path, with the text being parsed.
    parsing: HashMap<PathBuf, Arc<str>>,
    parsed_tx: Sender<Parsed>,
    parsed_rx: Receiver<Parsed>,
}

/// The longest a burst of changes is waited out before checking anyway.
const MAX_WAIT: Duration = Duration::from_millis(250);

impl Worker {
    pub fn new(
        jobs: Receiver<Job>,
        out: Sender<Message>,
        shared: Arc<Shared>,
        debounce: Duration,
        jobs_count: usize,
    ) -> Worker {
        let (parsed_tx, parsed_rx) = crossbeam_channel::unbounded();
        Worker {
            jobs,
            out,
            shared,
            debounce,
            pool: crate::run::thread_pool(jobs_count),
            workspace: None,
            folders: Vec::new(),
            settings: Settings::default(),
            uris: UriMap::default(),
            docs: HashMap::new(),
            pending: BTreeSet::new(),
            reload: false,
            published: HashSet::new(),
            log: std::env::var_os("TF_ELBCHECK_LSP_LOG").is_some_and(|v| !v.is_empty()),
            last_good: None,
            loads: 0,
            parsing: HashMap::new(),
            parsed_tx,
            parsed_rx,
        }
    }

    /// Runs until the main loop hangs up or shuts down.
    pub fn run(mut self) {
        loop {
            crossbeam_channel::select! {
                recv(self.jobs) -> job => match job {
                    Ok(job) => self.take(job),
                    Err(_) => return,
                },
                recv(self.parsed_rx) -> parsed => {
                    if let Ok(parsed) = parsed {
                        self.parsed(parsed);
                    }
                }
            }
            let started = Instant::now();
            // The first load has no edits to wait out: it takes what is queued and starts.
            let debounce = if self.workspace.is_none() && self.reload {
                Duration::ZERO
            } else {
                self.debounce
            };
            loop {
                let left = MAX_WAIT.saturating_sub(started.elapsed());
                if left.is_zero() {
                    break;
                }
                match self.jobs.recv_timeout(debounce.min(left)) {
                    Ok(job) => self.take(job),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return,
                }
                while let Ok(parsed) = self.parsed_rx.try_recv() {
                    self.parsed(parsed);
                }
            }
            if self.shared.quit.load(Ordering::SeqCst) {
                return;
            }
            let batch = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.batch()));
            if batch.is_err() {
                // A bug: the workspace may be half updated, so it is loaded again from scratch
                // with the next change rather than left to drift (or the thread to die).
                eprintln!("tf-elbcheck lsp: internal error; the workspace will be loaded again");
                self.workspace = None;
                self.reload = true;
            }
        }
    }

    fn take(&mut self, job: Job) {
        match job {
            Job::Load { folders, settings } => {
                self.uris = UriMap::new(&folders);
                self.folders = folders;
                self.settings = settings;
                self.reload = true;
            }
            Job::Buffer {
                path,
                uri,
                version,
                text,
            } => {
                let config = self.settings.is_config(&path);
                let large = !config && text.len() >= LARGE_BUFFER && self.workspace.is_some();
                let before = self.docs.remove(&path).and_then(|d| d.accepted);
                let accepted = if large {
                    before
                } else {
                    Some(Arc::clone(&text))
                };
                self.docs.insert(
                    path.clone(),
                    Doc {
                        uri,
                        version,
                        text,
                        accepted,
                    },
                );
                if config {
                    self.reload = true;
                } else if large {
                    self.start_parse(&path);
                } else {
                    self.pending.insert(path);
                }
            }
            Job::Close { path } => {
                self.docs.remove(&path);
                if self.settings.is_config(&path) {
                    self.reload = true;
                } else {
                    self.pending.insert(path);
                }
            }
            Job::Disk { paths } => self.pending.extend(paths),
            Job::Reload => self.reload = true,
            Job::Hover {
                id,
                path,
                line,
                found,
            } => {
                let proofs = self
                    .workspace
                    .as_mut()
                    .map(|w| self.pool.install(|| w.explain(&path, line)))
                    .unwrap_or_default();
                let result = super::hover::with_proofs(found, &proofs);
                let _ = self
                    .out
                    .send(Message::Response(lsp_server::Response::new_ok(id, result)));
            }
        }
    }

    /// Parses the large buffer of `path` on a thread of its own, unless one is being parsed
    /// already (its result then starts the parse of the newer text).
    fn start_parse(&mut self, path: &Path) {
        let (Some(doc), Some(workspace)) = (self.docs.get(path), self.workspace.as_mut()) else {
            return;
        };
        if self.parsing.contains_key(path) {
            return;
        }
        let text = Arc::clone(&doc.text);
        self.parsing.insert(path.to_path_buf(), Arc::clone(&text));
        let id = workspace.id_for(path);
        let load = self.loads;
        let key = path.to_path_buf();
        let path = path.to_path_buf();
        let tx = self.parsed_tx.clone();
        let spawned = std::thread::Builder::new()
            .name("lsp-parse".into())
            .stack_size(super::WORKER_STACK)
            .spawn(move || {
                let result = crate::frontend::parse_text(&path, id, &text);
                let _ = tx.send(Parsed {
                    path,
                    load,
                    id,
                    text,
                    result,
                });
            });
        if spawned.is_err() {
            // No thread: parsed with the next batch instead.
            self.parsing.remove(&key);
            if let Some(doc) = self.docs.get_mut(&key) {
                doc.accepted = Some(Arc::clone(&doc.text));
            }
            self.pending.insert(key);
        }
    }

    /// A large buffer parsed: handed to the workspace when it is still the buffer's text, else
    /// dropped (a newer text, if large, is parsed next).
    fn parsed(&mut self, parsed: Parsed) {
        self.parsing.remove(&parsed.path);
        let Some(doc) = self.docs.get_mut(&parsed.path) else {
            return;
        };
        if !Arc::ptr_eq(&doc.text, &parsed.text) {
            if doc
                .accepted
                .as_ref()
                .is_none_or(|a| !Arc::ptr_eq(a, &doc.text))
            {
                let path = parsed.path;
                self.start_parse(&path);
            }
            return;
        }
        doc.accepted = Some(Arc::clone(&doc.text));
        if let Some(workspace) = self
            .workspace
            .as_mut()
            .filter(|_| parsed.load == self.loads)
        {
            workspace.parsed_buffer(&parsed.path, parsed.id, parsed.text, parsed.result);
        }
        self.pending.insert(parsed.path);
    }

    /// Applies the changes taken, checks, and publishes when the check completes.
    fn batch(&mut self) {
        let generation = self.shared.generation.load(Ordering::SeqCst);
        let started = Instant::now();
        let mut times = Vec::new();
        if self.reload {
            self.reload = false;
            self.pending.clear();
            if self.folders.is_empty() {
                // Nothing to check until a folder or a file is opened.
                self.workspace = None;
                return;
            }
            let canonical: Vec<PathBuf> = self
                .folders
                .iter()
                .map(|f| convert::canonical_path(f))
                .collect();
            let docs = Docs(&self.docs);
            let settings = Settings {
                config: self.settings.config.as_deref().map(convert::canonical_path),
                ..self.settings.clone()
            };
            // A mistake in the configuration keeps the last one without.
            let fallback = self.last_good.take();
            let workspace = self
                .pool
                .install(|| Workspace::load_with(&canonical, &settings, &docs, fallback.as_ref()));
            self.last_good = workspace.good_config().cloned().or(fallback);
            self.workspace = Some(workspace);
            self.loads += 1;
            // Files published before that this load does not know are cleared.
            let known: HashSet<PathBuf> = self
                .workspace
                .iter()
                .flat_map(|w| w.sources().files().map(|(_, f)| f.path.clone()))
                .collect();
            let gone: Vec<PathBuf> = self
                .published
                .iter()
                .filter(|p| !known.contains(*p))
                .cloned()
                .collect();
            for path in gone {
                self.clear(&path);
            }
            times.push(("load", started.elapsed()));
        }
        let Some(workspace) = self.workspace.as_mut() else {
            return;
        };
        if !self.pending.is_empty() {
            let paths: Vec<PathBuf> = std::mem::take(&mut self.pending).into_iter().collect();
            let docs = Docs(&self.docs);
            self.pool.install(|| workspace.update(&paths, &docs));
            times.push(("update", started.elapsed()));
        }
        let roots = workspace.dirty();
        let shared = &self.shared;
        let cancelled = || {
            shared.generation.load(Ordering::SeqCst) != generation
                || shared.quit.load(Ordering::SeqCst)
        };
        let complete = self.pool.install(|| workspace.check(&cancelled));
        times.push(("check", started.elapsed()));
        if complete {
            let changed = workspace.take_changed();
            self.publish(&changed);
            times.push(("publish", started.elapsed()));
        }
        if self.log {
            let steps: Vec<String> = times
                .iter()
                .map(|(step, at)| format!("{step} {:.1} ms", at.as_secs_f64() * 1000.0))
                .collect();
            let state = if complete { "" } else { " (superseded)" };
            eprintln!(
                "tf-elbcheck lsp: {roots} roots{state}: {}",
                steps.join(", ")
            );
        }
    }

    /// Publishes an empty list for a file the workspace no longer has.
    fn clear(&mut self, path: &Path) {
        let Some(uri) = self.uri(path) else {
            return;
        };
        self.published.remove(path);
        self.shared
            .reports
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .remove(path);
        self.send(&uri, Vec::new(), None);
    }

    fn uri(&self, path: &Path) -> Option<Url> {
        match self.docs.get(path) {
            Some(doc) => Some(doc.uri.clone()),
            None => self.uris.uri(path),
        }
    }

    fn send(&self, uri: &Url, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri: uri.clone(),
            diagnostics,
            version,
        };
        let note = Notification::new("textDocument/publishDiagnostics".to_string(), params);
        let _ = self.out.send(Message::Notification(note));
    }

    /// The diagnostics of file `id`, with its path, URI and buffer version; `None` for a
    /// file without a URI.
    fn file_report(
        &self,
        workspace: &Workspace,
        id: FileId,
    ) -> Option<(PathBuf, Url, Option<i32>, Vec<Item>)> {
        let sources = workspace.sources();
        let path = sources.get(id).path.clone();
        let uri = self.uri(&path)?;
        let version = self.docs.get(&path).map(|d| d.version);
        let (found, text): (Vec<Finding>, &str) = match workspace.report(id) {
            Report::Findings(found) => (found, &sources.get(id).text),
            Report::Broken(broken) => (vec![broken.finding.clone()], &broken.text),
        };
        if found.is_empty() {
            return Some((path, uri, version, Vec::new()));
        }
        let index = LineIndex::new(text);
        let mut indexes: HashMap<FileId, LineIndex> = HashMap::new();
        let mut locate = |span: crate::source::Span| -> Option<Location> {
            let file = sources.get(span.file);
            let uri = self.uri(&file.path)?;
            let index = indexes
                .entry(span.file)
                .or_insert_with(|| LineIndex::new(&file.text));
            Some(Location::new(uri, convert::range(&file.text, index, span)))
        };
        let items: Vec<Item> = found
            .iter()
            .map(|f| Item {
                diagnostic: convert::diagnostic(f, text, &index, &mut locate),
                code: f.code(),
                severity: f.severity,
                message: f.message.clone(),
                help: f.help.clone(),
                fix: actions::quick_fix(f, sources).and_then(|q| Some((self.uri(&q.path)?, q))),
            })
            .collect();
        Some((path, uri, version, items))
    }

    /// Publishes the diagnostics of these files.
    fn publish(&mut self, files: &[FileId]) {
        let Some(workspace) = self.workspace.as_ref() else {
            return;
        };
        // The reports are worked out on the pool, a file per task (most have no finding).
        let this = &*self;
        let reports: Vec<(PathBuf, Url, Option<i32>, Vec<Item>)> = self.pool.install(|| {
            use rayon::prelude::*;
            files
                .par_iter()
                .with_min_len(64)
                .filter_map(|&id| this.file_report(workspace, id))
                .collect()
        });
        for (path, uri, version, items) in reports {
            let diagnostics: Vec<Diagnostic> = items.iter().map(|i| i.diagnostic.clone()).collect();
            if diagnostics.is_empty() {
                self.published.remove(&path);
            } else {
                self.published.insert(path.clone());
            }
            // The hover and the code actions read the report: it is in place before the client
            // hears of the diagnostics and asks.
            let report = Arc::new(FileReport {
                uri: uri.clone(),
                version,
                items,
            });
            self.shared
                .reports
                .write()
                .unwrap_or_else(|e| e.into_inner())
                .insert(path, report);
            self.send(&uri, diagnostics, version);
        }
    }
}

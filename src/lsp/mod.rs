//! `tf-elbcheck lsp`: a language server over stdio. It publishes the findings of every file of
//! the workspace folders as diagnostics, re-checks as buffers change (before they are saved),
//! offers the suggested fixes and suppression comments as code actions, and shows a finding's
//! rule on hover.
//!
//! The parts:
//!
//! - [`transport`]: the framing on stdin and stdout, answering malformed messages;
//! - this module: the main loop, which answers requests and keeps the open buffers, applying
//!   full and incremental changes ([`text`]); it never checks anything itself;
//! - [`worker`]: the thread that owns the [`workspace`] (every file, module and root, and the
//!   findings of each root), debounces changes, re-checks the roots they touch and publishes
//!   diagnostics ([`convert`]);
//! - [`actions`] and [`hover`]: the edits of the code actions and the hover text, computed from
//!   the diagnostics last published.
//!
//! The protocol's lifecycle is kept: a request before `initialize` is answered with
//! `ServerNotInitialized`, a request after `shutdown` with `InvalidRequest`, an unknown
//! request with `MethodNotFound`; `exit` ends the server with status 0 after `shutdown` and 1
//! otherwise, and so does the client closing stdin.

pub mod actions;
pub mod convert;
pub mod hover;
pub mod text;
pub mod transport;
pub mod worker;
pub mod workspace;

use crossbeam_channel::Sender;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams,
    CodeActionProviderCapability, DidChangeTextDocumentParams, DidChangeWatchedFilesParams,
    DidChangeWorkspaceFoldersParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams, Hover, HoverContents, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, MarkupContent, MarkupKind, OneOf, PositionEncodingKind,
    Range, ServerCapabilities, ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Url, WorkspaceEdit,
    WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use worker::{FileReport, Item, Job, Shared, Worker};
use workspace::Settings;

/// How long a burst of changes is let settle before checking, unless the client says
/// otherwise (`initializationOptions.debounceMs`).
pub const DEBOUNCE: Duration = Duration::from_millis(20);

/// Stack of the worker thread, which parses buffers (parsing recurses on deep expressions).
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// Serves the protocol on stdin and stdout until `exit` or the end of stdin; returns the exit
/// status.
pub fn serve_stdio() -> u8 {
    let stdio = transport::Stdio::start();
    let status = serve(&stdio.connection);
    stdio.finish();
    status
}

/// The main loop's state.
struct Server<'a> {
    connection: &'a Connection,
    /// The open buffers' texts.
    docs: HashMap<PathBuf, Arc<str>>,
    shared: Arc<Shared>,
    jobs: Option<Sender<Job>>,
    folders: Vec<PathBuf>,
    settings: Settings,
    /// Whether the client can be asked to watch files for us.
    watch: bool,
    next_id: i32,
    shutdown: bool,
}

/// Serves the protocol on a connection until `exit` or until the client hangs up; returns the
/// exit status (0 after `shutdown` then `exit`, else 1).
pub fn serve(connection: &Connection) -> u8 {
    let Some(params) = wait_for_initialize(connection) else {
        return 1;
    };
    let options = params.initialization_options.clone().unwrap_or_default();
    let debounce = options
        .get("debounceMs")
        .and_then(serde_json::Value::as_u64)
        .map_or(DEBOUNCE, Duration::from_millis);
    let jobs_count = options
        .get("jobs")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0) as usize;
    let settings = Settings {
        config: options
            .get("config")
            .and_then(serde_json::Value::as_str)
            .map(PathBuf::from),
        env_vars: env_vars(),
    };
    let shared = Arc::new(Shared::default());
    let (jobs, jobs_rx) = crossbeam_channel::unbounded();
    let worker = Worker::new(
        jobs_rx,
        connection.sender.clone(),
        Arc::clone(&shared),
        debounce,
        jobs_count,
    );
    let spawned = std::thread::Builder::new()
        .name("lsp-worker".into())
        .stack_size(WORKER_STACK)
        .spawn(move || worker.run());
    if spawned.is_err() {
        eprintln!("tf-elbcheck lsp: cannot start the worker thread");
        return 1;
    }
    let watch = params
        .capabilities
        .workspace
        .as_ref()
        .and_then(|w| w.did_change_watched_files.as_ref())
        .and_then(|w| w.dynamic_registration)
        .unwrap_or(false);
    let mut server = Server {
        connection,
        docs: HashMap::new(),
        shared,
        jobs: Some(jobs),
        folders: folders_of(&params),
        settings,
        watch,
        next_id: 0,
        shutdown: false,
    };
    server.main_loop()
}

/// Answers every request with `ServerNotInitialized` until `initialize`, answers that, and
/// returns its parameters; `None` when the client exits or hangs up first.
fn wait_for_initialize(connection: &Connection) -> Option<InitializeParams> {
    for message in &connection.receiver {
        match message {
            Message::Request(req) if req.method == "initialize" => {
                match serde_json::from_value::<InitializeParams>(req.params) {
                    Ok(params) => {
                        let result = InitializeResult {
                            capabilities: capabilities(),
                            server_info: Some(ServerInfo {
                                name: "tf-elbcheck".to_string(),
                                version: Some(env!("CARGO_PKG_VERSION").to_string()),
                            }),
                        };
                        respond(connection, Response::new_ok(req.id, result));
                        return Some(params);
                    }
                    Err(e) => respond(
                        connection,
                        Response::new_err(
                            req.id,
                            ErrorCode::InvalidParams as i32,
                            format!("invalid initialize parameters: {e}"),
                        ),
                    ),
                }
            }
            Message::Request(req) => respond(
                connection,
                Response::new_err(
                    req.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("`{}` before `initialize`", req.method),
                ),
            ),
            Message::Notification(n) if n.method == "exit" => return None,
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    None
}

fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(PositionEncodingKind::UTF16),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                ..TextDocumentSyncOptions::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..ServerCapabilities::default()
    }
}

/// The folders to check: the workspace folders, else the root URI, else the root path.
#[allow(deprecated)]
fn folders_of(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders
            .iter()
            .filter_map(|f| f.uri.to_file_path().ok())
            .collect();
    }
    if let Some(uri) = &params.root_uri {
        return uri.to_file_path().ok().into_iter().collect();
    }
    params
        .root_path
        .as_ref()
        .map(PathBuf::from)
        .into_iter()
        .collect()
}

/// `TF_VAR_*` values from the environment, sorted.
fn env_vars() -> Vec<(String, String)> {
    let mut vars: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let name = k.to_str()?.strip_prefix("TF_VAR_")?.to_string();
            Some((name, v.into_string().ok()?))
        })
        .filter(|(name, _)| !name.is_empty())
        .collect();
    vars.sort();
    vars
}

fn respond(connection: &Connection, response: Response) {
    let _ = connection.sender.send(Message::Response(response));
}

impl Server<'_> {
    fn main_loop(&mut self) -> u8 {
        while let Ok(message) = self.connection.receiver.recv() {
            match message {
                Message::Request(req) => self.request(req),
                Message::Notification(n) if n.method == "exit" => {
                    self.stop();
                    return if self.shutdown { 0 } else { 1 };
                }
                Message::Notification(n) => {
                    if !self.shutdown {
                        self.notification(n);
                    }
                }
                Message::Response(_) => {}
            }
        }
        self.stop();
        1
    }

    /// Stops the worker: it finishes the root it is checking and starts no other.
    fn stop(&mut self) {
        self.shared.quit.store(true, Ordering::SeqCst);
        self.jobs = None;
    }

    fn job(&self, job: Job) {
        self.shared.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(jobs) = &self.jobs {
            let _ = jobs.send(job);
        }
    }

    fn request(&mut self, req: Request) {
        if self.shutdown {
            let message = format!("`{}` after `shutdown`", req.method);
            return respond(
                self.connection,
                Response::new_err(req.id, ErrorCode::InvalidRequest as i32, message),
            );
        }
        match req.method.as_str() {
            "initialize" => respond(
                self.connection,
                Response::new_err(
                    req.id,
                    ErrorCode::InvalidRequest as i32,
                    "`initialize` was already received".to_string(),
                ),
            ),
            "shutdown" => {
                self.shutdown = true;
                self.stop();
                respond(self.connection, Response::new_ok(req.id, ()));
            }
            "textDocument/hover" => {
                if let Some(params) = params::<HoverParams>(self.connection, &req) {
                    let found = self.hover(&params);
                    let at = &params.text_document_position_params;
                    // The worker adds what the analysis proves on the line, and answers.
                    let job = convert::uri_path(&at.text_document.uri).map(|path| Job::Hover {
                        id: req.id.clone(),
                        path,
                        line: at.position.line,
                        found: found.clone(),
                    });
                    let sent = match (&self.jobs, job) {
                        (Some(jobs), Some(job)) => jobs.send(job).is_ok(),
                        _ => false,
                    };
                    if !sent {
                        respond(self.connection, Response::new_ok(req.id, found));
                    }
                }
            }
            "textDocument/codeAction" => {
                if let Some(params) = params::<CodeActionParams>(self.connection, &req) {
                    self.code_action(req.id, params);
                }
            }
            _ => respond(
                self.connection,
                Response::new_err(
                    req.id,
                    ErrorCode::MethodNotFound as i32,
                    format!("unknown method `{}`", req.method),
                ),
            ),
        }
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "initialized" => {
                self.register_watchers();
                self.job(Job::Load {
                    folders: self.folders.clone(),
                    settings: self.settings.clone(),
                });
            }
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<DidOpenTextDocumentParams>(n.params) {
                    let doc = p.text_document;
                    self.set_buffer(doc.uri, doc.version, Arc::from(doc.text));
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<DidChangeTextDocumentParams>(n.params) {
                    let Some(path) = convert::uri_path(&p.text_document.uri) else {
                        return;
                    };
                    let Some(doc) = self.docs.get(&path) else {
                        return;
                    };
                    let text: Arc<str> = Arc::from(text::apply_changes(doc, &p.content_changes));
                    self.set_buffer(p.text_document.uri, p.text_document.version, text);
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<DidCloseTextDocumentParams>(n.params) {
                    if let Some(path) = convert::uri_path(&p.text_document.uri) {
                        if self.docs.remove(&path).is_some() {
                            self.job(Job::Close { path });
                        }
                    }
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<DidSaveTextDocumentParams>(n.params) {
                    if let Some(path) = convert::uri_path(&p.text_document.uri) {
                        self.disk_changed(vec![path]);
                    }
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = serde_json::from_value::<DidChangeWatchedFilesParams>(n.params) {
                    let paths = p
                        .changes
                        .iter()
                        .filter_map(|c| convert::uri_path(&c.uri))
                        .collect();
                    self.disk_changed(paths);
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                if let Ok(p) = serde_json::from_value::<DidChangeWorkspaceFoldersParams>(n.params) {
                    let removed: Vec<PathBuf> = p
                        .event
                        .removed
                        .iter()
                        .filter_map(|f| f.uri.to_file_path().ok())
                        .collect();
                    self.folders.retain(|f| !removed.contains(f));
                    for added in &p.event.added {
                        if let Ok(path) = added.uri.to_file_path() {
                            if !self.folders.contains(&path) {
                                self.folders.push(path);
                            }
                        }
                    }
                    self.job(Job::Load {
                        folders: self.folders.clone(),
                        settings: self.settings.clone(),
                    });
                }
            }
            _ => {}
        }
    }

    /// Keeps a buffer and hands it to the worker.
    fn set_buffer(&mut self, uri: Url, version: i32, text: Arc<str>) {
        let Some(path) = convert::uri_path(&uri) else {
            return;
        };
        if self.settings.is_config(&path) {
            // Unsaved edits of the configuration apply too.
            self.docs.insert(path.clone(), Arc::clone(&text));
            return self.job(Job::Buffer {
                path,
                uri,
                version,
                text,
            });
        }
        if !workspace::is_terraform_file(&path) {
            return;
        }
        if self.folders.is_empty() {
            // No workspace folder (a single file opened): check the file's directory, named
            // as the client names it.
            let named = uri.to_file_path().ok();
            if let Some(dir) = named.as_deref().and_then(Path::parent) {
                self.folders.push(dir.to_path_buf());
                self.job(Job::Load {
                    folders: self.folders.clone(),
                    settings: self.settings.clone(),
                });
            }
        }
        self.docs.insert(path.clone(), Arc::clone(&text));
        self.job(Job::Buffer {
            path,
            uri,
            version,
            text,
        });
    }

    /// Files saved or changed on disk: the configuration reloads everything.
    fn disk_changed(&mut self, paths: Vec<PathBuf>) {
        if paths.iter().any(|p| self.settings.is_config(p)) {
            self.job(Job::Reload);
        }
        let paths: Vec<PathBuf> = paths
            .into_iter()
            .filter(|p| !self.settings.is_config(p) && !self.docs.contains_key(p))
            .collect();
        if !paths.is_empty() {
            self.job(Job::Disk { paths });
        }
    }

    /// Asks the client to tell us about Terraform files and configuration files changed on
    /// disk, when it can.
    fn register_watchers(&mut self) {
        if !self.watch {
            return;
        }
        self.next_id += 1;
        let params = serde_json::json!({
            "registrations": [{
                "id": "tf-elbcheck-files",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": [
                    { "globPattern": "**/*.{tf,tf.json,tfvars,tfvars.json}" },
                    { "globPattern": format!("**/{}", crate::config::FILE_NAME) },
                    // Deleted directories (their files are not reported one by one).
                    { "globPattern": "**/*", "kind": 4 },
                ] },
            }],
        });
        let req = Request::new(
            RequestId::from(format!("tf-elbcheck-{}", self.next_id)),
            "client/registerCapability".to_string(),
            params,
        );
        let _ = self.connection.sender.send(Message::Request(req));
    }

    /// The report last published for the file of `uri`.
    fn report(&self, uri: &Url) -> Option<(PathBuf, Arc<FileReport>)> {
        let path = convert::uri_path(uri)?;
        let reports = self
            .shared
            .reports
            .read()
            .unwrap_or_else(|e| e.into_inner());
        let report = reports.get(&path)?;
        Some((path, Arc::clone(report)))
    }

    /// The findings on the hovered line, and the labels there of findings anywhere (the
    /// listener's port, the health check, the instances of a finding on a security group).
    fn hover(&self, params: &HoverParams) -> Option<Hover> {
        let at = &params.text_document_position_params;
        let (_, report) = self.report(&at.text_document.uri)?;
        let line = at.position.line;
        let on_line = |r: &Range| r.start.line <= line && line <= r.end.line;
        let items: Vec<&Item> = report
            .items
            .iter()
            .filter(|i| on_line(&i.diagnostic.range))
            .collect();
        let shown: Vec<hover::Shown> = items
            .iter()
            .map(|i| hover::Shown {
                code: i.code,
                severity: i.severity.as_str(),
                message: &i.message,
                help: i.help.as_deref(),
            })
            .collect();
        let reports = self
            .shared
            .reports
            .read()
            .unwrap_or_else(|e| e.into_inner());
        let mut labels: Vec<hover::Label> = Vec::new();
        let mut label_range = None;
        for other in reports.values() {
            for item in &other.items {
                for related in item.diagnostic.related_information.iter().flatten() {
                    if related.location.uri == report.uri && on_line(&related.location.range) {
                        label_range.get_or_insert(related.location.range);
                        labels.push(hover::Label {
                            text: related.message.clone(),
                            code: item.code,
                            severity: item.severity.as_str(),
                            message: item.message.clone(),
                            at: format!(
                                "{}:{}",
                                other
                                    .uri
                                    .path_segments()
                                    .and_then(|mut s| s.next_back())
                                    .unwrap_or(""),
                                item.diagnostic.range.start.line + 1
                            ),
                        });
                    }
                }
            }
        }
        drop(reports);
        labels.sort_by(|a, b| (&a.at, &a.text).cmp(&(&b.at, &b.text)));
        labels.dedup_by(|a, b| a.at == b.at && a.text == b.text && a.code == b.code);
        let range = items.first().map(|i| i.diagnostic.range).or(label_range)?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: hover::markdown_with_labels(&shown, &labels),
            }),
            range: Some(range),
        })
    }

    /// Answers a code action request on a thread of its own: a fix may need a buffer parsed.
    fn code_action(&self, id: RequestId, params: CodeActionParams) {
        let wanted = params
            .context
            .only
            .as_ref()
            .is_none_or(|only| only.iter().any(|k| k.as_str().starts_with("quickfix")));
        let Some((path, report)) = self.report(&params.text_document.uri).filter(|_| wanted) else {
            return respond(
                self.connection,
                Response::new_ok(id, Vec::<CodeActionOrCommand>::new()),
            );
        };
        // The open buffers: a fix may go into another file than the finding's.
        let buffers: HashMap<PathBuf, Arc<str>> = self
            .docs
            .iter()
            .map(|(p, d)| (p.clone(), Arc::clone(d)))
            .collect();
        let sender = self.connection.sender.clone();
        let uri = params.text_document.uri.clone();
        std::thread::spawn(move || {
            let actions = code_actions(&path, &uri, &report, &params, &buffers);
            let _ = sender.send(Message::Response(Response::new_ok(id, actions)));
        });
    }
}

/// The parameters of a request, or `None` after answering `InvalidParams`.
fn params<P: serde::de::DeserializeOwned>(connection: &Connection, req: &Request) -> Option<P> {
    match serde_json::from_value::<P>(req.params.clone()) {
        Ok(p) => Some(p),
        Err(e) => {
            respond(
                connection,
                Response::new_err(
                    req.id.clone(),
                    ErrorCode::InvalidParams as i32,
                    format!("invalid parameters for `{}`: {e}", req.method),
                ),
            );
            None
        }
    }
}

/// True when two ranges share a line.
fn lines_meet(a: &Range, b: &Range) -> bool {
    a.start.line <= b.end.line && b.start.line <= a.end.line
}

/// The code actions for the diagnostics of `report` that the request's range or context
/// names: the suggested fix (the edit `--fix` would make, [`actions::fix_edit`]), then a
/// suppression comment.
fn code_actions(
    path: &Path,
    uri: &Url,
    report: &FileReport,
    params: &CodeActionParams,
    buffers: &HashMap<PathBuf, Arc<str>>,
) -> Vec<CodeActionOrCommand> {
    let text_of = |p: &Path| -> Option<Arc<str>> {
        if let Some(text) = buffers.get(p) {
            return Some(Arc::clone(text));
        }
        let bytes = crate::frontend::read_bounded(p, 16 * 1024 * 1024).ok()?;
        let text = String::from_utf8(bytes).ok()?;
        // Editors leave a byte order mark out of the text, and so do positions.
        Some(Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text)))
    };
    let Some(text) = text_of(path) else {
        return Vec::new();
    };
    let index = text::LineIndex::new(&text);
    // The diagnostics of ours that the client names, else those on the lines of the range.
    let ours: Vec<&lsp_types::Diagnostic> = params
        .context
        .diagnostics
        .iter()
        .filter(|d| d.source.as_deref() == Some(convert::SOURCE))
        .collect();
    let named = |item: &Item| {
        if ours.is_empty() {
            lines_meet(&params.range, &item.diagnostic.range)
        } else {
            ours.iter()
                .any(|d| d.range == item.diagnostic.range && d.code == item.diagnostic.code)
        }
    };
    let mut out = Vec::new();
    for item in report.items.iter().filter(|i| named(i)) {
        let Some((target_uri, quick)) = &item.fix else {
            continue;
        };
        let target = if quick.path == path {
            Some(Arc::clone(&text))
        } else {
            text_of(&quick.path)
        };
        let Some(target) = target else {
            continue;
        };
        if let Some(edit) = actions::fix_edit(&target, quick) {
            let index = text::LineIndex::new(&target);
            let range = Range::new(
                index.position(&target, edit.range.start),
                index.position(&target, edit.range.end),
            );
            let mut changes = HashMap::new();
            changes.insert(target_uri.clone(), vec![TextEdit::new(range, edit.text)]);
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Apply the suggested fix for {}", item.code),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![item.diagnostic.clone()]),
                edit: Some(WorkspaceEdit::new(changes)),
                is_preferred: Some(true),
                ..CodeAction::default()
            }));
        }
    }
    // Suppression comments are read in HCL files only (JSON has no comments).
    let hcl = !path.to_string_lossy().ends_with(".json");
    for item in report.items.iter().filter(|i| hcl && named(i)) {
        if item.code.starts_with("TF") || item.code == "ELB030" {
            continue;
        }
        let line_start = index.line_start(item.diagnostic.range.start.line as usize);
        let insert = actions::suppression(&text, line_start, item.code);
        let at = index.position(&text, insert.offset);
        let mut changes = HashMap::new();
        changes.insert(
            uri.clone(),
            vec![TextEdit::new(Range::new(at, at), insert.text)],
        );
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Suppress {} on this line (give the reason)", item.code),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![item.diagnostic.clone()]),
            edit: Some(WorkspaceEdit::new(changes)),
            ..CodeAction::default()
        }));
    }
    out
}

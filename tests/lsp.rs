//! The language server in process: the workspace it keeps reports what the command line
//! reports, on every fixture and after edits; and the protocol over an in-memory connection
//! (`tests/lsp-e2e/` drives the real binary over stdio with a real client).

#[path = "support/fixtures.rs"]
mod fixtures;
#[path = "support/monorepo.rs"]
mod monorepo;

use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tf_elbcheck::diagnostic::Finding;
use tf_elbcheck::lsp::workspace::{Buffers, NoBuffers, Settings, Workspace};
use tf_elbcheck::run::{check, Options};
use tf_elbcheck::source::SourceTable;

/// A finding as text: file, position, code, severity, message, labels.
fn key(sources: &SourceTable, f: &Finding) -> String {
    let (start, end) = sources.range(f.span);
    let labels: Vec<String> = f
        .labels
        .iter()
        .map(|l| {
            let (s, _) = sources.range(l.span);
            format!(
                "{}:{}:{} {}",
                sources.get(l.span.file).path.display(),
                s.line,
                s.column,
                l.message
            )
        })
        .collect();
    format!(
        "{}:{}:{}-{}:{} {} {} {} | {}",
        sources.get(f.span.file).path.display(),
        start.line,
        start.column,
        end.line,
        end.column,
        f.code(),
        f.severity.as_str(),
        f.message,
        labels.join("; ")
    )
}

fn cli_findings(dir: &Path) -> BTreeSet<String> {
    let outcome = check(&Options {
        paths: vec![dir.to_path_buf()],
        ..Options::default()
    });
    outcome
        .findings
        .iter()
        .map(|f| key(&outcome.sources, f))
        .collect()
}

fn workspace_findings(ws: &Workspace) -> BTreeSet<String> {
    ws.all_findings()
        .iter()
        .map(|f| key(ws.sources(), f))
        .collect()
}

fn load(dir: &Path, buffers: &dyn Buffers) -> Workspace {
    let dir = std::fs::canonicalize(dir).unwrap();
    let mut ws = Workspace::load(&[dir], &Settings::default(), buffers);
    assert!(ws.check(&|| false));
    ws
}

#[test]
fn the_workspace_reports_what_the_command_line_reports_on_every_fixture() {
    let mut dirs: Vec<PathBuf> = fixtures::fixtures().into_iter().map(|f| f.dir).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    dirs.push(root.join("testdata/examples/web"));
    dirs.push(root.join("testdata/rules/ELB004"));
    dirs.push(root.join("testdata/formats/scenario"));
    let mut compared = 0;
    for dir in dirs {
        let ws = load(&dir, &NoBuffers);
        assert_eq!(
            workspace_findings(&ws),
            cli_findings(&dir),
            "{}",
            dir.display()
        );
        compared += 1;
    }
    assert!(compared > 100);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else if p.extension().is_none_or(|x| x != "snap") {
            // Line ends as in the repository, whatever the checkout made of them: the tests
            // edit the text.
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(&dest, text.replace("\r\n", "\n")).unwrap();
        }
    }
}

/// Open buffers for the workspace tests.
#[derive(Default)]
struct Open(std::collections::HashMap<PathBuf, Arc<str>>);

impl Buffers for Open {
    fn text(&self, path: &Path) -> Option<Arc<str>> {
        self.0.get(path).cloned()
    }
    fn paths(&self) -> Vec<PathBuf> {
        self.0.keys().cloned().collect()
    }
}

/// A workspace of two stacks calling one module, and one stack on its own.
fn three_roots() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    copy_dir(
        &rules.join("ELB004/fail_no_ingress"),
        &tmp.path().join("alone"),
    );
    copy_dir(
        &rules.join("ELB004/fail_local_module"),
        &tmp.path().join("with_module"),
    );
    tmp
}

#[test]
fn an_edit_re_checks_the_roots_that_use_the_file_and_agrees_with_the_command_line() {
    let tmp = three_roots();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let mut ws = load(&dir, &NoBuffers);
    assert_eq!(workspace_findings(&ws), cli_findings(&dir));
    let everything = ws.take_changed().len();
    assert!(everything > 2);

    // An unsaved edit that fixes the lone stack: only its root is checked again.
    let main = dir.join("alone/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let fixed = text.replace(
        "  vpc_id = aws_vpc.main.id\n\n}",
        "  vpc_id = aws_vpc.main.id\n\n  ingress {\n    from_port       = 8080\n    to_port         = 8080\n    protocol        = \"tcp\"\n    security_groups = [aws_security_group.lb.id]\n  }\n}",
    );
    assert_ne!(fixed, text);
    let mut open = Open::default();
    open.0.insert(main.clone(), Arc::from(fixed.as_str()));
    ws.update(std::slice::from_ref(&main), &open);
    assert_eq!(ws.dirty(), 1);
    assert!(ws.check(&|| false));
    let changed = ws.take_changed();
    assert_eq!(changed, vec![ws.file_id(&main).unwrap()]);
    // The same as the command line on the saved file.
    std::fs::write(&main, &fixed).unwrap();
    assert_eq!(workspace_findings(&ws), cli_findings(&dir));
    assert!(!workspace_findings(&ws)
        .iter()
        .any(|f| f.contains("alone/main.tf") && f.contains("ELB004")));
}

#[test]
fn a_buffer_that_does_not_parse_keeps_the_last_good_syntax_for_the_others() {
    let tmp = three_roots();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let mut ws = load(&dir, &NoBuffers);
    let before = workspace_findings(&ws);
    let main = dir.join("alone/main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let mut open = Open::default();
    open.0.insert(
        main.clone(),
        Arc::from(
            format!("{text}\nresource \"aws_security_group\" \"x\" {{\n  ingress {{\n").as_str(),
        ),
    );
    ws.update(std::slice::from_ref(&main), &open);
    assert!(ws.check(&|| false));
    let id = ws.file_id(&main).unwrap();
    match ws.report(id) {
        tf_elbcheck::lsp::workspace::Report::Broken(b) => {
            assert_eq!(b.finding.code(), "TF001");
            assert!(b.finding.message.starts_with("syntax error"));
        }
        _ => panic!("the half-typed buffer is not reported as broken"),
    }
    // Every other file keeps its findings.
    let others = |set: &BTreeSet<String>| -> BTreeSet<String> {
        set.iter()
            .filter(|f| !f.starts_with(&main.display().to_string()))
            .cloned()
            .collect()
    };
    assert_eq!(others(&workspace_findings(&ws)), others(&before));
    // Closing the buffer goes back to the file on disk.
    ws.update(std::slice::from_ref(&main), &NoBuffers);
    assert!(ws.check(&|| false));
    assert_eq!(workspace_findings(&ws), before);
}

#[test]
fn module_edits_re_check_their_callers_and_new_files_and_directories_count() {
    let tmp = three_roots();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let mut ws = load(&dir, &NoBuffers);
    let roots_before = ws.roots().len();
    // A module file of `with_module` (whatever it is named) changes on disk.
    let module_dir = ws
        .dirs()
        .find(|d| d.starts_with(dir.join("with_module")) && !ws.roots().iter().any(|r| r == d))
        .expect("the fixture calls a module")
        .to_path_buf();
    let module_file = std::fs::read_dir(&module_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "tf"))
        .unwrap();
    let text = std::fs::read_to_string(&module_file).unwrap();
    std::fs::write(&module_file, format!("{text}\n# a comment\n")).unwrap();
    ws.update(std::slice::from_ref(&module_file), &NoBuffers);
    assert_eq!(ws.dirty(), 1, "only the caller is checked again");
    assert!(ws.check(&|| false));
    assert_eq!(workspace_findings(&ws), cli_findings(&dir));

    // A new stack in a new directory, open in the editor only.
    let new_file = dir.join("new/main.tf");
    std::fs::create_dir_all(dir.join("new")).unwrap();
    let mut open = Open::default();
    open.0.insert(
        new_file.clone(),
        Arc::from(
            std::fs::read_to_string(dir.join("alone/main.tf"))
                .unwrap()
                .as_str(),
        ),
    );
    ws.update(std::slice::from_ref(&new_file), &open);
    assert_eq!(ws.roots().len(), roots_before + 1);
    assert!(ws.check(&|| false));
    std::fs::write(&new_file, open.0[&new_file].as_bytes()).unwrap();
    assert_eq!(workspace_findings(&ws), cli_findings(&dir));

    // The stack deleted: its findings go and its file is reported (empty).
    std::fs::remove_dir_all(dir.join("new")).unwrap();
    ws.update(std::slice::from_ref(&new_file), &NoBuffers);
    assert_eq!(ws.roots().len(), roots_before);
    assert!(ws.check(&|| false));
    assert!(ws.file_id(&new_file).is_none());
    assert_eq!(workspace_findings(&ws), cli_findings(&dir));
}

#[test]
fn a_cancelled_check_leaves_its_roots_to_the_next() {
    let tmp = three_roots();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let mut ws = Workspace::load(std::slice::from_ref(&dir), &Settings::default(), &NoBuffers);
    // Every root was checked as soon as it was parsed, and its syntax let go.
    assert_eq!(ws.dirty(), 0);
    // A root's own file, and the module of the other root: that root's directory, let go,
    // is read again for its check.
    ws.update(
        &[
            dir.join("alone/main.tf"),
            dir.join("with_module/modules/web/main.tf"),
        ],
        &NoBuffers,
    );
    let roots = ws.dirty();
    assert_eq!(roots, 2);
    assert!(!ws.check(&|| true));
    assert_eq!(ws.dirty(), roots);
    assert!(ws.check(&|| false));
    assert_eq!(workspace_findings(&ws), cli_findings(&dir));
}

// The protocol, over an in-memory connection.

struct Client {
    conn: Connection,
    server: std::thread::JoinHandle<u8>,
    next: i32,
}

impl Client {
    fn start() -> Client {
        let (server, conn) = Connection::memory();
        let server = std::thread::Builder::new()
            .stack_size(64 * 1024 * 1024)
            .spawn(move || tf_elbcheck::lsp::serve(&server))
            .unwrap();
        Client {
            conn,
            server,
            next: 0,
        }
    }

    fn request(&mut self, method: &str, params: Value) -> RequestId {
        self.next += 1;
        let id = RequestId::from(self.next);
        let req = Request::new(id.clone(), method.to_string(), params);
        self.conn.sender.send(Message::Request(req)).unwrap();
        id
    }

    fn notify(&self, method: &str, params: Value) {
        let n = Notification::new(method.to_string(), params);
        self.conn.sender.send(Message::Notification(n)).unwrap();
    }

    /// The response to `id`, dropping notifications on the way.
    fn response(&self, id: &RequestId) -> Response {
        loop {
            match self.recv() {
                Message::Response(r) if &r.id == id => return r,
                _ => {}
            }
        }
    }

    fn recv(&self) -> Message {
        self.conn
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("a message from the server")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&self, uri: &str) -> Vec<Value> {
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Message::Notification(n) = self.recv() {
                if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == uri {
                    return n.params["diagnostics"].as_array().unwrap().clone();
                }
            }
        }
        panic!("no diagnostics for {uri}");
    }

    fn initialize(&mut self, folder: &Path) {
        let id = self.request(
            "initialize",
            json!({
                "capabilities": {},
                "workspaceFolders": [{"uri": uri(folder), "name": "w"}],
                "initializationOptions": {"debounceMs": 5},
            }),
        );
        let r = self.response(&id);
        assert!(r.response_result.is_ok());
        self.notify("initialized", json!({}));
    }

    fn exit(mut self) -> u8 {
        let id = self.request("shutdown", Value::Null);
        assert!(self.response(&id).response_result.is_ok());
        self.notify("exit", Value::Null);
        self.server.join().unwrap()
    }
}

fn uri(path: &Path) -> String {
    lsp_types::Url::from_file_path(path).unwrap().to_string()
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_server_answers_before_initialize_and_after_shutdown() {
    let mut client = Client::start();
    let id = client.request("textDocument/hover", json!({}));
    assert_eq!(
        client.response(&id).response_result.unwrap_err().code,
        -32002
    );
    let tmp = tempfile::tempdir().unwrap();
    client.initialize(tmp.path());
    let id = client.request("tf-elbcheck/nothing", json!({}));
    assert_eq!(
        client.response(&id).response_result.unwrap_err().code,
        -32601
    );
    let id = client.request("textDocument/hover", json!({"bad": 1}));
    assert_eq!(
        client.response(&id).response_result.unwrap_err().code,
        -32602
    );
    let id = client.request("shutdown", Value::Null);
    assert!(client.response(&id).response_result.is_ok());
    let id = client.request("textDocument/hover", json!({}));
    assert_eq!(
        client.response(&id).response_result.unwrap_err().code,
        -32600
    );
    client.notify("exit", Value::Null);
    assert_eq!(client.server.join().unwrap(), 0);

    // Exit without shutdown, and a client that hangs up.
    let mut client = Client::start();
    client.initialize(tmp.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.server.join().unwrap(), 1);
    let client = Client::start();
    drop(client.conn);
    assert_eq!(client.server.join().unwrap(), 1);
}

#[test]
fn diagnostics_follow_incremental_edits_and_quick_fixes_remove_them() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    copy_dir(
        &rules.join("ELB004/fail_no_ingress"),
        &tmp.path().join("root"),
    );
    let main = tmp.path().join("root/main.tf");
    let main_uri = uri(&main);
    let mut client = Client::start();
    client.initialize(tmp.path());
    let first = client.diagnostics(&main_uri);
    assert_eq!(codes(&first), ["ELB004", "ELB023"]);
    let elb004 = &first[0];
    assert_eq!(
        elb004["range"]["start"],
        json!({"line": 37, "character": 0})
    );
    assert_eq!(elb004["relatedInformation"].as_array().unwrap().len(), 3);
    assert_eq!(elb004["source"], "tf-elbcheck");

    // Hover on the finding's line.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 37, "character": 3}}),
    );
    let hover = client.response(&id).response_result.unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.contains("ELB004") && text.contains("What it checks"));
    // Hover on a label: the listener's instance port is part of the finding.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 59, "character": 26}}),
    );
    let hover = client.response(&id).response_result.unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with(
            "the listener sends to instance port 8080: part of **error[ELB004]** at main.tf:38"
        ),
        "{text}"
    );
    assert_eq!(
        hover["range"]["start"],
        json!({"line": 59, "character": 24})
    );

    // Hover where nothing is wrong: what the analysis proves passes there. Clients reach the
    // listener port (the LB's group admits them), and the LB's egress rule lets it send to
    // the instances, though the instances' group then refuses them (the finding above).
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 57, "character": 26}}),
    );
    let hover = client.response(&id).response_result.unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.starts_with("**What passes here**")
            && text.contains(
                "clients reach TCP 80 of aws\\_elb.web: admitted by aws\\_security\\_group.lb"
            ),
        "{text}"
    );
    assert_eq!(hover["range"]["start"]["line"], json!(57));
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 28, "character": 4}}),
    );
    let hover = client.response(&id).response_result.unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("lets aws\\_elb.web send TCP 8080 to aws\\_instance.web"),
        "{text}"
    );
    // Anywhere inside the rule's block (its `security_groups` line), shown at its header.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 33, "character": 6}}),
    );
    let hover = client.response(&id).response_result.unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("lets aws\\_elb.web send TCP 8080 to aws\\_instance.web"),
        "{text}"
    );
    assert_eq!(hover["range"]["start"]["line"], json!(28));

    // Open, then an incremental edit that adds a half-typed block: TF001 on the file.
    let text = std::fs::read_to_string(&main).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main_uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB004", "ELB023"]);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main_uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 40, "character": 0}, "end": {"line": 40, "character": 0}},
                                   "text": "  ingress {\n"}]}),
    );
    let broken = client.diagnostics(&main_uri);
    assert_eq!(codes(&broken), ["TF001"]);
    // Finishing the block fixes the port: ELB004 is gone.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main_uri, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 41, "character": 0}, "end": {"line": 41, "character": 0}},
                                   "text": "    from_port       = 8080\n    to_port         = 8080\n    protocol        = \"tcp\"\n    security_groups = [aws_security_group.lb.id]\n  }\n"}]}),
    );
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB023"]);

    // Back to the text on disk, then the quick fix for ELB004.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main_uri, "version": 4}, "contentChanges": [{"text": text}]}),
    );
    let diagnostics = client.diagnostics(&main_uri);
    assert_eq!(codes(&diagnostics), ["ELB004", "ELB023"]);
    let id = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main_uri}, "range": diagnostics[0]["range"],
               "context": {"diagnostics": [diagnostics[0]]}}),
    );
    let actions = client.response(&id).response_result.unwrap();
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert_eq!(actions[0]["isPreferred"], true);
    let edits = actions[0]["edit"]["changes"][&main_uri].as_array().unwrap();
    let insert = edits[0]["newText"].as_str().unwrap();
    assert!(insert.contains("resource \"aws_security_group_rule\""));
    let end = edits[0]["range"]["start"]["line"].as_u64().unwrap();
    assert_eq!(end as usize, text.lines().count());
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main_uri, "version": 5},
               "contentChanges": [{"range": edits[0]["range"], "text": insert}]}),
    );
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB023"]);

    // The suppression action on ELB023.
    let diagnostics = {
        // Undo the fix to have both again, then suppress ELB004.
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": main_uri, "version": 6}, "contentChanges": [{"text": text}]}),
        );
        client.diagnostics(&main_uri)
    };
    let id = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": main_uri}, "range": diagnostics[0]["range"],
               "context": {"diagnostics": [diagnostics[0]]}}),
    );
    let actions = client.response(&id).response_result.unwrap();
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress ELB004"))
        .unwrap()
        .clone();
    let edit = &suppress["edit"]["changes"][&main_uri][0];
    assert_eq!(edit["newText"], "# tf-elbcheck:ignore ELB004 -- reason\n");
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": main_uri, "version": 7},
               "contentChanges": [{"range": edit["range"], "text": edit["newText"]}]}),
    );
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB023"]);

    // Closing the buffer goes back to the file on disk.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": main_uri}}),
    );
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB004", "ELB023"]);
    assert_eq!(client.exit(), 0);
}

/// Every quick fix, made where the code action makes it (`actions::fix_edit`, the edit of
/// `--fix`) on the text of the file it edits, removes its finding (`tests/fixes.rs` does the
/// same for the command line).
#[test]
fn every_quick_fix_removes_its_finding() {
    use tf_elbcheck::lsp::actions;
    let mut tried = 0;
    let mut inside = 0;
    let mut failures = Vec::new();
    for fixture in fixtures::fixtures()
        .into_iter()
        .filter(|f| f.name.starts_with("fail"))
    {
        let tmp = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(tmp.path()).unwrap();
        let outcome = check(&Options {
            paths: vec![fixture.dir.clone()],
            ..Options::default()
        });
        let case = std::fs::canonicalize(&fixture.dir).unwrap();
        for (n, f) in outcome.findings.iter().enumerate() {
            let Some(quick) = actions::quick_fix(f, &outcome.sources) else {
                continue;
            };
            let dir = base.join(n.to_string());
            copy_dir(&fixture.dir, &dir);
            let target = dir.join(quick.path.strip_prefix(&case).unwrap());
            let text = std::fs::read_to_string(&target).unwrap();
            let Some(edit) = actions::fix_edit(&text, &quick) else {
                failures.push(format!(
                    "{}: no edit for the fix of {}",
                    fixture.dir.display(),
                    f.code()
                ));
                continue;
            };
            inside += usize::from(quick.text.starts_with("# inside resource"));
            std::fs::write(&target, edit.apply(&text)).unwrap();
            tried += 1;
            let after = check(&Options {
                paths: vec![dir.clone()],
                ..Options::default()
            });
            if let Some(load) = after.findings.iter().find(|x| x.is_load_error()) {
                failures.push(format!(
                    "{}: the fix for {} does not load: {}",
                    fixture.dir.display(),
                    f.code(),
                    load.message
                ));
            } else if after
                .findings
                .iter()
                .any(|x| x.code() == f.code() && x.message == f.message)
            {
                failures.push(format!(
                    "{}: the fix for {} leaves it:\n{}",
                    fixture.dir.display(),
                    f.code(),
                    quick.text
                ));
            }
        }
    }
    assert!(
        tried >= 20 && inside >= 5,
        "{tried} fixes tried, {inside} inside a resource"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The byte offset of an LSP position (UTF-16 columns) in `text`.
fn offset_of(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units >= character || c == '\n' {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `text` with the LSP text edits `edits` made (all against `text`, as a workspace edit's are).
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let mut ranges: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset_of(text, &e["range"]["start"]),
                offset_of(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    ranges.sort_by_key(|r| std::cmp::Reverse(r.0));
    let mut out = text.to_string();
    for (start, end, new) in ranges {
        out.replace_range(start..end, new);
    }
    out
}

/// For every fix `--fix` applies in the rule fixtures, the server's quick fix turns the file
/// into the text `--fix` gives it (the plan of that fix alone; and, where `--fix` makes a
/// fixture's only fix, the file it writes).
#[test]
fn quick_fixes_give_the_text_fix_writes() {
    use tf_elbcheck::fix::{self, Placement};
    use tf_elbcheck::run::check_and_fix;
    let mut compared = 0;
    let mut written = 0;
    let mut failures = Vec::new();
    for fixture in fixtures::fixtures()
        .into_iter()
        .filter(|f| f.name.starts_with("fail"))
    {
        let tmp = tempfile::tempdir().unwrap();
        let dir = std::fs::canonicalize(tmp.path()).unwrap().join("case");
        copy_dir(&fixture.dir, &dir);
        let outcome = check(&Options {
            paths: vec![dir.clone()],
            ..Options::default()
        });
        let fixable: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| matches!(fix::placement(f), Placement::At(..)))
            .collect();
        if fixable.is_empty() {
            continue;
        }
        // What `--fix` writes, when it makes one fix in the fixture.
        let whole = if fixable.len() == 1 {
            let copy = tmp.path().join("cli");
            copy_dir(&fixture.dir, &copy);
            let fixed = check_and_fix(&Options {
                paths: vec![copy.clone()],
                ..Options::default()
            });
            assert!(fixed.refused.is_empty(), "{:?}", fixed.refused);
            Some(copy)
        } else {
            None
        };
        let files: BTreeSet<PathBuf> = fixable
            .iter()
            .map(|f| outcome.sources.get(f.span.file).path.clone())
            .collect();
        let mut client = Client::start();
        client.initialize(&dir);
        let mut published = std::collections::HashMap::new();
        while published.len() < files.len() {
            if let Message::Notification(n) = client.recv() {
                let path = lsp_types::Url::parse(n.params["uri"].as_str().unwrap())
                    .unwrap()
                    .to_file_path()
                    .unwrap();
                if n.method == "textDocument/publishDiagnostics" && files.contains(&path) {
                    published.insert(path, n.params["diagnostics"].as_array().unwrap().clone());
                }
            }
        }
        for f in fixable {
            let file = &outcome.sources.get(f.span.file).path;
            let Some(diagnostic) = published[file].iter().find(|d| {
                d["code"] == f.code() && d["message"].as_str().unwrap().starts_with(&f.message)
            }) else {
                failures.push(format!(
                    "{}: no diagnostic for {}",
                    fixture.dir.display(),
                    f.code()
                ));
                continue;
            };
            let id = client.request(
                "textDocument/codeAction",
                json!({"textDocument": {"uri": uri(file)}, "range": diagnostic["range"],
                       "context": {"diagnostics": [diagnostic]}}),
            );
            let actions = client.response(&id).response_result.unwrap();
            let action = actions.as_array().unwrap().iter().find(|a| {
                a["title"]
                    .as_str()
                    .unwrap()
                    .starts_with("Apply the suggested fix")
            });
            let plan = fix::plan(std::slice::from_ref(f), &outcome.sources);
            let (Some(action), [change]) = (action, plan.files.as_slice()) else {
                failures.push(format!(
                    "{}: {}: a quick fix {}, `--fix` changes {} file(s) ({:?})",
                    fixture.dir.display(),
                    f.code(),
                    if action.is_some() {
                        "offered"
                    } else {
                        "not offered"
                    },
                    plan.files.len(),
                    plan.refused
                ));
                continue;
            };
            let changes = action["edit"]["changes"].as_object().unwrap();
            assert_eq!(changes.len(), 1, "{action}");
            let target = &change.path;
            let edits = changes[&uri(target)].as_array().unwrap();
            let before = std::fs::read_to_string(target).unwrap();
            let before = before.strip_prefix('\u{feff}').unwrap_or(&before);
            let quick = apply_edits(before, edits);
            let expected = change
                .after
                .strip_prefix('\u{feff}')
                .unwrap_or(&change.after);
            if quick != expected {
                failures.push(format!(
                    "{}: {}: the quick fix gives\n{quick}\n`--fix` gives\n{expected}",
                    fixture.dir.display(),
                    f.code()
                ));
            }
            compared += 1;
            if let Some(copy) = &whole {
                let rel = target.strip_prefix(&dir).unwrap();
                let on_disk = std::fs::read_to_string(copy.join(rel)).unwrap();
                assert_eq!(
                    on_disk.strip_prefix('\u{feff}').unwrap_or(&on_disk),
                    quick,
                    "{}",
                    fixture.dir.display()
                );
                written += 1;
            }
        }
        assert_eq!(client.exit(), 0);
    }
    assert!(
        compared >= 20 && written >= 5,
        "{compared} quick fixes compared, {written} with the file `--fix` wrote"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The configuration file's buffer counts before it is saved (even when the file is not on
/// disk yet); a mistake in it is reported on it, where the TOML parser says, and the last
/// configuration without a mistake applies meanwhile; closing it goes back to the disk.
#[test]
fn unsaved_configuration_edits_apply_and_a_bad_one_keeps_the_last_good() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    copy_dir(&rules.join("ELB004/fail_no_ingress"), &dir.join("root"));
    let main_uri = uri(&dir.join("root/main.tf"));
    let config = dir.join(".tf-elbcheck.toml");
    let config_uri = uri(&config);
    let mut client = Client::start();
    client.initialize(&dir);
    let first = client.diagnostics(&main_uri);
    assert_eq!(codes(&first), ["ELB004", "ELB023"]);
    assert_eq!(first[0]["severity"], 1);

    // Opened, never saved: it applies.
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": config_uri, "languageId": "toml", "version": 1,
               "text": "disable = [\"ELB023\"]\n"}}),
    );
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB004"]);
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": config_uri, "version": 2},
               "contentChanges": [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                                   "text": "[severity]\nELB004 = \"warning\"\n"}]}),
    );
    let configured = client.diagnostics(&main_uri);
    assert_eq!(codes(&configured), ["ELB004"]);
    assert_eq!(configured[0]["severity"], 2);

    // A mistake, half typed: reported where it is; the last good configuration stays.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": config_uri, "version": 3},
               "contentChanges": [{"range": {"start": {"line": 2, "character": 9}, "end": {"line": 2, "character": 18}},
                                   "text": ""}]}),
    );
    let bad = client.diagnostics(&config_uri);
    assert_eq!(codes(&bad), ["TF010"], "{bad:?}");
    assert_eq!(bad[0]["range"]["start"]["line"], 2, "{bad:?}");
    let kept = client.diagnostics(&main_uri);
    assert_eq!(codes(&kept), ["ELB004"]);
    assert_eq!(kept[0]["severity"], 2);

    // Closed without saving: the disk (no configuration file) counts again.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": config_uri}}),
    );
    assert!(client.diagnostics(&config_uri).is_empty());
    let back = client.diagnostics(&main_uri);
    assert_eq!(codes(&back), ["ELB004", "ELB023"]);
    assert_eq!(back[0]["severity"], 1);
    assert_eq!(client.exit(), 0);
}

/// A buffer of a megabyte or more is parsed on a thread of its own: an edit of another root
/// sent after it is checked and published without waiting for that parse, and a newer text of
/// the large buffer replaces the one being parsed.
#[test]
fn a_large_buffer_is_parsed_aside_and_other_edits_do_not_wait_for_it() {
    let tmp = three_roots();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let other = dir.join("with_module/main.tf");
    let other_uri = uri(&other);
    let pasted_uri = uri(&dir.join("alone/pasted.tf"));
    let mut client = Client::start();
    client.initialize(&dir);
    let initial = client.diagnostics(&other_uri);
    let text = std::fs::read_to_string(&other).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": other_uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
    assert_eq!(client.diagnostics(&other_uri), initial);

    let block = |i: usize| {
        format!(
            "resource \"aws_security_group\" \"g{i}\" {{\n  description = \"{}\"\n}}\n",
            "x".repeat(60)
        )
    };
    let big: String = (0..110_000).map(block).collect();
    assert!(big.len() > tf_elbcheck::lsp::worker::LARGE_BUFFER * 3);
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": pasted_uri, "languageId": "terraform", "version": 1, "text": big}}),
    );
    // Edits of the other root, each sent once the last one's diagnostics arrived, are all
    // checked and published while the large buffer is parsed (checked with the large buffer,
    // the first would have come out with it, before the next was sent).
    let mut pasted = false;
    for version in 2..=4 {
        client.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": other_uri, "version": version},
                   "contentChanges": [{"text": format!("{text}{}", "\n".repeat(version))}]}),
        );
        loop {
            let Message::Notification(n) = client.recv() else {
                continue;
            };
            if n.method != "textDocument/publishDiagnostics" {
                continue;
            }
            pasted |= n.params["uri"] == pasted_uri;
            if n.params["uri"] == other_uri && n.params["version"] == version {
                break;
            }
        }
        assert!(!pasted, "edit {version} waited for the large buffer");
    }
    // The large buffer gets its diagnostics too.
    let deadline = Instant::now() + Duration::from_secs(120);
    while !pasted {
        assert!(
            Instant::now() < deadline,
            "no diagnostics for the large buffer"
        );
        if let Message::Notification(n) = client.recv() {
            pasted = n.method == "textDocument/publishDiagnostics"
                && n.params["uri"] == pasted_uri
                && n.params["version"] == 1;
        }
    }

    // A newer large text, then a small one before it is parsed: the small one counts, and
    // the large one's parse, when it ends, is dropped.
    let bigger = format!("{big}{}", block(110_000));
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": pasted_uri, "version": 2}, "contentChanges": [{"text": bigger}]}),
    );
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": pasted_uri, "version": 3},
               "contentChanges": [{"text": "resource \"aws_security_group\" \"g\" {\n}\n"}]}),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "no diagnostics for version 3");
        if let Message::Notification(n) = client.recv() {
            if n.method == "textDocument/publishDiagnostics" && n.params["uri"] == pasted_uri {
                assert_eq!(n.params["version"], 3, "{}", n.params);
                let found = codes(n.params["diagnostics"].as_array().unwrap());
                assert!(!found.iter().any(|c| c.starts_with("TF")), "{found:?}");
                break;
            }
        }
    }
    assert_eq!(client.exit(), 0);
}

#[test]
fn a_file_opened_without_folders_and_the_configuration_file_on_save() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    copy_dir(
        &rules.join("ELB004/fail_no_ingress"),
        &tmp.path().join("root"),
    );
    let main = tmp.path().join("root/main.tf");
    let main_uri = uri(&main);
    let mut client = Client::start();
    let id = client.request("initialize", json!({"capabilities": {}}));
    assert!(client.response(&id).response_result.is_ok());
    client.notify("initialized", json!({}));
    let text = std::fs::read_to_string(&main).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": main_uri, "languageId": "terraform", "version": 1, "text": text}}),
    );
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB004", "ELB023"]);

    // The configuration is read again when it is saved.
    let config = tmp.path().join("root/.tf-elbcheck.toml");
    std::fs::write(
        &config,
        "disable = [\"ELB023\"]\n[severity]\nELB004 = \"warning\"\n",
    )
    .unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": uri(&config)}}),
    );
    let configured = client.diagnostics(&main_uri);
    assert_eq!(codes(&configured), ["ELB004"]);
    assert_eq!(configured[0]["severity"], 2);
    // A mistake in it is reported on it, and the last good configuration applies meanwhile.
    std::fs::write(&config, "disabled = [\"ELB023\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 2}]}),
    );
    assert_eq!(codes(&client.diagnostics(&uri(&config))), ["TF010"]);
    std::fs::remove_file(&config).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&config), "type": 3}]}),
    );
    assert!(client.diagnostics(&uri(&config)).is_empty());
    assert_eq!(client.exit(), 0);
}

#[test]
fn a_deleted_directory_takes_its_diagnostics_with_it() {
    let tmp = three_roots();
    let mut client = Client::start();
    client.initialize(tmp.path());
    let alone = tmp.path().join("alone/main.tf");
    assert!(!client.diagnostics(&uri(&alone)).is_empty());
    std::fs::remove_dir_all(tmp.path().join("alone")).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&tmp.path().join("alone")), "type": 3}]}),
    );
    assert!(client.diagnostics(&uri(&alone)).is_empty());
    assert_eq!(client.exit(), 0);
}

#[test]
fn buffers_open_before_the_workspace_is_loaded_count_in_new_directories_too() {
    let tmp = three_roots();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    let text = std::fs::read_to_string(dir.join("alone/main.tf")).unwrap();
    let mut open = Open::default();
    let unsaved = dir.join("unsaved/main.tf");
    open.0.insert(unsaved.clone(), Arc::from(text.as_str()));
    let ws = load(&dir, &open);
    assert!(ws.roots().iter().any(|r| r == &dir.join("unsaved")));
    assert!(workspace_findings(&ws)
        .iter()
        .any(|f| f.starts_with(&unsaved.display().to_string()) && f.contains("ELB004")));
}

/// A folder named through a link (macOS's `/var` is one) is checked where it really is, and
/// reported under the client's name.
#[cfg(unix)]
#[test]
fn a_folder_named_through_a_link_keeps_the_client_s_uris() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    copy_dir(
        &rules.join("ELB004/fail_no_ingress"),
        &tmp.path().join("real/root"),
    );
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(tmp.path().join("real"), &link).unwrap();
    let main = link.join("root/main.tf");
    let mut client = Client::start();
    client.initialize(&link);
    let first = client.diagnostics(&uri(&main));
    assert_eq!(codes(&first), ["ELB004", "ELB023"]);
    let related = first[0]["relatedInformation"][0]["location"]["uri"].clone();
    assert_eq!(related, json!(uri(&main)));
    let text = std::fs::read_to_string(&main).unwrap();
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&main), "languageId": "terraform", "version": 1,
               "text": text.replace("instance_port     = 8080", "instance_port     = 80")}}),
    );
    let after = client.diagnostics(&uri(&main));
    assert!(after
        .iter()
        .any(|d| d["message"].as_str().unwrap().contains("TCP 80 ")));
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&main)}, "position": {"line": 37, "character": 0}}),
    );
    assert!(client.response(&id).response_result.unwrap().is_object());
    assert_eq!(client.exit(), 0);
}

/// A deterministic sequence of edits to a generated monorepo whose stacks call a shared module
/// (ports changed, half-typed blocks, the module edited, module calls removed and restored,
/// suppressions, stacks deleted and copied), some as unsaved buffers and some on disk: after
/// each, the workspace reports what the command line reports on the same text.
#[test]
fn random_edits_keep_the_workspace_equal_to_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::fs::canonicalize(tmp.path()).unwrap();
    monorepo::generate(
        &dir,
        &monorepo::GenOptions {
            stacks: 12,
            fault_rate: 0.3,
            seed: 7,
            shared_module: true,
            ..monorepo::GenOptions::default()
        },
    )
    .unwrap();
    let mut ws = load(&dir, &NoBuffers);
    assert_eq!(workspace_findings(&ws), cli_findings(&dir));
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let tf_files = |dir: &Path| -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.extension().is_some_and(|x| x == "tf") {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    };
    let mut open = Open::default();
    let mut removed_calls: Vec<(PathBuf, String)> = Vec::new();
    for step in 0..40 {
        let files = tf_files(&dir);
        let file = files[next(files.len())].clone();
        let text = std::fs::read_to_string(&file).unwrap();
        let mut changed = vec![file.clone()];
        let what;
        let new_text = match next(7) {
            0 | 1 => {
                // A port becomes another one.
                what = "port";
                let lines: Vec<&str> = text.lines().collect();
                let ports: Vec<usize> = (0..lines.len())
                    .filter(|&i| lines[i].contains("port") && lines[i].contains("= "))
                    .collect();
                if ports.is_empty() {
                    format!("{text}\n# nothing to change\n")
                } else {
                    let i = ports[next(ports.len())];
                    let mut lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
                    let (head, _) = lines[i].split_once("= ").unwrap();
                    lines[i] = format!("{head}= {}", [80, 443, 8080, 9000][next(4)]);
                    lines.join("\n") + "\n"
                }
            }
            2 => {
                what = "half-typed block";
                format!("{text}\nresource \"aws_security_group\" \"half\" {{\n  ingress {{\n")
            }
            3 => {
                what = "module";
                let module = dir.join("modules/tags/main.tf");
                changed = vec![module.clone()];
                let text = std::fs::read_to_string(&module).unwrap();
                let out = if text.contains("ManagedBy   = \"terraform\"") {
                    text.replace("ManagedBy   = \"terraform\"", "ManagedBy   = \"tf\"")
                } else {
                    text.replace("ManagedBy   = \"tf\"", "ManagedBy   = \"terraform\"")
                };
                std::fs::write(&module, &out).unwrap();
                out
            }
            4 => {
                // A stack stops calling the module, or one that did calls it again.
                what = "module call";
                match removed_calls.pop() {
                    Some((path, text)) if next(2) == 0 => {
                        std::fs::write(&path, &text).unwrap();
                        changed = vec![path];
                        text
                    }
                    other => {
                        removed_calls.extend(other);
                        let calls: Vec<&PathBuf> = files
                            .iter()
                            .filter(|p| p.file_name().is_some_and(|n| n == "tags.tf"))
                            .collect();
                        if let Some(path) = calls.first() {
                            let text = std::fs::read_to_string(path).unwrap();
                            std::fs::remove_file(path).unwrap();
                            open.0.remove(*path);
                            removed_calls.push(((*path).clone(), text));
                            changed = vec![(*path).clone()];
                        }
                        String::new()
                    }
                }
            }
            5 => {
                // A suppression above a line with a finding, or a stack copied.
                let found = ws.all_findings();
                if let Some(f) = found.get(next(found.len().max(1))).filter(|_| next(2) == 0) {
                    what = "suppression";
                    let path = ws.sources().get(f.span.file).path.clone();
                    let line = ws.sources().range(f.span).0.line;
                    let text = std::fs::read_to_string(&path).unwrap();
                    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
                    lines.insert(
                        line - 1,
                        format!("# tf-elbcheck:ignore {} -- accepted", f.code()),
                    );
                    changed = vec![path.clone()];
                    let out = lines.join("\n") + "\n";
                    std::fs::write(&path, &out).unwrap();
                    out
                } else {
                    what = "stack copied";
                    let stack = file.parent().unwrap();
                    let copy = stack.with_file_name(format!("copy-{step}"));
                    copy_dir(stack, &copy);
                    changed = vec![copy.join("main.tf"), copy.join("compute.tf")];
                    String::new()
                }
            }
            _ => {
                // A stack deleted (not the module).
                what = "stack deleted";
                let stack = file.parent().unwrap().to_path_buf();
                if stack.ends_with("modules/tags") {
                    String::new()
                } else {
                    std::fs::remove_dir_all(&stack).unwrap();
                    open.0.retain(|p, _| !p.starts_with(&stack));
                    removed_calls.retain(|(p, _)| !p.starts_with(&stack));
                    changed = vec![stack];
                    String::new()
                }
            }
        };
        if matches!(what, "port" | "half-typed block") {
            std::fs::write(&file, &new_text).unwrap();
        }
        // Half of the edits arrive as unsaved buffers (with the text just saved, so that the
        // command line sees the same), the others from the disk.
        let as_buffer = next(2) == 0;
        for path in &changed {
            if as_buffer && path.is_file() {
                let text = std::fs::read_to_string(path).unwrap();
                open.0.insert(path.clone(), Arc::from(text.as_str()));
            } else if let Some(buffer) = open.0.get_mut(path) {
                *buffer = Arc::from(std::fs::read_to_string(path).unwrap_or_default().as_str());
            }
        }
        ws.update(&changed, &open);
        assert!(ws.check(&|| false));
        let broken = what == "half-typed block" && open.0.contains_key(&file);
        let mut expected = cli_findings(&dir);
        let mut got = workspace_findings(&ws);
        if broken {
            // The buffer reports its TF001 alone while the others keep the last good syntax;
            // the command line reads the broken file. Compare the other files' findings of
            // the roots that do not use it, then finish the block.
            let other = |set: &BTreeSet<String>| -> BTreeSet<String> {
                set.iter()
                    .filter(|f| !f.starts_with(&file.parent().unwrap().display().to_string()))
                    .cloned()
                    .collect()
            };
            expected = other(&expected);
            got = other(&got);
        }
        assert_eq!(got, expected, "step {step}: {what} in {}", file.display());
        if what == "half-typed block" {
            let done = format!("{new_text}    from_port   = 1\n    to_port     = 1\n    protocol    = \"tcp\"\n    cidr_blocks = [\"10.0.0.0/8\"]\n  }}\n}}\n");
            std::fs::write(&file, &done).unwrap();
            if let Some(buffer) = open.0.get_mut(&file) {
                *buffer = Arc::from(done.as_str());
            }
            ws.update(std::slice::from_ref(&file), &open);
            assert!(ws.check(&|| false));
            assert_eq!(
                workspace_findings(&ws),
                cli_findings(&dir),
                "step {step}: the block finished in {}",
                file.display()
            );
        }
    }
}

#[test]
fn hover_says_what_passes_through_network_acls() {
    let tmp = tempfile::tempdir().unwrap();
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    copy_dir(
        &rules.join("ELB014/pass_full_nacls"),
        &tmp.path().join("root"),
    );
    let main_uri = uri(&tmp.path().join("root/main.tf"));
    let mut client = Client::start();
    client.initialize(tmp.path());
    assert_eq!(codes(&client.diagnostics(&main_uri)), ["ELB023"]);
    // The instances' network ACL (line 121): every flow through it is proven to pass.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 120, "character": 10}}),
    );
    let hover = client.response(&id).response_result.unwrap();
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**What passes here**"), "{text}");
    assert!(
        text.contains("aws\\_network\\_acl.app admits aws\\_elb.web from aws\\_subnet.public\\_a"),
        "{text}"
    );
    // A line where the analysis concluded nothing: no hover at all.
    let id = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 0, "character": 0}}),
    );
    assert!(client.response(&id).response_result.unwrap().is_null());
}

/// Clients that were told the transport is stdio (vscode-languageclient's
/// `TransportKind.stdio`) start the server with `--stdio`: it is accepted.
#[test]
fn the_stdio_flag_of_editor_clients_is_accepted() {
    use std::io::Write;
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let input = [
        frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#),
        frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#),
        frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
    ]
    .concat();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"))
        .args(["lsp", "--stdio"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("\"capabilities\""), "{stdout}");
}

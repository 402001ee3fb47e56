"""`tf-elbcheck lsp` end to end: the real binary over stdio, driven by pytest-lsp's client."""

import asyncio
import json
import pathlib
import subprocess
import time

import pytest
from conftest import (
    BIN,
    apply_edits,
    codes,
    copy_fixture,
    first_published,
    initialize,
    mark,
    published,
)
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

# The ELB004 fixture: the app group (line 38, 0-based 37) admits nothing.
SG_LINE = 37
INGRESS = (
    "  ingress {\n"
    "    from_port       = 8080\n"
    "    to_port         = 8080\n"
    "    protocol        = \"tcp\"\n"
    "    security_groups = [aws_security_group.lb.id]\n"
    "  }\n"
)


def open_doc(client: LanguageClient, path: pathlib.Path, version=1, text=None):
    text = path.read_text() if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=path.as_uri(), language_id="terraform", version=version, text=text
            )
        )
    )
    return text


def change(client, path, version, changes):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(
                uri=path.as_uri(), version=version
            ),
            content_changes=changes,
        )
    )


def insert_at(line: int, text: str):
    at = types.Position(line=line, character=0)
    return types.TextDocumentContentChangePartial(
        range=types.Range(start=at, end=at), text=text
    )


def whole(text: str):
    return types.TextDocumentContentChangeWholeDocument(text=text)


async def test_initialize_advertises_incremental_sync_fixes_and_hover(
    client: LanguageClient, workspace
):
    result = await initialize(client, workspace)
    caps = result.capabilities
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.text_document_sync.open_close
    assert caps.hover_provider
    assert list(caps.code_action_provider.code_action_kinds) == [types.CodeActionKind.QuickFix]
    assert result.server_info.name == "tf-elbcheck"


async def test_diagnostics_arrive_at_the_finding_with_related_information_and_code(
    client: LanguageClient, workspace
):
    await initialize(client, workspace)
    main = workspace / "root" / "main.tf"
    diagnostics = await first_published(client, main.as_uri())
    assert codes(diagnostics) == ["ELB004", "ELB023"]
    d = diagnostics[0]
    assert d.range == types.Range(
        start=types.Position(line=SG_LINE, character=0),
        end=types.Position(line=SG_LINE, character=35),
    )
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.source == "tf-elbcheck"
    assert d.code_description.href.endswith("/docs/rules.md#elb004")
    assert d.message.startswith("no ingress rule of aws_security_group.app allows TCP 8080")
    assert "\nhelp: add an ingress rule for TCP 8080" in d.message
    related = [(r.location.range.start.line, r.message) for r in d.related_information]
    assert related == [
        (43, "instances registered with the load balancer"),
        (59, "the listener sends to instance port 8080"),
        (64, "the health check probes port 8080"),
    ]
    assert all(r.location.uri == main.as_uri() for r in d.related_information)
    # The note about path MTU discovery is information.
    assert diagnostics[1].severity == types.DiagnosticSeverity.Information


async def test_fixing_the_port_in_the_buffer_clears_the_diagnostic_and_closing_reverts(
    client: LanguageClient, workspace
):
    await initialize(client, workspace)
    main = workspace / "root" / "main.tf"
    await first_published(client, main.as_uri())
    open_doc(client, main)
    assert codes(await published(client, main.as_uri(), version=1)) == ["ELB004", "ELB023"]
    # Unsaved: an ingress rule for the instance port, typed into the app group.
    change(client, main, 2, [insert_at(SG_LINE + 3, INGRESS)])
    assert codes(await published(client, main.as_uri(), version=2)) == ["ELB023"]
    assert "ingress" not in main.read_text().split('"app"')[1].split("resource")[0]
    # Closing the buffer without saving: the file on disk counts again.
    since = mark(client)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri())
        )
    )
    assert codes(await published(client, main.as_uri(), since=since)) == ["ELB004", "ELB023"]


async def test_the_quick_fix_applied_clears_the_diagnostic(client: LanguageClient, workspace):
    await initialize(client, workspace)
    main = workspace / "root" / "main.tf"
    await first_published(client, main.as_uri())
    text = open_doc(client, main)
    diagnostics = await published(client, main.as_uri(), version=1)
    elb004 = diagnostics[0]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri()),
            range=elb004.range,
            context=types.CodeActionContext(diagnostics=[elb004]),
        )
    )
    titles = [a.title for a in actions]
    assert titles == [
        "Apply the suggested fix for ELB004",
        "Suppress ELB004 on this line (give the reason)",
    ]
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    edits = fix.edit.changes[main.as_uri()]
    fixed = apply_edits(text, edits)
    assert 'resource "aws_security_group_rule" "app_ingress_8080"' in fixed
    change(client, main, 2, [whole(fixed)])
    assert codes(await published(client, main.as_uri(), version=2)) == ["ELB023"]

    # The suppression action, on the original text.
    change(client, main, 3, [whole(text)])
    await published(client, main.as_uri(), version=3)
    suppress = actions[1].edit.changes[main.as_uri()]
    assert suppress[0].new_text.rstrip("\r\n") == "# tf-elbcheck:ignore ELB004 -- reason"
    change(client, main, 4, [whole(apply_edits(text, suppress))])
    assert codes(await published(client, main.as_uri(), version=4)) == ["ELB023"]


async def test_the_inline_quick_fix_goes_inside_its_resource(client: LanguageClient, tmp_path):
    # ELB001 with an inline LB group: the fix is an ingress block inside the group.
    ws = tmp_path / "ws"
    copy_fixture("ELB001/fail_no_listener_ingress", ws / "root")
    await initialize(client, ws)
    main = ws / "root" / "main.tf"
    diagnostics = await first_published(client, main.as_uri())
    target = next(d for d in diagnostics if d.code == "ELB001")
    text = open_doc(client, main)
    await published(client, main.as_uri(), version=1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri()),
            range=target.range,
            context=types.CodeActionContext(diagnostics=[target]),
        )
    )
    fix = next(a for a in actions if a.is_preferred)
    (uri, edits), = fix.edit.changes.items()
    assert uri == main.as_uri()
    fixed = apply_edits(text, edits)
    assert fixed.count("ingress {") == text.count("ingress {") + 1
    change(client, main, 2, [whole(fixed)])
    assert "ELB001" not in codes(await published(client, main.as_uri(), version=2))


async def test_a_half_typed_file_gives_tf001_and_the_other_files_keep_theirs(
    client: LanguageClient, tmp_path
):
    # One root in two files (the app group and instance in app.tf), and a second root.
    ws = tmp_path / "ws"
    root = copy_fixture("ELB004/fail_no_ingress", ws / "root")
    text = (root / "main.tf").read_text()
    start = text.index('resource "aws_security_group" "app"')
    end = text.index('resource "aws_elb" "web"')
    (root / "app.tf").write_text(text[start:end])
    (root / "main.tf").write_text(text[:start] + text[end:])
    other = copy_fixture("ELB002/fail_no_egress", ws / "other")
    await initialize(client, ws)
    main, app = root / "main.tf", root / "app.tf"
    other_main = other / "main.tf"
    before_app = await first_published(client, app.as_uri())
    before_other = await first_published(client, other_main.as_uri())
    assert codes(before_app) == ["ELB004", "ELB023"]
    assert "ELB002" in codes(before_other)

    main_text = open_doc(client, main)
    await published(client, main.as_uri(), version=1)
    since = mark(client)
    half = main_text + '\nresource "aws_security_group" "extra" {\n  ingress {\n'
    change(client, main, 2, [whole(half)])
    broken = await published(client, main.as_uri(), version=2)
    assert codes(broken) == ["TF001"]
    assert broken[0].message.startswith("syntax error")
    # The other file of the root is checked with the last good main.tf: same findings.
    app_now = await published(client, app.as_uri(), since=since)
    assert [(d.code, d.range) for d in app_now] == [(d.code, d.range) for d in before_app]
    # The other root was not checked again: nothing new was published for it.
    assert all(p.uri != other_main.as_uri() for p in client.publications[since:])
    assert list(client.diagnostics[other_main.as_uri()]) == before_other
    # Finishing the block brings the findings back.
    rest = '    from_port   = 443\n    to_port     = 443\n    protocol    = "tcp"\n'
    rest += '    cidr_blocks = ["10.0.0.0/8"]\n  }\n}\n'
    change(client, main, 3, [whole(half + rest)])
    assert "TF001" not in codes(await published(client, main.as_uri(), version=3))


async def test_hover_shows_the_finding_and_its_rule(client: LanguageClient, workspace):
    await initialize(client, workspace)
    main = workspace / "root" / "main.tf"
    await first_published(client, main.as_uri())
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri()),
            position=types.Position(line=SG_LINE, character=10),
        )
    )
    value = hover.contents.value
    assert "**error[ELB004]**" in value
    assert "help: add an ingress rule" in value
    assert "**ELB004** (instance-port-ingress)" in value
    assert "#### What it checks" in value
    # On the listener's instance port, a label of the finding: what part it plays.
    label = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri()),
            position=types.Position(line=59, character=26),
        )
    )
    assert label.contents.value.startswith(
        "the listener sends to instance port 8080: part of **error[ELB004]** at main.tf:38"
    )
    # On the listener's port, where nothing is wrong: what the analysis proves passes there.
    passing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri()),
            position=types.Position(line=57, character=26),
        )
    )
    assert passing.contents.value.startswith("**What passes here**")
    assert (
        "clients reach TCP 80 of aws\\_elb.web: admitted by aws\\_security\\_group.lb"
        in passing.contents.value
    )
    nothing = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri()),
            position=types.Position(line=0, character=0),
        )
    )
    assert nothing is None


def test_a_request_before_initialize_is_refused(workspace):
    # pygls's client refuses to send a request before `initialize`: raw JSON-RPC here.
    server = subprocess.Popen(
        [BIN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    hover = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "textDocument/hover",
        "params": {"textDocument": {"uri": "file:///x.tf"}, "position": {"line": 0, "character": 0}},
    }
    server.stdin.write(frame(json.dumps(hover).encode()))
    server.stdin.write(frame(b'{"jsonrpc": "2.0", "method": "initialized", "params": {}}'))
    init = {
        "jsonrpc": "2.0",
        "id": 2,
        "method": "initialize",
        "params": {"capabilities": {}, "rootUri": workspace.as_uri()},
    }
    server.stdin.write(frame(json.dumps(init).encode()))
    server.stdin.flush()
    refused = read_message(server.stdout)
    assert refused["id"] == 1 and refused["error"]["code"] == -32002
    # The server still initializes afterwards.
    initialized = read_message(server.stdout)
    assert initialized["id"] == 2 and "capabilities" in initialized["result"]
    server.stdin.write(frame(b'{"jsonrpc": "2.0", "id": 3, "method": "shutdown"}'))
    server.stdin.write(frame(b'{"jsonrpc": "2.0", "method": "exit"}'))
    server.stdin.flush()
    assert read_message(server.stdout) == {"jsonrpc": "2.0", "id": 3, "result": None}
    assert server.wait(timeout=30) == 0


async def test_an_unknown_method_is_not_found(client: LanguageClient, workspace):
    await initialize(client, workspace)
    with pytest.raises(JsonRpcException) as error:
        await client.protocol.send_request_async("tf-elbcheck/unknown", {})
    assert error.value.code == -32601


async def test_shutdown_and_exit_end_the_server_with_status_0(
    client: LanguageClient, workspace
):
    await initialize(client, workspace)
    await client.shutdown_session()
    assert client._server.returncode == 0


async def test_a_large_buffer_does_not_hold_up_other_requests(
    client: LanguageClient, workspace
):
    await initialize(client, workspace)
    main = workspace / "root" / "main.tf"
    await first_published(client, main.as_uri())
    # About 10 MB of security groups pasted into a new file.
    block = 'resource "aws_security_group" "g{}" {{\n  description = "{}"\n}}\n'
    big = "".join(block.format(i, "x" * 60) for i in range(110_000))
    assert len(big) > 10_000_000
    open_doc(client, workspace / "root" / "pasted.tf", text=big)
    started = time.monotonic()
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=main.as_uri()),
            position=types.Position(line=SG_LINE, character=0),
        )
    )
    assert hover is not None
    assert time.monotonic() - started < 2.0
    # The file gets its diagnostics eventually.
    await published(client, (workspace / "root" / "pasted.tf").as_uri(), version=1, timeout=300)


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream) -> dict:
    length = None
    while True:
        line = stream.readline()
        assert line, "the server closed stdout"
        if line in (b"\r\n", b"\n"):
            break
        name, value = line.split(b":", 1)
        if name.strip().lower() == b"content-length":
            length = int(value)
    return json.loads(stream.read(length))


def test_malformed_messages_are_answered_and_closing_stdin_mid_message_ends_the_server(
    workspace,
):
    server = subprocess.Popen(
        [BIN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    server.stdin.write(frame(b'{"jsonrpc": "2.0", "id": 1, "method": '))
    server.stdin.write(frame(b'{"jsonrpc": "2.0", "id": 2, "method": 7}'))
    init = {
        "jsonrpc": "2.0",
        "id": 3,
        "method": "initialize",
        "params": {"capabilities": {}, "rootUri": workspace.as_uri()},
    }
    server.stdin.write(frame(json.dumps(init).encode()))
    server.stdin.flush()
    replies = [read_message(server.stdout) for _ in range(3)]
    assert replies[0]["id"] is None and replies[0]["error"]["code"] == -32700
    assert replies[1]["id"] == 2 and replies[1]["error"]["code"] == -32600
    assert replies[2]["id"] == 3 and "capabilities" in replies[2]["result"]
    # Half a message, then stdin closes.
    server.stdin.write(b'Content-Length: 100\r\n\r\n{"jsonrpc": "2.0", "id": 4, ')
    server.stdin.close()
    assert server.wait(timeout=30) == 1
    stderr = server.stderr.read().decode()
    assert "panicked" not in stderr
    assert "stdin closed inside a message" in stderr

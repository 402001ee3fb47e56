"""Fixtures of the end-to-end tests of `tf-elbcheck lsp` (scripts/test-lsp.sh runs them).

Every test starts the real binary (``$TF_ELBCHECK_BIN``) as a language server over stdio and
drives it with pytest-lsp's client (pygls), in a workspace of its own made from the rule
fixtures.
"""

import asyncio
import os
import pathlib
import shutil

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from pygls.protocol import default_converter

REPO = pathlib.Path(__file__).resolve().parents[2]
RULES = REPO / "testdata" / "rules"
BIN = os.environ.get("TF_ELBCHECK_BIN", str(REPO / "target" / "debug" / "tf-elbcheck"))


def make_client() -> LanguageClient:
    """pytest-lsp's client, which also keeps every publication of diagnostics in order
    (``client.publications``): waiting for the next notification alone can miss one that
    arrived with others."""
    client = LanguageClient(converter_factory=default_converter)
    client.publications = []

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.publications.append(params)

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[BIN, "lsp"], client_factory=make_client)
)
async def client(lsp_client: LanguageClient):
    yield
    server = lsp_client._server
    if server.returncode is not None:
        return
    if lsp_client.capabilities is not None and lsp_client.error is None:
        await asyncio.wait_for(lsp_client.shutdown_session(), 30)
    else:
        # Not initialized (or broken): closing stdin ends the server.
        server.stdin.close()
        try:
            await asyncio.wait_for(server.wait(), 30)
        except asyncio.TimeoutError:
            server.kill()


def copy_fixture(case: str, dest: pathlib.Path) -> pathlib.Path:
    """Copies testdata/rules/<case> (its Terraform files) to ``dest``."""
    shutil.copytree(RULES / case, dest, ignore=shutil.ignore_patterns("*.snap"))
    return dest


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    """A workspace with the ELB004 fixture without any ingress rule, as `root/`."""
    ws = tmp_path / "ws"
    copy_fixture("ELB004/fail_no_ingress", ws / "root")
    return ws


async def initialize(client: LanguageClient, folder: pathlib.Path, **options):
    capabilities = types.ClientCapabilities(
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True, version_support=True
            )
        ),
        workspace=types.WorkspaceClientCapabilities(workspace_edit=None),
    )
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities,
            workspace_folders=[types.WorkspaceFolder(uri=folder.as_uri(), name="ws")],
            initialization_options={"debounceMs": 10, **options},
        )
    )


async def published(client: LanguageClient, uri: str, version=None, since=0, timeout=60.0):
    """The diagnostics of the first publication for ``uri`` (of that document version) among
    those received from the ``since``-th on (``mark(client)`` before a change)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for params in client.publications[since:]:
            if params.uri == uri and (version is None or params.version == version):
                return list(params.diagnostics)
        if loop.time() > deadline:
            raise TimeoutError(f"no diagnostics for {uri} (version {version})")
        await asyncio.sleep(0.005)


def mark(client: LanguageClient) -> int:
    """How many publications were received so far."""
    return len(client.publications)


async def first_published(client: LanguageClient, uri: str, timeout=60.0):
    """The diagnostics of the first publication for ``uri``."""
    return await published(client, uri, timeout=timeout)


def codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def utf16_offset(text: str, position: types.Position) -> int:
    """The string index of an LSP position (UTF-16 columns) in ``text``."""
    lines = text.splitlines(keepends=True)
    if position.line >= len(lines):
        return len(text)
    start = sum(len(line) for line in lines[: position.line])
    line = lines[position.line].rstrip("\r\n")
    units = 0
    for i, ch in enumerate(line):
        if units >= position.character:
            return start + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return start + len(line)


def apply_edits(text: str, edits) -> str:
    """``text`` with LSP text edits applied (all ranges refer to the original text)."""
    spans = [
        (utf16_offset(text, e.range.start), utf16_offset(text, e.range.end), e.new_text)
        for e in edits
    ]
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text

#!/usr/bin/env python3
"""Benchmark of `tf-elbcheck lsp` on a generated monorepo (not a timed test).

    cargo build --release --locked
    cargo run --release --example gen_monorepo -- 1000 /tmp/lsp-m1000
    python3 scripts/lsp-bench.py /tmp/lsp-m1000

Raw JSON-RPC over the server's pipes (no client library: nothing but the server is timed).
It measures:

- the command line on the same tree (median of --cli-runs runs), wall and CPU time (user and
  system: less sensitive than wall time to other work on the machine);
- the server: from `initialized` to diagnostics published for every Terraform file of the
  tree, the ratio to the command line's wall time, the CPU time the server used until then
  (its start and `initialize` included), and its resident memory then (VmRSS, and the peak
  VmHWM);
- --edits one-line edits to one stack's file, each sent as an incremental `didChange` once
  the diagnostics of the previous one arrived: the time from `didChange` to the
  `publishDiagnostics` of that file for that version (p50, p95, max), and until every file
  of the stack was published (the findings land in other files of it). Edits alternate
  between a change that injects a fault (an instance port the group does not admit) and
  the change back, so the diagnostics change every time.
"""

import argparse
import json
import os
import pathlib
import platform
import queue
import resource
import statistics
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parents[1]


class Server:
    """A language server process spoken to with raw JSON-RPC."""

    def __init__(self, cmd):
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.messages = queue.Queue()
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, value = line.split(b":", 1)
                if name.strip().lower() == b"content-length":
                    length = int(value)
            body = out.read(length)
            self.messages.put((time.perf_counter(), json.loads(body)))

    def send(self, message):
        message["jsonrpc"] = "2.0"
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return time.perf_counter()

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        return self.next_id

    def notify(self, method, params):
        return self.send({"method": method, "params": params})

    def recv(self, timeout=600):
        item = self.messages.get(timeout=timeout)
        if item is None:
            raise RuntimeError("the server closed its output")
        return item

    def cpu_seconds(self):
        """User and system CPU time of the process so far."""
        fields = pathlib.Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kib(self):
        status = pathlib.Path(f"/proc/{self.proc.pid}/status").read_text()
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def terraform_files(tree: pathlib.Path):
    out = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".terraform")]
        for name in filenames:
            if name.endswith((".tf", ".tf.json")) or name in ("terraform.tfvars",):
                out.append(pathlib.Path(dirpath) / name)
    return out


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def machine():
    cpu = "unknown CPU"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}"


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_cli(binary, tree, runs):
    """The median wall time and the median CPU time (user + system) of `runs` runs."""
    times = []
    cpu = []
    for _ in range(runs):
        started = time.perf_counter()
        cpu_before = children_cpu()
        subprocess.run(
            [binary, str(tree), "--format", "compact"],
            stdout=subprocess.DEVNULL,
            check=False,
        )
        times.append(time.perf_counter() - started)
        cpu.append(children_cpu() - cpu_before)
    return statistics.median(times), statistics.median(cpu)


def edit_target(tree: pathlib.Path):
    """A stack file with an `instance_port = N` line, and that line's number and text."""
    for path in sorted(tree.glob("team-*/stack-*/*.tf")):
        lines = path.read_text().split("\n")
        for i, line in enumerate(lines):
            if line.strip().startswith("instance_port") and "=" in line:
                return path, i, line
    raise SystemExit("no stack file with an instance_port line")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("tree", type=pathlib.Path)
    parser.add_argument("--bin", default=str(REPO / "target" / "release" / "tf-elbcheck"))
    parser.add_argument("--edits", type=int, default=50)
    parser.add_argument("--cli-runs", type=int, default=5)
    parser.add_argument("--debounce-ms", type=int, default=None)
    parser.add_argument("--json", type=pathlib.Path, help="also write the results here")
    args = parser.parse_args()
    tree = args.tree.resolve()
    files = terraform_files(tree)
    expected = {p.as_uri() for p in files}

    cli, cli_cpu = time_cli(args.bin, tree, args.cli_runs)

    server = Server([args.bin, "lsp"])
    options = {} if args.debounce_ms is None else {"debounceMs": args.debounce_ms}
    server.request(
        "initialize",
        {
            "processId": os.getpid(),
            "capabilities": {},
            "workspaceFolders": [{"uri": tree.as_uri(), "name": tree.name}],
            "initializationOptions": options,
        },
    )
    server.recv()
    started = server.notify("initialized", {})
    seen = set()
    findings = 0
    while seen != expected:
        at, message = server.recv()
        if message.get("method") == "textDocument/publishDiagnostics":
            params = message["params"]
            if params["uri"] in expected and params["uri"] not in seen:
                seen.add(params["uri"])
                findings += len(params["diagnostics"])
    initial = at - started
    initial_cpu = server.cpu_seconds()
    rss, hwm = server.rss_kib()

    path, line_no, line = edit_target(tree)
    uri = path.as_uri()
    text = path.read_text()
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "terraform", "version": 1, "text": text}},
    )

    stack = {p.as_uri() for p in files if p.parent == path.parent}

    def wait_for(version):
        """When the edited file's diagnostics of `version` arrived, and when those of every
        file of its stack had, and how many findings the stack has then."""
        first, rest, count = None, set(stack), 0
        while rest:
            at, message = server.recv()
            if message.get("method") != "textDocument/publishDiagnostics":
                continue
            params = message["params"]
            if params["uri"] == uri:
                if params.get("version") != version:
                    continue
                first = at
            if first is not None and params["uri"] in rest:
                rest.discard(params["uri"])
                count += len(params["diagnostics"])
        return first, at, count

    wait_for(1)
    indent = line[: len(line) - len(line.lstrip())]
    broken = f"{indent}instance_port = 9999"
    latencies = []
    stack_latencies = []
    counts = []
    current = line
    for i in range(args.edits):
        version = i + 2
        new = broken if current == line else line
        sent = server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line_no, "character": 0},
                            "end": {"line": line_no, "character": len(current)},
                        },
                        "text": new,
                    }
                ],
            },
        )
        at, stack_at, count = wait_for(version)
        latencies.append((at - sent) * 1000)
        stack_latencies.append((stack_at - sent) * 1000)
        counts.append(count)
        current = new
    rss_after, hwm_after = server.rss_kib()

    server.request("shutdown", None)
    server.notify("exit", None)
    status = server.proc.wait(timeout=60)

    results = {
        "machine": machine(),
        "tree": str(tree),
        "files": len(files),
        "cli_seconds": round(cli, 3),
        "lsp_initial_seconds": round(initial, 3),
        "lsp_over_cli": round(initial / cli, 2),
        "cli_cpu_seconds": round(cli_cpu, 3),
        "lsp_initial_cpu_seconds": round(initial_cpu, 3),
        "initial_diagnostics": findings,
        "rss_mib_after_initial": round(rss / 1024, 1),
        "peak_rss_mib_after_initial": round(hwm / 1024, 1),
        "rss_mib_after_edits": round(rss_after / 1024, 1),
        "edited_file": str(path.relative_to(tree)),
        "edits": args.edits,
        "stack_findings_after_edits": sorted(set(counts)),
        "edit_ms_p50": round(percentile(latencies, 50), 1),
        "edit_ms_p95": round(percentile(latencies, 95), 1),
        "edit_ms_max": round(max(latencies), 1),
        "stack_ms_p50": round(percentile(stack_latencies, 50), 1),
        "stack_ms_p95": round(percentile(stack_latencies, 95), 1),
        "debounce_ms": args.debounce_ms if args.debounce_ms is not None else "default (20)",
        "exit_status": status,
    }
    width = max(len(k) for k in results)
    for k, v in results.items():
        print(f"{k:<{width}}  {v}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0 if status == 0 and len(set(counts)) > 1 else 1


if __name__ == "__main__":
    sys.exit(main())

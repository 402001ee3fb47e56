#!/usr/bin/env python3
"""Records what Terraform says for every expression of testdata/conformance/expressions.txt.

For each expression (one a line; lines starting with '#' and blank lines are skipped) this runs
`terraform console` in an empty directory on `jsonencode(<expression>)`, and writes
testdata/conformance/expected.json: expression -> {"value": <json>} when Terraform evaluated it,
{"error": true} when it refused it, {"unknown": true} when its result is unknown. tests/conformance.rs replays the table through the evaluator;
the tests never need Terraform, this script re-records.

Usage: scripts/record-conformance.py [TERRAFORM]   (default: terraform on PATH)
Each expression gets a console (and an empty directory) of its own: in piped mode the console
stops at the first error.
"""
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TABLE = os.path.join(ROOT, "testdata", "conformance", "expressions.txt")
OUT = os.path.join(ROOT, "testdata", "conformance", "expected.json")


def expressions():
    with open(TABLE, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                yield line


def record(terraform, env, expr):
    with tempfile.TemporaryDirectory() as workdir:
        return record_in(terraform, workdir, env, expr)


def record_in(terraform, workdir, env, expr):
    p = subprocess.run(
        [terraform, "console", "-no-color"],
        input=f"jsonencode({expr})\n",
        capture_output=True,
        text=True,
        cwd=workdir,
        env=env,
        timeout=60,
    )
    out = p.stdout.strip()
    if p.returncode == 0 and out == "(known after apply)":
        return {"unknown": True}
    if p.returncode != 0 or not out.startswith('"'):
        return {"error": True}
    # The console prints the string jsonencode returned as a quoted literal with JSON-compatible
    # escapes (a '${' is printed as it is).
    text = json.loads(out.splitlines()[-1] if "\n" in out else out)
    return {"value": exact_floats(json.loads(text))}


def exact_floats(v):
    """Integers past 2**53 as floats: the evaluator's numbers are f64, and JSON readers take such
    integers as f64 anyway (Terraform prints them with every digit)."""
    if isinstance(v, bool):
        return v
    if isinstance(v, int) and abs(v) >= 2**53:
        return float(v)
    if isinstance(v, list):
        return [exact_floats(x) for x in v]
    if isinstance(v, dict):
        return {k: exact_floats(x) for k, x in v.items()}
    return v


def main():
    terraform = sys.argv[1] if len(sys.argv) > 1 else "terraform"
    version = subprocess.run(
        [terraform, "version", "-json"], capture_output=True, text=True, check=True
    )
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1")
    exprs = list(dict.fromkeys(expressions()))
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda e: record(terraform, env, e), exprs))
    table = {
        "terraform_version": json.loads(version.stdout)["terraform_version"],
        "expressions": dict(zip(exprs, results)),
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(table, f, indent=1, ensure_ascii=False)
        f.write("\n")
    errors = sum(1 for r in results if "error" in r)
    print(f"{len(exprs)} expressions recorded ({errors} errors) in {OUT}")


if __name__ == "__main__":
    main()

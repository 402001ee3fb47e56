// Parses every ```mermaid block of markdown files with Mermaid itself (see check-mermaid.sh,
// which installs Mermaid and happy-dom beside a copy of this file and runs it).
//
//   node check-mermaid.mjs [--expect-errors] FILE...
//
// A block passes when Mermaid parses it and, for a flowchart, its red edges (linkStyle
// stroke:#d00) are exactly the edges whose label names a rule code: tf-elbcheck draws each
// blocked hop red and labels it with the codes that block it. Prints one line per failing
// block, a `mermaid: ...` line and `mermaid tests: N passed, N failed`; exits 1 when a block
// fails or there is none. With --expect-errors it inverts: every block must fail (the proof
// that the check catches broken diagrams).

import { readFileSync } from 'node:fs';
import { Window } from 'happy-dom';

// Mermaid sanitises labels with DOMPurify, which needs a window when it is first imported:
// happy-dom provides one (no browser is involved; nothing is laid out or drawn).
const window = new Window();
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });

const args = process.argv.slice(2);
const expectErrors = args[0] === '--expect-errors';
const files = expectErrors ? args.slice(1) : args;
if (files.length === 0) {
  console.error('usage: check-mermaid.mjs [--expect-errors] FILE...');
  process.exit(2);
}

// The ```mermaid blocks of a markdown text: { line, text } (line: 1-based, of the fence).
function blocks(markdown, file, problems) {
  const out = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!/^```mermaid\s*$/.test(lines[i])) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    if (i >= lines.length) {
      problems.push(`${file}:${start + 1}: the mermaid block is never closed`);
      break;
    }
    out.push({ line: start + 1, text: body.join('\n') + '\n' });
  }
  return out;
}

const code = /\b(ELB|TF)\d{3}\b/;

// Why a block fails, or null when it passes.
async function check(text) {
  let diagramType;
  try {
    ({ diagramType } = await mermaid.parse(text));
  } catch (e) {
    return String(e?.message ?? e).split('\n').slice(0, 4).join(' | ');
  }
  if (!diagramType.startsWith('flowchart')) return null;
  let edges;
  try {
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    edges = diagram.db.getEdges();
  } catch (e) {
    return `the flowchart does not load: ${String(e?.message ?? e).split('\n')[0]}`;
  }
  for (const [i, e] of edges.entries()) {
    const red = (e.style ?? []).some((s) => s.replace(/\s/g, '') === 'stroke:#d00');
    const named = code.test(e.text ?? '');
    if (red !== named) {
      return red
        ? `edge ${i} (${e.start} -> ${e.end}) is red but its label "${e.text ?? ''}" names no rule`
        : `edge ${i} (${e.start} -> ${e.end}) names a rule ("${e.text}") but is not red`;
    }
  }
  return null;
}

const problems = [];
let total = 0;
let failed = 0;
for (const file of files) {
  const found = blocks(readFileSync(file, 'utf8'), file, problems);
  for (const block of found) {
    total++;
    const why = await check(block.text);
    if (why !== null) {
      failed++;
      if (!expectErrors) problems.push(`${file}:${block.line}: ${why}`);
      else console.log(`rejected as expected: ${file}:${block.line}: ${why}`);
    } else if (expectErrors) {
      problems.push(`${file}:${block.line}: this broken diagram was accepted`);
    }
  }
}
await window.happyDOM.close();

if (total === 0) problems.push('no mermaid block found');
for (const p of problems) console.log(`FAILED: ${p}`);
// One test per block (a broken one passes when it is rejected), plus the empty input.
const bad = expectErrors ? total - failed : failed;
if (expectErrors) {
  console.log(`mermaid: ${failed} of ${total} broken diagrams rejected`);
} else {
  console.log(`mermaid: ${total - failed} of ${total} diagrams in ${files.length} files parsed`);
}
console.log(`mermaid tests: ${total - bad} passed, ${bad + (total === 0 ? 1 : 0)} failed`);
process.exit(problems.length === 0 ? 0 : 1);

//! Renderers for findings: human, compact, json, sarif and github.

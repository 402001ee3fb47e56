//! The library's dependencies point one way, down the pipeline:
//!
//! ```text
//! source, syntax → diagnostic → algebra → frontend → eval → model → analysis → checks
//!   → fix → config, suppress → report → run → lsp
//! ```
//!
//! This test reads the `crate::…` paths of every file in `src/` (comments and `#[cfg(test)]`
//! modules left out) and fails on one that names a module later in the pipeline than the
//! file's own. It also fails on a glob import outside tests, and on a rule file that reaches
//! into another rule's file (shared logic lives in the family's `utils.rs`).

use std::path::{Path, PathBuf};

/// The stages in pipeline order; a module may use its own stage and those before it.
const LAYERS: &[&[&str]] = &[
    &["source", "syntax"],
    &["diagnostic"],
    &["algebra"],
    &["frontend"],
    &["eval"],
    &["model"],
    &["analysis"],
    &["checks"],
    &["fix"],
    &["config", "suppress"],
    &["report"],
    &["run"],
    &["lsp"],
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The file's code without comments and without `#[cfg(test)]` items.
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<i32> = None;
    let mut depth = 0i32;
    let mut pending_test = false;
    for line in text.lines() {
        let code = match line.find("//") {
            Some(i) if !line[..i].contains('"') => &line[..i],
            _ => line,
        };
        let trimmed = code.trim();
        if trimmed.starts_with("#[cfg(test)]") {
            pending_test = true;
            continue;
        }
        let opens = code.matches('{').count() as i32;
        let closes = code.matches('}').count() as i32;
        if pending_test && skip_depth.is_none() && !trimmed.is_empty() {
            pending_test = false;
            if opens > closes {
                skip_depth = Some(depth);
            } else {
                // A one-line item under #[cfg(test)].
                continue;
            }
        }
        depth += opens - closes;
        if let Some(d) = skip_depth {
            if depth <= d {
                skip_depth = None;
            }
            continue;
        }
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// The top-level modules a file names through `crate::X`.
fn crate_refs(code: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().last();
            rest = &rest[at + 7..];
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name == "{" || name.is_empty() {
                continue;
            }
            out.push((i + 1, name));
        }
        // `use crate::{a, b}` names several modules.
        if let Some(at) = line.find("crate::{") {
            let inner = &line[at + 8..];
            let inner = &inner[..inner.find('}').unwrap_or(inner.len())];
            for part in inner.split(',') {
                let name: String = part
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.push((i + 1, name));
                }
            }
        }
    }
    out
}

/// The stage of a file: its first path component under `src/` (`checks/nacls/x.rs` → checks).
fn own_module(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

fn violations(src: &Path) -> Vec<String> {
    let mut all = Vec::new();
    files(src, &mut all);
    all.sort();
    let mut bad = Vec::new();
    for file in &all {
        let module = own_module(src, file);
        // The binary's own modules sit above the library.
        let Some(own) = rank(&module) else { continue };
        let code = code_of(&std::fs::read_to_string(file).unwrap());
        for (line, target) in crate_refs(&code) {
            match rank(&target) {
                Some(r) if r > own => bad.push(format!(
                    "{}:{line}: `{module}` uses `crate::{target}`, a later stage",
                    file.display()
                )),
                _ => {}
            }
        }
        for (i, line) in code.lines().enumerate() {
            if line.trim_start().starts_with("use ")
                && line.contains("::*")
                && !line.contains("prelude::*")
            {
                bad.push(format!("{}:{}: glob import", file.display(), i + 1));
            }
        }
        let name = file.file_name().unwrap().to_string_lossy();
        if name.starts_with("elb") {
            for (i, line) in code.lines().enumerate() {
                if let Some(at) = line.find("elb0") {
                    let other = &line[at..];
                    let other: String = other
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    if !name.starts_with(&other) && other.len() > 6 {
                        bad.push(format!(
                            "{}:{}: a rule file uses another rule's file `{other}`",
                            file.display(),
                            i + 1
                        ));
                    }
                }
            }
        }
    }
    bad
}

#[test]
fn dependencies_point_down_the_pipeline() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    // Every library module has a stage.
    for file in &all {
        let module = own_module(&src, file);
        if ["lib", "main", "cli", "allocator"].contains(&module.as_str()) {
            continue;
        }
        assert!(
            rank(&module).is_some(),
            "{} belongs to no stage: add `{module}` to LAYERS",
            file.display()
        );
    }
    let bad = violations(&src);
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The check itself finds an upward edge, a glob import and a rule reaching into another rule.
#[test]
fn the_layering_check_catches_violations() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("model")).unwrap();
    std::fs::create_dir_all(src.join("checks/nacls")).unwrap();
    std::fs::write(
        src.join("model/mod.rs"),
        "//! m\nuse crate::checks::Context; // upward\nuse crate::eval::Value;\n#[cfg(test)]\nmod tests {\n    use crate::run::check;\n}\n",
    )
    .unwrap();
    std::fs::write(
        src.join("checks/nacls/elb012_x.rs"),
        "use super::*;\nuse super::elb013_y::helper;\nfn f() { crate::report::render(); }\n",
    )
    .unwrap();
    let bad = violations(src);
    assert_eq!(bad.len(), 4, "{bad:#?}");
    assert!(bad[0].contains("uses `crate::report`"), "{bad:#?}");
    assert!(bad[1].contains("glob import"), "{bad:#?}");
    assert!(bad[2].contains("`elb013_y`"), "{bad:#?}");
    assert!(bad[3].contains("`model` uses `crate::checks`"), "{bad:#?}");
}

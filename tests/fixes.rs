//! Every suggested fix is applied to a copy of its failing fixture, and the finding it was
//! suggested for must be gone: a fix that does not fix is a bug.

use std::path::{Path, PathBuf};
use tf_elbcheck::run::{check, Options};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

fn tf_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(tf_files(&p));
        } else if p.extension().is_some_and(|x| x == "tf") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Applies a fix: an inline block goes right after the header of the resource it names, in
/// the file the finding points at when that file has the header (an override file may), else
/// in the file that has it; a resource goes at the end of the file the finding points at.
fn apply(dir: &Path, primary_file: &Path, fix: &str) {
    if let Some(rest) = fix.strip_prefix("# inside resource ") {
        let (header, block) = rest.split_once('\n').unwrap();
        let header = format!("resource {header} {{");
        let mut files = tf_files(dir);
        files.sort_by_key(|f| f != primary_file);
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            if let Some(pos) = text.find(&header) {
                let line_end = pos + text[pos..].find('\n').unwrap() + 1;
                let patched = format!("{}{block}\n{}", &text[..line_end], &text[line_end..]);
                std::fs::write(&file, patched).unwrap();
                return;
            }
        }
        panic!("no `{header}` in {}", dir.display());
    }
    let mut text = std::fs::read_to_string(primary_file).unwrap();
    text.push('\n');
    text.push_str(fix);
    text.push('\n');
    std::fs::write(primary_file, text).unwrap();
}

/// Applies each fix suggested for `case` to a fresh copy and returns what went wrong.
fn try_fixes(case: &Path) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut checked = 0;
    let case_abs = std::fs::canonicalize(case).unwrap();
    let outcome = check(&Options {
        paths: vec![case.to_path_buf()],
        ..Options::default()
    });
    let notes = |o: &tf_elbcheck::diagnostic::Outcome| {
        o.findings.iter().filter(|x| x.code() == "ELB900").count()
    };
    for f in outcome.findings.iter().filter(|f| f.fix.is_some()) {
        let fix = f.fix_text().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        copy_dir(case, tmp.path());
        let file = &outcome.sources.get(f.span.file).path;
        let rel = file.strip_prefix(&case_abs).unwrap();
        apply(tmp.path(), &tmp.path().join(rel), fix);
        let after = check(&Options {
            paths: vec![tmp.path().to_path_buf()],
            ..Options::default()
        });
        checked += 1;
        let at = format!("{}: the fix for {}", case.display(), f.code());
        if let Some(load) = after.findings.iter().find(|x| x.is_load_error()) {
            failures.push(format!("{at} does not load: {}\n{fix}", load.message));
        } else if after
            .findings
            .iter()
            .any(|x| x.code() == f.code() && x.message == f.message)
        {
            failures.push(format!("{at} leaves it in place:\n{fix}"));
        } else if notes(&after) > notes(&outcome) {
            // A fix must decide the question, not make it undecided.
            failures.push(format!("{at} turns it into an undecided note:\n{fix}"));
        }
    }
    (checked, failures)
}

#[test]
fn every_suggested_fix_removes_its_finding() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules");
    let mut checked = 0;
    let mut failures = Vec::new();
    for code_dir in std::fs::read_dir(&root).unwrap() {
        for case in std::fs::read_dir(code_dir.unwrap().path()).unwrap() {
            let case = case.unwrap().path();
            if case
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("fail")
            {
                let (n, f) = try_fixes(&case);
                checked += n;
                failures.extend(f);
            }
        }
    }
    assert!(checked >= 20, "only {checked} fixes were tried");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_fix_for_terragoat_works() {
    let case = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/terragoat-aws");
    if !case.is_dir() {
        eprintln!("shared corpus not present; skipped");
        return;
    }
    let (checked, failures) = try_fixes(&case);
    assert!(checked >= 1);
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

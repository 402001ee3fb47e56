//! Suggested fixes, applied the way `--fix` applies them (`tf_elbcheck::fix`): every fix must
//! remove the finding it was suggested for, `--fix` must leave every failing fixture clean of
//! what it fixed without anything new, only insert text (comments and layout elsewhere stay
//! byte for byte), print a byte-stable `--diff`, and refuse what it cannot do safely.

#[path = "support/fixtures.rs"]
mod fixtures;

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use tf_elbcheck::diagnostic::{Finding, FixEdit, Outcome, Severity};
use tf_elbcheck::fix;
use tf_elbcheck::run::{check, check_and_fix, Options};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else if p.extension().is_none_or(|x| x != "snap") {
            // A copy is writable, whatever the original (the shared corpus is read-only).
            std::fs::write(&dest, std::fs::read(&p).unwrap()).unwrap();
        }
    }
}

/// Every file under `dir` with its text, by path relative to `dir`.
fn texts(dir: &Path) -> Vec<(PathBuf, String)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let text = std::fs::read_to_string(&p).unwrap();
                out.push((p.strip_prefix(base).unwrap().to_path_buf(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

fn options(dir: &Path) -> Options {
    Options {
        paths: vec![dir.to_path_buf()],
        today: "2026-01-01".into(),
        ..Options::default()
    }
}

/// A copy of `case` in a fresh temporary directory, as `<tmp>/case`.
fn copy_case(case: &Path) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("case");
    copy_dir(case, &dir);
    (tmp, dir)
}

/// Whether `--fix` applies this finding's fix.
fn applicable(f: &Finding) -> bool {
    f.severity >= Severity::Warning
        && f.code() != "ELB900"
        && f.fix.as_ref().is_some_and(|x| x.edit != FixEdit::None)
}

/// (code, message) of the errors and warnings.
fn problems(o: &Outcome) -> BTreeSet<(String, String)> {
    o.findings
        .iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| (f.code().to_string(), f.message.clone()))
        .collect()
}

fn notes(o: &Outcome) -> usize {
    o.findings.iter().filter(|x| x.code() == "ELB900").count()
}

/// The lines `after` lacks of `before`: text the edit removed or changed.
fn removed_lines(before: &str, after: &str) -> Vec<String> {
    similar::TextDiff::from_lines(before, after)
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Delete)
        .map(|c| c.value().to_string())
        .collect()
}

/// Applies each fix suggested for `case` alone to a fresh copy (notes' fixes too, as if they
/// were warnings) and returns how many were tried and what went wrong.
fn try_fixes(case: &Path) -> (usize, Vec<String>) {
    let mut failures = Vec::new();
    let mut checked = 0;
    let outcome = check(&options(case));
    for f in outcome.findings.iter().filter(|f| f.fix.is_some()) {
        let fix_text = f.fix_text().unwrap();
        let at = format!("{}: the fix for {}", case.display(), f.code());
        if f.fix.as_ref().unwrap().edit == FixEdit::None {
            failures.push(format!("{at} has no edit:\n{fix_text}"));
            continue;
        }
        let (_tmp, dir) = copy_case(case);
        let before = check(&options(&dir));
        let Some(same) = before
            .findings
            .iter()
            .find(|x| x.code() == f.code() && x.message == f.message && x.fix == f.fix)
        else {
            failures.push(format!("{at} is not found in a copy"));
            continue;
        };
        let mut one = same.clone();
        one.severity = one.severity.max(Severity::Warning);
        let plan = fix::plan(std::slice::from_ref(&one), &before.sources);
        let refused = fix::write(&plan);
        checked += 1;
        if !plan.refused.is_empty() || !refused.is_empty() || plan.files.is_empty() {
            failures.push(format!(
                "{at} is not applied: {:?} {refused:?}\n{fix_text}",
                plan.refused
            ));
            continue;
        }
        let after = check(&options(&dir));
        if let Some(load) = after.findings.iter().find(|x| x.is_load_error()) {
            failures.push(format!("{at} does not load: {}\n{fix_text}", load.message));
        } else if after
            .findings
            .iter()
            .any(|x| x.code() == f.code() && x.message == f.message)
        {
            failures.push(format!("{at} leaves it in place:\n{fix_text}"));
        } else if notes(&after) > notes(&before) {
            // A fix must decide the question, not make it undecided.
            failures.push(format!("{at} turns it into an undecided note:\n{fix_text}"));
        }
    }
    (checked, failures)
}

#[test]
fn every_suggested_fix_removes_its_finding() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for fx in fixtures::fixtures().iter().filter(|f| f.is_fail()) {
        let (n, f) = try_fixes(&fx.dir);
        checked += n;
        failures.extend(f);
    }
    assert!(checked >= 20, "only {checked} fixes were tried");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// `--fix` on a copy of every failing fixture that has a fix: the fixed findings are gone,
/// nothing new is an error or a warning, nothing was refused, and the edits only inserted.
#[test]
fn fix_makes_every_failing_fixture_clean() {
    let mut fixed = Vec::new();
    let mut failures = Vec::new();
    for fx in fixtures::fixtures().iter().filter(|f| f.is_fail()) {
        let (_tmp, dir) = copy_case(&fx.dir);
        let before = check(&options(&dir));
        let wanted: Vec<&Finding> = before.findings.iter().filter(|f| applicable(f)).collect();
        if wanted.is_empty() {
            continue;
        }
        let texts_before = texts(&dir);
        let result = check_and_fix(&options(&dir));
        let at = fx.test_name();
        if !result.refused.is_empty() {
            failures.push(format!("{at}: refused {:?}", result.refused));
        }
        if result.written.is_empty() {
            failures.push(format!("{at}: nothing written"));
        }
        let after = &result.outcome;
        if let Some(load) = after.findings.iter().find(|x| x.is_load_error()) {
            failures.push(format!("{at}: the result does not load: {}", load.message));
        }
        for f in &wanted {
            if after
                .findings
                .iter()
                .any(|x| x.code() == f.code() && x.message == f.message)
            {
                failures.push(format!("{at}: {} is still there: {}", f.code(), f.message));
            }
        }
        if after
            .findings
            .iter()
            .any(|x| x.code() == fx.code && applicable(x))
        {
            failures.push(format!("{at}: a fixable {} finding remains", fx.code));
        }
        let new: Vec<_> = problems(after)
            .difference(&problems(&before))
            .cloned()
            .collect();
        if !new.is_empty() {
            failures.push(format!("{at}: new problems {new:?}"));
        }
        if notes(after) > notes(&before) {
            failures.push(format!("{at}: the fixes made a question undecided"));
        }
        let texts_after = texts(&dir);
        for ((path, old), (_, new)) in texts_before.iter().zip(&texts_after) {
            let removed = removed_lines(old, new);
            if !removed.is_empty() {
                failures.push(format!("{at}: {} lost {removed:?}", path.display()));
            }
        }
        fixed.push(at);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        fixed.len() >= 40,
        "only {} fixtures fixed: {fixed:?}",
        fixed.len()
    );
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

fn bin() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tf-elbcheck"));
    cmd.env_remove("NO_COLOR").args(["--color", "never"]);
    cmd
}

fn fixture(rel: &str) -> PathBuf {
    fixtures::root().join(rel)
}

/// `--diff` from the directory above a copy of `case`: (stdout, stderr, status).
fn diff_of(case: &str, jobs: &str) -> (String, String, i32) {
    let (tmp, _) = copy_case(&fixture(case));
    let out = bin()
        .current_dir(tmp.path())
        .args(["--diff", "-j", jobs, "case"])
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    // Nothing changed on disk.
    assert_eq!(
        texts(&tmp.path().join("case")),
        texts(&fixture(case))
            .into_iter()
            .filter(|(p, _)| p.extension().is_none_or(|x| x != "snap"))
            .collect::<Vec<_>>()
    );
    (
        text(out.stdout),
        text(out.stderr),
        out.status.code().unwrap(),
    )
}

#[test]
fn diff_output_is_byte_stable() {
    for (case, name) in [
        ("ELB004/fail_many_constructs", "diff_many_constructs"),
        (
            "ELB014/fail_default_network_acl_empty",
            "diff_default_network_acl_empty",
        ),
    ] {
        let (one, err, status) = diff_of(case, "1");
        let (two, err_two, _) = diff_of(case, "2");
        assert_eq!(
            (&one, &err),
            (&two, &err_two),
            "{case}: the diff depends on the number of threads"
        );
        assert_eq!(status, 1, "{case}: the findings are still there");
        let one = format!("{one}--- stderr ---\n{err}");
        insta::assert_snapshot!(name, one);
    }
}

/// What `--diff` prints can be applied with `patch -p1`, and gives what `--fix` writes.
#[test]
fn diff_matches_what_fix_writes() {
    let case = fixture("ELB004/fail_override_in_module");
    let (tmp, dir) = copy_case(&case);
    let diff = bin()
        .current_dir(tmp.path())
        .args(["--diff", "case"])
        .output()
        .unwrap();
    let diff = String::from_utf8(diff.stdout).unwrap();
    assert!(diff.starts_with("--- a/case/modules/web/ports_override.tf\n+++ b/case/modules/web/ports_override.tf\n@@ "), "{diff}");
    bin()
        .current_dir(tmp.path())
        .args(["--fix", "--format", "compact", "case"])
        .assert()
        .code(0)
        .stderr("fixed case/modules/web/ports_override.tf (1 fix)\n");
    let fixed = texts(&dir);
    // Undo with the diff, reversed: the original comes back.
    let mut undo = std::process::Command::new("patch");
    undo.current_dir(tmp.path())
        .args(["-p1", "-R", "--no-backup-if-mismatch", "-s"]);
    if let Ok(mut child) = undo.stdin(std::process::Stdio::piped()).spawn() {
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(diff.as_bytes())
            .unwrap();
        assert!(child.wait().unwrap().success());
        let restored = texts(&dir);
        let original: Vec<_> = texts(&case)
            .into_iter()
            .filter(|(p, _)| p.extension().is_none_or(|x| x != "snap"))
            .collect();
        assert_eq!(restored, original);
    } else {
        eprintln!("no `patch` here; the round trip is skipped");
    }
    assert_ne!(fixed, texts(&dir));
}

/// The fixes of ELB004/fail_many_constructs go into two files: (run, the two files).
fn two_file_case() -> (tempfile::TempDir, PathBuf, Outcome) {
    let (tmp, dir) = copy_case(&fixture("ELB004/fail_many_constructs"));
    let outcome = check(&options(&dir));
    let plan = fix::plan(&outcome.findings, &outcome.sources);
    assert_eq!(plan.files.len(), 2, "{plan:?}");
    (tmp, dir, outcome)
}

#[test]
fn a_file_changed_since_it_was_read_is_refused_and_the_others_fixed() {
    let (_tmp, _dir, outcome) = two_file_case();
    let plan = fix::plan(&outcome.findings, &outcome.sources);
    let changed = &plan.files[0];
    let text = std::fs::read_to_string(&changed.path).unwrap();
    std::fs::write(&changed.path, format!("{text}\n# edited meanwhile\n")).unwrap();
    // Planned again: refused at once.
    let again = fix::plan(&outcome.findings, &outcome.sources);
    assert_eq!(again.refused.len(), 1, "{again:?}");
    assert_eq!(again.refused[0].display, changed.display);
    assert_eq!(
        again.refused[0].reason,
        "it changed on disk since it was read"
    );
    assert_eq!(again.files.len(), 1);
    assert_ne!(again.files[0].display, changed.display);
    // Planned before the change and written after it: refused when written.
    let refused = fix::write(&plan);
    assert_eq!(refused.len(), 1, "{refused:?}");
    assert!(refused[0]
        .to_string()
        .starts_with(&format!("not fixing {}: it changed", changed.display)));
    assert!(std::fs::read_to_string(&changed.path)
        .unwrap()
        .ends_with("# edited meanwhile\n"));
    let other = &plan.files[1];
    assert_eq!(std::fs::read_to_string(&other.path).unwrap(), other.after);
}

/// A file without write permission is refused. The check reads the permission bits, so it
/// holds for root too (who could write the file anyway).
#[test]
#[cfg(unix)]
fn a_read_only_file_is_refused_and_the_others_fixed() {
    use std::os::unix::fs::PermissionsExt;
    let (tmp, dir, outcome) = two_file_case();
    let plan = fix::plan(&outcome.findings, &outcome.sources);
    let locked = plan.files[0].path.clone();
    let original = std::fs::read_to_string(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o444)).unwrap();
    let rel = locked
        .strip_prefix(tmp.path().canonicalize().unwrap())
        .unwrap();
    let out = bin()
        .current_dir(tmp.path())
        .args(["--fix", "--format", "compact", "case"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "error: not fixing {}: it is read-only\n",
            rel.display()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("fixed case/"),
        "the other file is fixed: {stderr}"
    );
    assert_eq!(std::fs::read_to_string(&locked).unwrap(), original);
    // What remains is what the locked file's fixes were for.
    let locked_id = outcome
        .sources
        .files()
        .find(|(_, f)| f.path == locked)
        .map(|(id, _)| id)
        .unwrap();
    let expected: BTreeSet<(String, String)> = outcome
        .findings
        .iter()
        .filter(|f| applicable(f) && f.fix.as_ref().unwrap().edit.file() == Some(locked_id))
        .map(|f| (f.code().to_string(), f.message.clone()))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(problems(&check(&options(&dir))), expected);
}

#[test]
fn a_fix_that_spans_two_files_is_refused() {
    let (_tmp, _dir, outcome) = two_file_case();
    let files: Vec<_> = fix::plan(&outcome.findings, &outcome.sources)
        .files
        .iter()
        .map(|f| f.display.clone())
        .collect();
    let mut findings = outcome.findings.clone();
    // Point one fix's block into the other file.
    let spans: Vec<_> = findings
        .iter()
        .filter(|f| applicable(f))
        .map(|f| f.span)
        .collect();
    let (a, b) = (
        spans[0],
        *spans.iter().find(|s| s.file != spans[0].file).unwrap(),
    );
    for f in findings.iter_mut().filter(|f| applicable(f) && f.span == a) {
        f.fix.as_mut().unwrap().edit = FixEdit::InsertInBlock {
            file: a.file,
            block: b,
        };
    }
    let plan = fix::plan(&findings, &outcome.sources);
    assert_eq!(plan.refused.len(), 1, "{plan:?}");
    let r = &plan.refused[0];
    assert!(
        r.reason.contains(" spans two files (its block is in "),
        "{r}"
    );
    assert!(files.contains(&r.display));
    assert_eq!(plan.files.len(), 1, "the other file is still fixed");
}

/// Comments, blank lines and odd layout around the edit stay as they were.
#[test]
fn comments_and_blank_lines_elsewhere_are_untouched() {
    let case = fixture("ELB004/fail_no_ingress");
    let (tmp, dir) = copy_case(&case);
    let main = dir.join("main.tf");
    let original = std::fs::read_to_string(&main).unwrap();
    let decorated = format!(
        "# Leading comment\n\n\n/* a block\n   comment */\n{}\n\n# trailing comment, after two blank lines\n   \n",
        original
            .replace("\n}\n", "\n} # closing comment\n")
            .replacen("{\n", "{   # opening comment\n\n", 3)
    );
    std::fs::write(&main, &decorated).unwrap();
    bin()
        .current_dir(tmp.path())
        .args(["--fix", "case"])
        .assert()
        .code(0);
    let fixed = std::fs::read_to_string(&main).unwrap();
    assert!(removed_lines(&decorated, &fixed).is_empty());
    let added: String = similar::TextDiff::from_lines(&decorated, &fixed)
        .iter_all_changes()
        .filter(|c| c.tag() == similar::ChangeTag::Insert)
        .map(|c| c.value())
        .collect();
    assert!(
        added.contains("resource \"aws_security_group_rule\" \"app_ingress_8080\" {\n"),
        "{added}"
    );
    assert!(
        fixed.ends_with("\n\n# trailing comment, after two blank lines\n   \n"),
        "{fixed}"
    );
}

#[test]
fn notes_and_advice_are_never_applied() {
    // ELB023 suggests a rule, but only as a note; ELB900 notes have no fix.
    let (tmp, dir) = copy_case(&fixture("ELB023/fail_no_icmp"));
    let before = texts(&dir);
    let outcome = check(&options(&dir));
    assert!(outcome
        .findings
        .iter()
        .any(|f| f.code() == "ELB023" && f.fix.is_some()));
    bin()
        .current_dir(tmp.path())
        .args(["--fix", "case"])
        .assert()
        .code(0)
        .stderr("");
    assert_eq!(texts(&dir), before);
}

#[test]
fn fix_and_diff_do_not_mix_with_each_other_or_other_outputs() {
    for args in [
        &["--fix", "--diff"][..],
        &["--diff", "--format", "json"],
        &["--diff", "--output", "x.json"],
    ] {
        bin().args(args).arg("/nonexistent").assert().code(2);
    }
}

//! `--fix` and `--diff`: the edits of the findings' fixes ([`FixEdit`]), applied to the texts
//! the run read.
//!
//! [`plan`] works out the new text of every file a fix edits, with `hcl-edit` (`edit.rs`), so
//! that comments and layout outside the inserted HCL stay as they are. Several fixes to one
//! file are applied together, and identical fixes once. Only warnings and errors whose fix
//! carries an edit are applied, never a note (ELB900, or advice such as ELB023's), and always
//! with the rule the check suggested (a new resource may be renamed when its name is taken; a
//! network ACL rule whose number another fix takes is deferred to a pass on the result). A
//! file is refused, and the others applied, when it changed on disk since the run read it,
//! when it is read-only, when a fix's edit names a block in another file, or when its text
//! cannot be edited safely (JSON, a module `terraform init` installed, a text `hcl-edit`
//! cannot keep). [`diff`] shows a plan as a unified diff; [`write()`] carries it out, each file
//! written to a temporary file beside it and renamed over it, so that a crash never leaves a
//! half-written file.

mod edit;

use crate::diagnostic::{Finding, FixEdit, Severity};
use crate::source::{FileId, SourceTable};
use edit::Target;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// What applying a set of fixes would change.
#[derive(Debug, Default)]
pub struct Plan {
    /// The files that change, sorted by displayed path.
    pub files: Vec<FileChange>,
    /// The files whose fixes are not applied, sorted by displayed path.
    pub refused: Vec<Refusal>,
    /// Fixes left for a pass on the result (their ACL rule numbers collide with another
    /// fix's), sorted by displayed path.
    pub deferred: Vec<Refusal>,
}

impl Plan {
    /// How many distinct fixes the plan applies.
    pub fn fixes(&self) -> usize {
        self.files.iter().map(|f| f.fixes).sum()
    }
}

/// One file's text before and after its fixes.
#[derive(Debug)]
pub struct FileChange {
    /// The file on disk.
    pub path: PathBuf,
    /// The path as shown: relative to the current directory.
    pub display: String,
    /// The text as the run read it, byte for byte (a leading BOM included).
    pub before: String,
    pub after: String,
    /// How many distinct fixes go into the file.
    pub fixes: usize,
}

/// A file whose fixes are not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The path as shown.
    pub display: String,
    pub reason: String,
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not fixing {}: {}", self.display, self.reason)
    }
}

/// Works out the new text of every file the fixes of `findings` edit. Reads each file once
/// more, to refuse one that changed since the run read it or that cannot be written.
pub fn plan(findings: &[Finding], sources: &SourceTable) -> Plan {
    let mut per_file: BTreeMap<FileId, Vec<(Target, &str)>> = BTreeMap::new();
    let mut refused = Vec::new();
    let mut deferred = Vec::new();
    for f in findings {
        let Some(fix) = &f.fix else { continue };
        // Notes are advice (and ELB900 notes say only that a question is open).
        if f.code() == "ELB900" || f.severity < Severity::Warning {
            continue;
        }
        let (file, target) = match fix.edit {
            FixEdit::None => continue,
            FixEdit::AppendToFile { file } => (file, Target::End),
            FixEdit::InsertInBlock { file, block } if block.file == file => {
                (file, Target::Block(block.start as usize))
            }
            FixEdit::InsertInBlock { file, block } => {
                refused.push(Refusal {
                    display: sources.get(file).display().to_string(),
                    reason: format!(
                        "the fix for {} spans two files (its block is in {})",
                        f.code(),
                        sources.get(block.file).display()
                    ),
                });
                continue;
            }
        };
        per_file
            .entry(file)
            .or_default()
            .push((target, fix.text.as_str()));
    }
    let mut files = Vec::new();
    for (id, edits) in per_file {
        let src = sources.get(id);
        let display = src.display().to_string();
        match plan_file(&src.path, &src.text, src.bom, src.unloaded, &edits) {
            Ok((change, applied)) => {
                let note = |reason| Refusal {
                    display: display.clone(),
                    reason,
                };
                deferred.extend(applied.deferred.into_iter().map(note));
                refused.extend(applied.refused.into_iter().map(note));
                files.extend(change.map(|c| FileChange { display, ..c }));
            }
            Err(reason) => refused.push(Refusal { display, reason }),
        }
    }
    files.sort_by(|a, b| a.display.cmp(&b.display));
    for list in [&mut refused, &mut deferred] {
        list.sort_by(|a, b| a.display.cmp(&b.display));
        list.dedup();
    }
    Plan {
        files,
        refused,
        deferred,
    }
}

/// The change of one file (`None` when the fixes leave it as it is), and what [`edit::apply`]
/// says of the fixes it left out.
fn plan_file(
    path: &Path,
    text: &str,
    bom: usize,
    unloaded: bool,
    edits: &[(Target, &str)],
) -> Result<(Option<FileChange>, edit::Applied), String> {
    if unloaded {
        return Err("its text was not kept".into());
    }
    if path.extension().is_some_and(|e| e == "json") {
        return Err("it is JSON; apply the suggested fix by hand".into());
    }
    if path.components().any(|c| c.as_os_str() == ".terraform") {
        return Err(
            "it belongs to a module that `terraform init` installed; fix the module's source"
                .into(),
        );
    }
    let before = format!("{}{text}", if bom > 0 { "\u{feff}" } else { "" });
    check_on_disk(path, &before)?;
    let mut applied = edit::apply(text, edits)?;
    let after = format!(
        "{}{}",
        if bom > 0 { "\u{feff}" } else { "" },
        std::mem::take(&mut applied.text)
    );
    let change = (after != before).then(|| FileChange {
        path: path.to_path_buf(),
        display: String::new(),
        before,
        after,
        fixes: applied.count,
    });
    Ok((change, applied))
}

/// Fails when the file on disk is no longer `expected` or cannot be written.
fn check_on_disk(path: &Path, expected: &str) -> Result<(), String> {
    let on_disk = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
    if on_disk != expected.as_bytes() {
        return Err("it changed on disk since it was read".into());
    }
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read it: {e}"))?;
    if meta.permissions().readonly() {
        return Err("it is read-only".into());
    }
    Ok(())
}

/// The plan as a unified diff, one file after another in path order, with `a/` and `b/`
/// prefixes on paths relative to the current directory (`patch -p1` and `git apply` take it).
pub fn diff(plan: &Plan) -> String {
    let mut out = String::new();
    for f in &plan.files {
        let diff = similar::TextDiff::from_lines(&f.before, &f.after);
        let a = format!("a/{}", f.display);
        let b = format!("b/{}", f.display);
        out.push_str(
            &diff
                .unified_diff()
                .context_radius(3)
                .header(&a, &b)
                .to_string(),
        );
    }
    out
}

/// Writes the plan's files, each only if it is still as the run read it; returns the files
/// that were not written, and why.
pub fn write(plan: &Plan) -> Vec<Refusal> {
    let mut refused = Vec::new();
    for f in &plan.files {
        let result = check_on_disk(&f.path, &f.before).and_then(|()| replace(&f.path, &f.after));
        if let Err(reason) = result {
            refused.push(Refusal {
                display: f.display.clone(),
                reason,
            });
        }
    }
    refused
}

/// Replaces the file with `text`: written to a temporary file in the same directory (with
/// the file's permissions), flushed to disk, then renamed over it.
fn replace(path: &Path, text: &str) -> Result<(), String> {
    // Through a link, the file it points to is replaced, not the link.
    let real = std::fs::canonicalize(path);
    let path = real.as_deref().unwrap_or(path);
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map_or_else(|| "file".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.tf-elbcheck-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.set_permissions(std::fs::metadata(path)?.permissions())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write it: {e}")
    })
}

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
//!
//! [`text_edit`] is the same computation for one fix against any text of the file it edits
//! (the language server's quick fix runs it on the editor's unsaved buffer): the byte range it
//! replaces and the new text.

mod edit;

use crate::diagnostic::{Finding, FixEdit, Severity};
use crate::source::{FileId, SourceTable};
pub use edit::Target;
use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
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
        let (file, target) = match placement(f) {
            Placement::None => continue,
            Placement::At(file, target) => (file, target),
            Placement::TwoFiles { file, block } => {
                refused.push(Refusal {
                    display: sources.get(file).display().to_string(),
                    reason: format!(
                        "the fix for {} spans two files (its block is in {})",
                        f.code(),
                        sources.get(block).display()
                    ),
                });
                continue;
            }
        };
        let text = f.fix.as_ref().map_or("", |x| x.text.as_str());
        per_file.entry(file).or_default().push((target, text));
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
    editable(path)?;
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

/// Where the fix of a finding goes, as [`plan`] sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// `--fix` does not apply it: no fix, a fix that is only advice, a note.
    None,
    /// Into this file, at this target.
    At(FileId, Target),
    /// Into `file`, in a block that lies in another file: refused.
    TwoFiles { file: FileId, block: FileId },
}

/// Where `--fix` puts the fix of `f`. Only warnings and errors whose fix carries an edit are
/// applied: notes are advice (and ELB900 notes say only that a question is open).
pub fn placement(f: &Finding) -> Placement {
    let Some(fix) = &f.fix else {
        return Placement::None;
    };
    if f.code() == "ELB900" || f.severity < Severity::Warning {
        return Placement::None;
    }
    match fix.edit {
        FixEdit::None => Placement::None,
        FixEdit::AppendToFile { file } => Placement::At(file, Target::End),
        FixEdit::InsertInBlock { file, block } if block.file == file => {
            Placement::At(file, Target::Block(block.start as usize))
        }
        FixEdit::InsertInBlock { file, block } => Placement::TwoFiles {
            file,
            block: block.file,
        },
    }
}

/// Fails when a fix must not edit the file at `path`, whatever its text: a JSON file (the fix
/// is HCL), a module that `terraform init` installed.
pub fn editable(path: &Path) -> Result<(), String> {
    if path.extension().is_some_and(|e| e == "json") {
        return Err("it is JSON; apply the suggested fix by hand".into());
    }
    if path.components().any(|c| c.as_os_str() == ".terraform") {
        return Err(
            "it belongs to a module that `terraform init` installed; fix the module's source"
                .into(),
        );
    }
    Ok(())
}

/// One edit of a file's text: the bytes of `range` replaced by `text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEdit {
    pub range: Range<usize>,
    pub text: String,
}

impl TextEdit {
    /// `before` with the edit made.
    pub fn apply(&self, before: &str) -> String {
        let mut out = String::with_capacity(before.len() + self.text.len());
        out.push_str(&before[..self.range.start]);
        out.push_str(&self.text);
        out.push_str(&before[self.range.end..]);
        out
    }
}

/// The edit that applies one fix (`fix`, the HCL of a [`crate::diagnostic::Fix`], at `target`)
/// to `text`, the text of the file it edits without a byte order mark: exactly what [`plan`]
/// makes of that fix alone in that text. `Ok(None)` when the fix is already there; an error
/// when it cannot go in (its block is not at `target`, the text does not parse or its layout
/// could not be kept, the ACL rule number is taken).
pub fn text_edit(text: &str, target: Target, fix: &str) -> Result<Option<TextEdit>, String> {
    let applied = edit::apply(text, &[(target, fix)])?;
    if let Some(reason) = applied.refused.into_iter().chain(applied.deferred).next() {
        return Err(reason);
    }
    Ok(difference(text, &applied.text))
}

/// The one edit that turns `before` into `after` (the bytes between their common prefix and
/// suffix), `None` when they are equal.
fn difference(before: &str, after: &str) -> Option<TextEdit> {
    if before == after {
        return None;
    }
    let mut start = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(start) || !after.is_char_boundary(start) {
        start -= 1;
    }
    let longest = before.len().min(after.len()) - start;
    let mut common = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(longest)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - common)
        || !after.is_char_boundary(after.len() - common)
    {
        common -= 1;
    }
    Some(TextEdit {
        range: start..before.len() - common,
        text: after[start..after.len() - common].to_string(),
    })
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

#[cfg(test)]
mod tests {
    use super::{difference, text_edit, Target, TextEdit};

    #[test]
    fn the_difference_is_one_edit_on_character_boundaries() {
        assert_eq!(difference("abc", "abc"), None);
        let e = difference("ab\ncd", "ab\nxx\ncd").unwrap();
        assert_eq!(e.apply("ab\ncd"), "ab\nxx\ncd");
        assert_eq!(e.range.start, e.range.end);
        // The inserted text starts with the same lead byte as the character after it.
        let e = difference("aé", "aèé").unwrap();
        assert_eq!(e.apply("aé"), "aèé");
        assert!("aé".is_char_boundary(e.range.start));
        assert_eq!(
            difference("x", "").unwrap(),
            TextEdit {
                range: 0..1,
                text: String::new()
            }
        );
    }

    #[test]
    fn one_fix_is_the_edit_the_plan_makes() {
        let text = "resource \"aws_security_group\" \"web\" {\r\n  name = \"w\"\r\n}\r\n";
        let fix =
            "# inside resource \"aws_security_group\" \"web\"\ningress {\n  from_port = 80\n}";
        let e = text_edit(text, Target::Block(3), fix).unwrap().unwrap();
        assert_eq!(
            e.apply(text),
            "resource \"aws_security_group\" \"web\" {\r\n  name = \"w\"\r\n\r\n  ingress {\r\n    from_port = 80\r\n  }\r\n}\r\n"
        );
        // A new resource already declared the same way: nothing more to do.
        let resource = "resource \"aws_security_group_rule\" \"r\" {\n  type = \"ingress\"\n}";
        let e = text_edit(text, Target::End, resource).unwrap().unwrap();
        assert_eq!(e.range, text.len()..text.len());
        assert_eq!(text_edit(&e.apply(text), Target::End, resource), Ok(None));
        // The block at the offset is not the resource the fix names.
        let other = text.replace("\"web\"", "\"app\"");
        assert!(text_edit(&other, Target::Block(3), fix).is_err());
    }
}

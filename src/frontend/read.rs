//! Reading one file safely (size limit, binary and encoding checks) and parsing it with
//! `hcl-edit`, turning every failure into a located TF001 finding.

use super::lower::Lowerer;
use crate::diagnostic::{Finding, Severity};
use crate::source::{display_path, FileId, SourceFile, SourceTable, Span};
use crate::syntax::Body;
use std::path::Path;

/// Limits that turn pathological input into errors instead of exhausting the machine.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Largest file read, in bytes.
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 16 * 1024 * 1024,
        }
    }
}

/// Reads a file into the source table. Unreadable, oversized, binary and non-UTF-8 files are
/// added with empty text and reported.
pub fn read_source(
    path: &Path,
    sources: &mut SourceTable,
    limits: &Limits,
) -> Result<FileId, Finding> {
    let (file, failure) = read_file(path, FileId(sources.len() as u32), limits);
    let id = sources.push(file);
    match failure {
        None => Ok(id),
        Some(f) => Err(f),
    }
}

/// Reads a file that will get id `id` in the source table, without touching the table, so that
/// files can be read on several threads and added in a fixed order afterwards. A file that
/// cannot be used is returned with the text read so far (or none) and the finding saying why.
pub fn read_file(path: &Path, id: FileId, limits: &Limits) -> (SourceFile, Option<Finding>) {
    let fail = |offset: usize, text: String, msg: String| {
        let file = SourceFile::new(path.to_path_buf(), display_path(path), text);
        let len = file.text.len();
        let finding = Finding::new(
            "TF001",
            Severity::Error,
            Span::new(id, offset.min(len), offset.min(len)),
            msg,
        );
        (file, Some(finding))
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return fail(0, String::new(), format!("cannot read file: {e}")),
    };
    if meta.len() > limits.max_file_bytes {
        return fail(
            0,
            String::new(),
            format!(
                "file is {} bytes, larger than the limit of {} bytes; it was not read",
                meta.len(),
                limits.max_file_bytes
            ),
        );
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return fail(0, String::new(), format!("cannot read file: {e}")),
    };
    if let Some(nul) = bytes.iter().position(|&b| b == 0) {
        let valid = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        return fail(
            nul,
            valid,
            "file is binary (it contains a NUL byte), not Terraform source".into(),
        );
    }
    match String::from_utf8(bytes) {
        Ok(text) => (
            SourceFile::new(path.to_path_buf(), display_path(path), text),
            None,
        ),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = String::from_utf8_lossy(&bytes[..at]).into_owned();
            fail(
                at,
                valid,
                "file is not valid UTF-8; Terraform reads source as UTF-8".into(),
            )
        }
    }
}

/// Parses native HCL text of a file already in the source table.
pub fn parse_hcl(id: FileId, sources: &SourceTable) -> Result<Body, Finding> {
    parse_hcl_text(id, &sources.get(id).text)
}

/// Parses native HCL `text`, the text of file `id`.
pub fn parse_hcl_text(id: FileId, text: &str) -> Result<Body, Finding> {
    match hcl_edit::parser::parse_body(text) {
        Ok(body) => Ok(Lowerer { file: id, base: 0 }.body(&body)),
        Err(e) => {
            let offset = e.location().offset().min(text.len());
            let message = e.message().trim().to_string();
            let message = if message.is_empty() {
                "syntax error".to_string()
            } else {
                format!("syntax error: {message}")
            };
            Err(Finding::new(
                "TF001",
                Severity::Error,
                Span::new(id, offset, offset),
                message,
            ))
        }
    }
}

//! Reading one file safely (size limit, binary and encoding checks) and parsing it (native
//! syntax with `hcl-edit`, JSON syntax for `.json` names), turning every failure into a located
//! TF001 finding.

use super::json;
use super::lower::Lowerer;
use crate::diagnostic::codes::TF001;
use crate::diagnostic::Finding;
use crate::source::{FileId, SourceFile, SourceTable, Span};
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

/// Why a file could not be used as Terraform source. The messages are those of the TF001
/// finding it becomes ([`ReadError::finding`]).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot read file: it is not a regular file (a directory, device or pipe)")]
    NotRegular,
    #[error("file is {len} bytes, larger than the limit of {limit} bytes; it was not read")]
    TooLarge { len: u64, limit: u64 },
    #[error("file is binary (it contains a NUL byte), not Terraform source")]
    Binary { offset: usize },
    #[error("file is not valid UTF-8; Terraform reads source as UTF-8")]
    NotUtf8 { offset: usize },
}

impl ReadError {
    /// The byte offset the problem starts at (0 when the file was not read).
    pub fn offset(&self) -> usize {
        match self {
            ReadError::Binary { offset } | ReadError::NotUtf8 { offset } => *offset,
            _ => 0,
        }
    }

    /// The TF001 finding for file `id` whose usable text is `len` bytes long.
    pub fn finding(&self, id: FileId, len: usize) -> Finding {
        let at = self.offset().min(len);
        Finding::new(&TF001, Span::new(id, at, at), self.to_string())
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
    let fail = |text: String, error: ReadError| {
        let file = SourceFile::new(path.to_path_buf(), text);
        let finding = error.finding(id, file.text.len());
        (file, Some(finding))
    };
    let bytes = match read_bounded(path, limits.max_file_bytes) {
        Ok(b) => b,
        Err(e) => return fail(String::new(), e),
    };
    if let Some(nul) = memchr::memchr(0, &bytes) {
        let valid = String::from_utf8_lossy(&bytes[..nul]).into_owned();
        return fail(valid, ReadError::Binary { offset: nul });
    }
    match String::from_utf8(bytes) {
        Ok(text) => (SourceFile::new(path.to_path_buf(), text), None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let valid = String::from_utf8_lossy(&bytes[..at]).into_owned();
            fail(valid, ReadError::NotUtf8 { offset: at })
        }
    }
}

/// Reads at most `limit` bytes of a regular file. Anything else (a directory, a FIFO that would
/// block forever, a device such as `/dev/zero` that never ends) and any file larger than the
/// limit is refused with a message saying why, without reading it. The read itself is bounded
/// too, so a file that grows while it is read cannot exhaust memory.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let file = open_nonblocking(path)?;
    // The checks use the descriptor just opened (one path lookup, no race with a rename).
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            len: meta.len(),
            limit,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            len: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

/// Opens `path` for reading without blocking: opening a FIFO with no writer would otherwise
/// wait forever. Nothing is read before [`read_bounded`] has checked that it is a regular file,
/// and on a regular file the flag changes nothing.
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

/// Opens `path` for reading; only Unix has FIFOs that block on open.
#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Parses the text of file `id`, read from `path`: JSON syntax for `.json` names, else HCL.
pub fn parse_text(path: &Path, id: FileId, text: &str) -> Result<Body, Finding> {
    if path.to_string_lossy().ends_with(".json") {
        json::parse_json_text(id, text)
    } else {
        parse_hcl_text(id, text)
    }
}

/// Reads and parses one `.tf`, `.tf.json`, `.tfvars` or `.tfvars.json` file.
pub fn parse_file(
    file: &Path,
    sources: &mut SourceTable,
    limits: &Limits,
    findings: &mut Vec<Finding>,
) -> Option<Body> {
    let id = match read_source(file, sources, limits) {
        Ok(id) => id,
        Err(f) => {
            findings.push(f);
            return None;
        }
    };
    match parse_text(file, id, &sources.get(id).text) {
        Ok(body) => Some(body),
        Err(f) => {
            findings.push(f);
            None
        }
    }
}

/// Parses native HCL text of a file already in the source table.
pub fn parse_hcl(id: FileId, sources: &SourceTable) -> Result<Body, Finding> {
    parse_hcl_text(id, &sources.get(id).text)
}

/// Parses native HCL `text`, the text of file `id`.
pub(super) fn parse_hcl_text(id: FileId, text: &str) -> Result<Body, Finding> {
    let parsed = hcl_edit::parser::parse_body(text).or_else(|e| {
        // Terraform 0.11 accepted quoted block types (`"listener" {`); read them as the
        // identifiers they are, keeping every byte offset.
        match unquote_block_types(text) {
            Some(fixed) => hcl_edit::parser::parse_body(&fixed).map_err(|_| e),
            None => Err(e),
        }
    });
    match parsed {
        Ok(body) => Ok(Lowerer { file: id, base: 0 }.body(&body)),
        Err(e) => {
            let offset = e.location().offset().min(text.len());
            let message = e.message().trim().to_string();
            let message = if message.is_empty() {
                "syntax error".to_string()
            } else {
                format!("syntax error: {message}")
            };
            Err(Finding::new(&TF001, Span::new(id, offset, offset), message))
        }
    }
}

/// Rewrites lines of the form `  "name" {` to `   name  {` (same length), or `None` when
/// there are none.
fn unquote_block_types(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        let rewritten = trimmed.strip_prefix('"').and_then(|rest| {
            let end = rest.find('"')?;
            let name = &rest[..end];
            let after = rest[end + 1..].trim();
            let ident = !name.is_empty()
                && name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            (ident && after == "{")
                .then(|| format!("{} {name} {}", &line[..indent], &rest[end + 1..]))
        });
        match rewritten {
            Some(l) => {
                changed = true;
                out.push_str(&l);
            }
            None => out.push_str(line),
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_block_types_keep_offsets() {
        let text = "resource \"aws_elb\" \"x\" {\n  \"listener\" {\n    lb_port = 80\n  }\n}\n";
        let fixed = unquote_block_types(text).unwrap();
        assert_eq!(fixed.len(), text.len());
        assert!(fixed.contains("   listener  {"));
        let mut sources = SourceTable::new();
        let id = sources.add("main.tf".into(), text.to_string());
        let body = parse_hcl(id, &sources).unwrap();
        assert_eq!(body.blocks[0].body.blocks[0].kind, "listener");
        assert!(unquote_block_types("a = \"b\"\n").is_none());
    }
}

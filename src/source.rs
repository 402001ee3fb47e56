//! The source table: every file the run read, its text, and the one place where a byte offset
//! becomes a 1-based line and column.

use std::path::{Path, PathBuf};

/// The word that starts a directive in a comment (`# tf-elbcheck:ignore …`, read by
/// [`crate::suppress`]). The text of a file that holds it is never let go
/// ([`SourceFile::unloaded`]), since suppressions are read from it.
pub const MARKER: &str = "tf-elbcheck:";

/// Index of a file in the [`SourceTable`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }

    /// The smallest span covering both (same file assumed; otherwise `self`).
    pub fn to(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A resolved 1-based position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// One file that was read.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as the user should see it ([`Self::display`]), worked out on first use: most
    /// files are never named in the output.
    display: std::sync::OnceLock<String>,
    /// The path on disk.
    pub path: PathBuf,
    /// The text with a leading UTF-8 BOM removed.
    pub text: String,
    /// Byte length of the removed BOM (0 or 3): offsets in `text` are shifted by it on disk.
    pub bom: usize,
    /// Set when the text was let go to save memory (a file of a root checked early, with no
    /// finding and no directive in it); [`crate::frontend::discover::reload_texts`] reads it
    /// again if it is needed after all.
    pub unloaded: bool,
    /// Where each line starts, computed on first use: most files never have a finding, and
    /// keeping an index for each of them cost memory the run then had to fault in.
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> SourceFile {
        let (text, bom) = match text.strip_prefix('\u{feff}') {
            Some(rest) => (rest.to_string(), 3),
            None => (text, 0),
        };
        SourceFile {
            display: std::sync::OnceLock::new(),
            path,
            text,
            bom,
            unloaded: false,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// The path as the user should see it: relative to the working directory when possible
    /// ([`display_path`]).
    pub fn display(&self) -> &str {
        self.display.get_or_init(|| display_path(&self.path))
    }

    /// The text a span of this file covers (empty where the span does not fit the text).
    pub fn snippet(&self, span: Span) -> &str {
        let s = (span.start as usize).min(self.text.len());
        let e = (span.end as usize).min(self.text.len());
        self.text.get(s..e).unwrap_or("")
    }

    /// Lets the text go (see [`Self::unloaded`]).
    pub fn unload(&mut self) {
        self.text = String::new();
        self.line_starts = std::sync::OnceLock::new();
        self.unloaded = true;
    }

    /// Byte offsets where lines start (offsets fit in `u32`: files are far smaller than 4 GiB).
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i as u32 + 1));
            starts
        })
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line = match starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = starts[line] as usize;
        let mut end = offset;
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }

    /// The text of 1-based line `line` without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let starts = self.line_starts();
        let Some(&start) = starts.get(line.wrapping_sub(1)) else {
            return "";
        };
        let end = starts.get(line).map_or(self.text.len(), |&e| e as usize);
        self.text[start as usize..end].trim_end_matches(['\n', '\r'])
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// All files of a run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct SourceTable {
    files: Vec<SourceFile>,
}

impl SourceTable {
    pub fn new() -> SourceTable {
        SourceTable::default()
    }

    pub fn add(&mut self, path: PathBuf, text: String) -> FileId {
        self.push(SourceFile::new(path, text))
    }

    /// Adds a file built elsewhere (e.g. read on another thread); its id is [`Self::len`] before
    /// the call.
    pub fn push(&mut self, file: SourceFile) -> FileId {
        let id = FileId(self.files.len() as u32);
        self.files.push(file);
        id
    }

    /// Number of files; the next file added gets this id.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Replaces file `id` (after reading it again).
    pub fn replace(&mut self, id: FileId, file: SourceFile) {
        self.files[id.0 as usize] = file;
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Start and end positions of a span.
    pub fn range(&self, span: Span) -> (Position, Position) {
        let f = self.get(span.file);
        (
            f.position(span.start as usize),
            f.position(span.end as usize),
        )
    }

    /// The source text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        self.get(span.file).snippet(span)
    }
}

/// Where the source text of a span can be read: the source table, or, while files are still
/// being read, the files at hand ([`FileSet`]).
pub trait Snippets: Sync {
    /// The text `span` covers, or `None` when its file is not known here.
    fn snippet_of(&self, span: Span) -> Option<&str>;
}

impl Snippets for SourceTable {
    fn snippet_of(&self, span: Span) -> Option<&str> {
        if (span.file.0 as usize) < self.files.len() {
            Some(self.snippet(span))
        } else {
            None
        }
    }
}

/// Some files of a run with their ids, for a check that runs before the source table is built.
#[derive(Default)]
pub struct FileSet<'a> {
    files: Vec<(FileId, &'a SourceFile)>,
}

impl<'a> FileSet<'a> {
    /// Adds `files`, whose ids run from `first` on.
    pub fn extend(&mut self, first: usize, files: impl IntoIterator<Item = &'a SourceFile>) {
        let ids = (first..).map(|i| FileId(i as u32));
        self.files.extend(ids.zip(files));
    }
}

impl Snippets for FileSet<'_> {
    fn snippet_of(&self, span: Span) -> Option<&str> {
        let (_, f) = self.files.iter().find(|(id, _)| *id == span.file)?;
        Some(f.snippet(span))
    }
}

/// A path as the user should see it: relative to the current directory (with `..` when it
/// lies beside it), `/`-separated.
pub fn display_path(path: &Path) -> String {
    let rel = match current_dir() {
        Some(cwd) if path.is_absolute() => {
            relative_to(path, cwd).unwrap_or_else(|| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    };
    let s = rel.to_string_lossy().replace('\\', "/");
    let s = s.strip_prefix("./").map(str::to_string).unwrap_or(s);
    if s.is_empty() {
        ".".to_string()
    } else {
        s
    }
}

/// The working directory with its links resolved, looked up once per process (a run never
/// changes it, and asking per file cost a `getcwd` and a link walk for each).
fn current_dir() -> Option<&'static Path> {
    static CWD: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();
    CWD.get_or_init(|| {
        let cwd = std::env::current_dir().ok()?;
        Some(cwd.canonicalize().unwrap_or(cwd))
    })
    .as_deref()
}

/// `path` relative to `base`, or `None` when they share nothing but the file system root.
fn relative_to(path: &Path, base: &Path) -> Option<PathBuf> {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common <= 1 && b.len() > 1 {
        return None;
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_characters() {
        let f = SourceFile::new("a.tf".into(), "ab\né x\r\nz".into());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        // 'é' is two bytes, so byte 6 is the third character of line 2.
        assert_eq!(f.position(6), Position { line: 2, column: 3 });
        assert_eq!(f.line_text(2), "é x");
        assert_eq!(f.position(9), Position { line: 3, column: 1 });
    }

    #[test]
    fn relative_paths_climb_with_dotdot() {
        assert_eq!(
            relative_to(Path::new("/a/b/c.tf"), Path::new("/a/b")),
            Some("c.tf".into())
        );
        assert_eq!(
            relative_to(Path::new("/a/x/c.tf"), Path::new("/a/b")),
            Some("../x/c.tf".into())
        );
        assert_eq!(relative_to(Path::new("/x/c.tf"), Path::new("/a/b")), None);
    }

    #[test]
    fn bom_is_stripped() {
        let f = SourceFile::new("a.tf".into(), "\u{feff}x = 1".into());
        assert_eq!(f.text, "x = 1");
        assert_eq!(f.bom, 3);
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
    }
}

//! Positions as the Language Server Protocol counts them, and editing a buffer with them.
//!
//! An LSP position is a 0-based line and a 0-based column in UTF-16 code units (the encoding
//! every client supports, and the only one this server offers). Lines end at `\n`, `\r\n` or a
//! lone `\r`, as the protocol says, whatever the source table counts (it only needs `\n`).
//! A column past the end of its line means the end of the line, and a line past the end of
//! the text means the end of the text, as the protocol asks of servers.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// The end of the block whose header starts at byte `start`: just past the `}` that closes
/// the first `{` on the header's line, with strings and comments skipped. `None` when that line
/// opens no block (an argument, `port = 80`) or the block does not close. For the hover, which
/// shows what is proven about a rule anywhere inside its block; a brace inside a heredoc can
/// make the extent wrong, never more than that.
pub fn block_end(text: &str, start: usize) -> Option<usize> {
    let b = text.as_bytes();
    let rest = b.get(start..)?;
    let line_end = start + memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let mut i = start + memchr::memchr(b'{', &b[start..line_end])?;
    let mut depth = 0usize;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'#' => i += memchr::memchr(b'\n', &b[i..]).unwrap_or(b.len() - i),
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i += memchr::memchr(b'\n', &b[i..]).unwrap_or(b.len() - i);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len() - i, |k| k + 3);
            }
            b'{' => depth += 1,
            b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Where each line of a text starts, to turn byte offsets into LSP positions and back.
#[derive(Debug, Clone)]
pub struct LineIndex {
    /// Byte offset of the start of each line; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                // The `\n` of `\r\n` ends the line.
                continue;
            }
            starts.push(i + 1);
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// The LSP position of byte `offset` of `text` (the text this index was built from). An
    /// offset inside a character counts from that character's start.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(self.len).min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.starts[line];
        let character: usize = text[start..offset].chars().map(char::len_utf16).sum();
        Position::new(line as u32, character as u32)
    }

    /// The byte offset of an LSP position in `text`, clamped to the end of its line (before the
    /// line break) and to the end of the text.
    pub fn offset(&self, text: &str, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return text.len();
        };
        let end = self.line_end(text, line);
        let mut units = position.character as usize;
        let mut at = start;
        for c in text[start..end].chars() {
            let width = c.len_utf16();
            if units < width {
                // Inside a surrogate pair, or at the character: stop before it.
                break;
            }
            units -= width;
            at += c.len_utf8();
        }
        at
    }

    /// The byte offset where line `line` ends, before its line break.
    fn line_end(&self, text: &str, line: usize) -> usize {
        let start = self.starts[line];
        let Some(&next) = self.starts.get(line + 1) else {
            return text.len();
        };
        let bytes = text.as_bytes();
        let mut end = next;
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end
    }

    /// The byte range of an LSP range in `text` (start and end in order).
    pub fn range(&self, text: &str, range: Range) -> std::ops::Range<usize> {
        let a = self.offset(text, range.start);
        let b = self.offset(text, range.end);
        a.min(b)..a.max(b)
    }

    /// The LSP range of a byte range of `text`.
    pub fn lsp_range(&self, text: &str, start: usize, end: usize) -> Range {
        Range::new(self.position(text, start), self.position(text, end))
    }

    /// Byte offset of the start of line `line` (the end of the text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }
}

/// Applies the changes of one `textDocument/didChange`, in order: a change with a range
/// replaces that range of the text as the earlier changes left it, one without replaces the
/// whole text.
pub fn apply_changes(text: &str, changes: &[TextDocumentContentChangeEvent]) -> String {
    // Only the changes after the last full replacement matter.
    let first = changes
        .iter()
        .rposition(|c| c.range.is_none())
        .unwrap_or(usize::MAX);
    let (mut out, rest) = match first {
        usize::MAX => (text.to_string(), changes),
        i => (changes[i].text.clone(), &changes[i + 1..]),
    };
    for change in rest {
        let Some(range) = change.range else {
            continue;
        };
        let index = LineIndex::new(&out);
        let bytes = index.range(&out, range);
        out.replace_range(bytes, &change.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_ends_at_its_closing_brace() {
        let text = "ingress { # a { in a comment\n  description = \"a } in a string\"\n  /* } */ x = { a = 1 }\n}\nport = 80\n";
        let end = block_end(text, 0).unwrap();
        assert_eq!(&text[..end], &text[..text.find("}\nport").unwrap() + 1]);
        // An argument opens no block; an unclosed block has no end; past the text is none.
        assert_eq!(block_end(text, text.find("port").unwrap()), None);
        assert_eq!(block_end("ingress {\n  a = 1\n", 0), None);
        assert_eq!(block_end("x", 5), None);
        assert_eq!(block_end("a { \"\\", 0), None);
    }

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn positions_count_utf16_units_per_line() {
        // 'é' is 2 bytes and 1 unit; '😀' is 4 bytes and 2 units.
        let text = "ab\né😀x\r\nz\rw";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 4);
        assert_eq!(index.position(text, 0), pos(0, 0));
        assert_eq!(index.position(text, 3), pos(1, 0));
        assert_eq!(index.position(text, 5), pos(1, 1));
        assert_eq!(index.position(text, 9), pos(1, 3));
        // Inside the emoji: its start.
        assert_eq!(index.position(text, 7), pos(1, 1));
        assert_eq!(index.position(text, 12), pos(2, 0));
        assert_eq!(index.position(text, 14), pos(3, 0));
        assert_eq!(index.position(text, 99), pos(3, 1));
        for offset in [0, 2, 3, 5, 9, 10, 12, 13, 14, 15] {
            assert_eq!(index.offset(text, index.position(text, offset)), offset);
        }
    }

    #[test]
    fn positions_past_a_line_clamp_to_its_end() {
        let text = "abc\r\ndef\n";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 99)), 3);
        assert_eq!(index.offset(text, pos(1, 99)), 8);
        assert_eq!(index.offset(text, pos(2, 0)), 9);
        assert_eq!(index.offset(text, pos(7, 3)), 9);
        // Inside a surrogate pair: before the character.
        let text = "😀b";
        let index = LineIndex::new(text);
        assert_eq!(index.offset(text, pos(0, 1)), 0);
        assert_eq!(index.offset(text, pos(0, 2)), 4);
    }

    #[test]
    fn changes_apply_in_order() {
        let change = |range: Option<Range>, text: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: text.to_string(),
        };
        let text = "port = 80\nname = \"é\"\n";
        let out = apply_changes(
            text,
            &[
                change(Some(Range::new(pos(0, 7), pos(0, 9))), "8080"),
                change(Some(Range::new(pos(1, 8), pos(1, 9))), "ü😀"),
                change(Some(Range::new(pos(2, 0), pos(2, 0))), "x = 1\n"),
            ],
        );
        assert_eq!(out, "port = 8080\nname = \"ü😀\"\nx = 1\n");
        let out = apply_changes(
            text,
            &[
                change(Some(Range::new(pos(0, 0), pos(0, 4))), "gone"),
                change(None, "a = 1\n"),
                change(Some(Range::new(pos(0, 4), pos(0, 5))), "2"),
            ],
        );
        assert_eq!(out, "a = 2\n");
        // A range spanning lines, given end first.
        let out = apply_changes(
            "a\nb\nc\n",
            &[change(Some(Range::new(pos(2, 0), pos(0, 1))), "")],
        );
        assert_eq!(out, "ac\n");
    }
}

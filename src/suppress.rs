//! Suppression comments (`# tf-elbcheck:ignore CODE -- reason`) and the ELB030 findings about them.
//!
//! Grammar, after `#` or `//` (SPEC §6):
//!
//! ```text
//! tf-elbcheck:ignore CODE[,CODE]... [until=YYYY-MM-DD] -- reason
//! ```
//!
//! Codes are separated by commas and/or spaces and are case-insensitive. The reason after `--`
//! is mandatory. A comment at the end of a line of code covers that line; a comment alone on
//! its line covers the next line that is not itself a comment line (so several suppressions
//! can be stacked above one line; a blank line ends the stack). A finding is suppressed when
//! its primary location *starts* on a covered line and its code is named.
//!
//! A suppression that suppresses nothing, has no reason, has passed its `until=` date or is
//! malformed is reported as ELB030 at the exact token at fault. Without a reason, or past its
//! date, or with an invalid date, a comment suppresses nothing (so the finding shows again next
//! to the ELB030 that explains why). Load errors (`TF…`) are never suppressed: they mean the run
//! itself failed. ELB030 cannot be suppressed by a comment either.
//!
//! Comments are found with a small lexer that knows HCL strings (with `${…}` and `%{…}`
//! templates, which may nest strings), heredocs and `/* */` comments, so a `#` inside a string
//! is not a comment. It is best effort: it never fails, and text it cannot make sense of is
//! scanned as code. Only Terraform files are scanned (`.toml` and `.json` files are skipped).

use crate::checks;
use crate::diagnostic::codes::ELB030;
use crate::diagnostic::Finding;
use crate::source::{FileId, SourceTable, Span, MARKER};
use std::collections::{BTreeSet, HashMap};

/// Removes suppressed findings and adds ELB030 for bad or unused suppressions.
/// `today` is `YYYY-MM-DD`; when it is not a valid date, today's UTC date is used.
pub fn apply(findings: Vec<Finding>, sources: &SourceTable, today: &str) -> Vec<Finding> {
    let all: Vec<FileId> = sources.files().map(|(id, _)| id).collect();
    apply_in(findings, sources, today, &all)
}

/// [`apply`] with the directives of only these files: a directive suppresses only findings
/// that start in its own file, so the findings of one file are settled by that file's
/// directives alone (an editor re-checks file by file).
pub fn apply_in(
    findings: Vec<Finding>,
    sources: &SourceTable,
    today: &str,
    files: &[FileId],
) -> Vec<Finding> {
    let today = if parse_date(today).is_some() {
        today.to_string()
    } else {
        today_utc()
    };
    let known: BTreeSet<String> = checks::registry()
        .iter()
        .map(|r| r.code.to_string())
        .chain(findings.iter().map(|f| f.code().to_string()))
        .collect();
    let mut directives = directives_in(sources, files);
    let mut by_line: HashMap<(FileId, usize), Vec<usize>> = HashMap::new();
    for (i, d) in directives.iter().enumerate() {
        if let Some(line) = d.covers {
            by_line.entry((d.span.file, line)).or_default().push(i);
        }
    }

    let mut kept = Vec::with_capacity(findings.len());
    for finding in findings {
        if finding.is_load_error() || finding.rule == &ELB030 {
            kept.push(finding);
            continue;
        }
        let line = sources.range(finding.span).0.line;
        let mut suppressed = false;
        for &i in by_line
            .get(&(finding.span.file, line))
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            let d = &mut directives[i];
            if !d.is_active(&today) {
                continue;
            }
            for c in d.codes.iter_mut() {
                if c.code == finding.code() {
                    c.used = true;
                    suppressed = true;
                }
            }
        }
        if !suppressed {
            kept.push(finding);
        }
    }

    for d in &directives {
        kept.extend(d.problems(&today, &known, sources));
    }
    kept
}

/// One code named by a directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedCode {
    /// Upper-cased.
    pub code: String,
    pub span: Span,
    /// Set when the code suppressed at least one finding.
    pub used: bool,
}

/// One `tf-elbcheck:` comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    /// The comment, from `#` or `//` to the end of its line.
    pub span: Span,
    /// The 1-based line it covers, if any (an own-line comment at the end of a file covers none).
    pub covers: Option<usize>,
    /// The comment is not `tf-elbcheck:ignore`: it suppresses nothing.
    pub unknown_directive: bool,
    pub codes: Vec<NamedCode>,
    /// The `until=` value and the span of the whole `until=…` token.
    pub until: Option<(String, Span)>,
    /// The trimmed text after `--`, when not empty.
    pub reason: Option<String>,
    /// Tokens before `--` that are neither a code nor the first `until=`.
    pub stray: Vec<(String, Span)>,
}

impl Directive {
    /// True when it may suppress findings today.
    fn is_active(&self, today: &str) -> bool {
        if self.unknown_directive || self.reason.is_none() {
            return false;
        }
        match &self.until {
            None => true,
            Some((date, _)) => parse_date(date).is_some() && date.as_str() >= today,
        }
    }

    /// The ELB030 findings this directive deserves after the findings were matched.
    fn problems(
        &self,
        today: &str,
        known: &BTreeSet<String>,
        sources: &SourceTable,
    ) -> Vec<Finding> {
        let make = |span: Span, message: String| Finding::new(&ELB030, span, message);
        let mut out = Vec::new();
        if self.unknown_directive {
            out.push(
                make(
                    self.span,
                    "unknown `tf-elbcheck:` directive: only `tf-elbcheck:ignore` exists".into(),
                )
                .help("write `# tf-elbcheck:ignore CODE -- reason`"),
            );
            return out;
        }
        if self.codes.is_empty() {
            out.push(
                make(self.span, "suppression names no rule code".into())
                    .help("write `# tf-elbcheck:ignore CODE -- reason`"),
            );
        }
        for (text, span) in self.stray.iter().take(1) {
            out.push(
                make(
                    *span,
                    format!("unexpected `{text}` in a suppression: only rule codes and `until=YYYY-MM-DD` may come before `--`"),
                )
                .help("put the reason after `--`: `# tf-elbcheck:ignore CODE -- reason`"),
            );
        }
        let mut valid_codes = Vec::new();
        for c in &self.codes {
            if c.code.starts_with("TF") {
                out.push(make(
                    c.span,
                    format!(
                        "`{}` cannot be suppressed: a load error means the run itself failed",
                        c.code
                    ),
                ));
            } else if c.code == ELB030.code {
                out.push(
                    make(c.span, "ELB030 cannot be suppressed by a comment".into())
                        .help("disable it in .tf-elbcheck.toml with `disable = [\"ELB030\"]`"),
                );
            } else if !known.contains(&c.code) {
                out.push(
                    make(
                        c.span,
                        format!("unknown rule code `{}` in a suppression", c.code),
                    )
                    .help("`tf-elbcheck rules` lists the codes"),
                );
            } else {
                valid_codes.push(c);
            }
        }
        if self.reason.is_none() {
            out.push(
                make(
                    self.span,
                    "suppression has no reason, so it suppresses nothing".into(),
                )
                .help("say why after `--`: `# tf-elbcheck:ignore CODE -- reason`"),
            );
            return out;
        }
        if let Some((date, span)) = &self.until {
            if parse_date(date).is_none() {
                out.push(
                    make(
                        *span,
                        format!("`until={date}` is not a date of the form YYYY-MM-DD, so the suppression suppresses nothing"),
                    ),
                );
                return out;
            }
            if date.as_str() < today {
                out.push(
                    make(
                        *span,
                        format!("suppression expired on {date}: it no longer suppresses anything"),
                    )
                    .help("fix the finding, or move the date if the exception still holds"),
                );
                return out;
            }
        }
        for c in valid_codes {
            if !c.used {
                let file = sources.get(self.span.file).display();
                let why = match self.covers {
                    Some(l) => format!("no {} finding starts on line {l} of {file}", c.code),
                    None => format!("no line follows it in {file}"),
                };
                out.push(
                    make(
                        c.span,
                        format!("suppression of {} suppresses nothing: {why}", c.code),
                    )
                    .help("remove it, or move it next to the line the finding points at"),
                );
            }
        }
        out
    }
}

/// Every `tf-elbcheck:` directive in the Terraform files of the table.
pub fn directives(sources: &SourceTable) -> Vec<Directive> {
    let all: Vec<FileId> = sources.files().map(|(id, _)| id).collect();
    directives_in(sources, &all)
}

/// The directives of these files of the table.
fn directives_in(sources: &SourceTable, files: &[FileId]) -> Vec<Directive> {
    let mut out = Vec::new();
    for (id, file) in files.iter().map(|&id| (id, sources.get(id))) {
        let name = file.path.to_string_lossy();
        if name.ends_with(".toml") || name.ends_with(".json") {
            continue;
        }
        let text = file.text.as_str();
        // Most files have no directive: skip scanning their comments.
        if !text.contains(MARKER) {
            continue;
        }
        let found = comments(text);
        let own_lines: BTreeSet<usize> = found
            .iter()
            .filter(|c| c.own_line)
            .map(|c| line_of(sources, id, c.start))
            .collect();
        let last_line = file.line_count();
        for c in &found {
            let body = text[c.body..c.end].trim_start();
            if !body.starts_with(MARKER) {
                continue;
            }
            let span = Span::new(id, c.start, c.end);
            let line = line_of(sources, id, c.start);
            let covers = if c.own_line {
                (line + 1..=last_line).find(|l| !own_lines.contains(l))
            } else {
                Some(line)
            };
            let body_start = c.end - body.len();
            out.push(parse_directive(id, text, body_start, c.end, span, covers));
        }
    }
    out
}

fn line_of(sources: &SourceTable, file: FileId, offset: usize) -> usize {
    sources.range(Span::new(file, offset, offset)).0.line
}

/// Parses `tf-elbcheck:…` at `text[start..end]`.
fn parse_directive(
    file: FileId,
    text: &str,
    start: usize,
    end: usize,
    span: Span,
    covers: Option<usize>,
) -> Directive {
    let mut d = Directive {
        span,
        covers,
        unknown_directive: false,
        codes: Vec::new(),
        until: None,
        reason: None,
        stray: Vec::new(),
    };
    let after_marker = start + MARKER.len();
    let rest = &text[after_marker..end];
    let keyword_len = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    if &rest[..keyword_len] != "ignore" {
        d.unknown_directive = true;
        return d;
    }
    let head_start = after_marker + keyword_len;
    let (head_end, reason) = match text[head_start..end].find("--") {
        Some(i) => {
            let reason = text[head_start + i + 2..end].trim();
            (
                head_start + i,
                (!reason.is_empty()).then(|| reason.to_string()),
            )
        }
        None => (end, None),
    };
    d.reason = reason;
    for (offset, token) in tokens(&text[head_start..head_end]) {
        let tspan = Span::new(file, head_start + offset, head_start + offset + token.len());
        if let Some(date) = token.strip_prefix("until=") {
            if d.until.is_none() {
                d.until = Some((date.to_string(), tspan));
                continue;
            }
        } else if is_code_shaped(token) {
            d.codes.push(NamedCode {
                code: token.to_ascii_uppercase(),
                span: tspan,
                used: false,
            });
            continue;
        }
        d.stray.push((token.to_string(), tspan));
    }
    d
}

/// Tokens separated by whitespace and commas, with their byte offsets.
fn tokens(s: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        let sep = c.is_whitespace() || c == ',';
        match (sep, start) {
            (true, Some(st)) => {
                out.push((st, &s[st..i]));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(st) = start {
        out.push((st, &s[st..]));
    }
    out
}

/// Letters followed by digits: `ELB021`, `tf002`.
fn is_code_shaped(s: &str) -> bool {
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters > 0 && letters < s.len() && s.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

/// A line comment found by [`comments`]: `start` is the `#` or first `/`, `body` the byte after
/// the marker, `end` the end of the line (before `\r\n` or `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    pub start: usize,
    pub body: usize,
    pub end: usize,
    /// Only whitespace precedes it on its line.
    pub own_line: bool,
}

enum Ctx {
    /// Inside a quoted string.
    Str,
    /// Inside `${…}` or `%{…}`, with the depth of `{` opened inside it.
    Template(usize),
}

/// Finds the `#` and `//` line comments of HCL text, skipping strings, templates, heredocs and
/// block comments.
pub fn comments(text: &str) -> Vec<Comment> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut stack: Vec<Ctx> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if let Some(Ctx::Str) = stack.last() {
            match c {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    i += 1;
                }
                b'\n' => {
                    // A quoted string cannot span lines: recover at the line break.
                    stack.pop();
                    i += 1;
                }
                b'$' | b'%' if b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&b'{') => i += 3,
                b'$' | b'%' if b.get(i + 1) == Some(&b'{') => {
                    stack.push(Ctx::Template(0));
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        match c {
            b'"' => {
                stack.push(Ctx::Str);
                i += 1;
            }
            b'{' => {
                if let Some(Ctx::Template(depth)) = stack.last_mut() {
                    *depth += 1;
                }
                i += 1;
            }
            b'}' => {
                match stack.last_mut() {
                    Some(Ctx::Template(0)) => {
                        stack.pop();
                    }
                    Some(Ctx::Template(depth)) => *depth -= 1,
                    _ => {}
                }
                i += 1;
            }
            b'#' => i = line_comment(text, i, 1, &mut out),
            b'/' if b.get(i + 1) == Some(&b'/') => i = line_comment(text, i, 2, &mut out),
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = match text[i + 2..].find("*/") {
                    Some(j) => i + 2 + j + 2,
                    None => b.len(),
                }
            }
            b'<' if b.get(i + 1) == Some(&b'<') => i = heredoc(text, i),
            _ => i += 1,
        }
    }
    out
}

/// Records the comment starting at `start` (marker `len` bytes long); returns where to go on.
fn line_comment(text: &str, start: usize, len: usize, out: &mut Vec<Comment>) -> usize {
    let line_end = text[start..].find('\n').map_or(text.len(), |j| start + j);
    let end = start + text[start..line_end].trim_end().len();
    let line_start = text[..start].rfind('\n').map_or(0, |j| j + 1);
    let own_line = text[line_start..start].trim().is_empty();
    out.push(Comment {
        start,
        body: start + len,
        end: end.max(start + len),
        own_line,
    });
    line_end
}

/// Skips a heredoc starting at `start` (`<<EOF` or `<<-EOF`); returns where to go on. Text that
/// is not a heredoc opener is skipped by two bytes.
fn heredoc(text: &str, start: usize) -> usize {
    let mut p = start + 2;
    if text.as_bytes().get(p) == Some(&b'-') {
        p += 1;
    }
    let ident_len = text[p..]
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
        .count();
    if ident_len == 0 {
        return start + 2;
    }
    let ident = &text[p..p + ident_len];
    let Some(nl) = text[p + ident_len..].find('\n') else {
        return text.len();
    };
    let mut line_start = p + ident_len + nl + 1;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |j| line_start + j);
        if text[line_start..line_end].trim() == ident {
            return line_end;
        }
        line_start = line_end + 1;
    }
    text.len()
}

/// `(year, month, day)` of a valid `YYYY-MM-DD` date.
pub fn parse_date(s: &str) -> Option<(u32, u32, u32)> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// Today's date in UTC as `YYYY-MM-DD`, from the system clock.
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    date_from_days((secs / 86_400) as i64)
}

/// The civil date `days` days after 1970-01-01 (H. Hinnant's `civil_from_days`).
fn date_from_days(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use std::path::PathBuf;

    const TODAY: &str = "2025-06-15";

    /// A table with one file `main.tf` holding `text`.
    fn table(text: &str) -> SourceTable {
        let mut sources = SourceTable::new();
        sources.add(PathBuf::from("main.tf"), text.to_string());
        sources
    }

    /// A finding with `code` whose span is the first occurrence of `needle`.
    fn at(text: &str, needle: &str, code: &str) -> Finding {
        let start = text.find(needle).expect("needle");
        Finding::new(
            crate::checks::rule(code).unwrap(),
            Span::new(FileId(0), start, start + needle.len()),
            format!("{code} here"),
        )
    }

    /// (code, line, message) of each finding, sorted by line.
    fn summary(sources: &SourceTable, findings: &[Finding]) -> Vec<(String, usize, String)> {
        let mut v: Vec<_> = findings
            .iter()
            .map(|f| {
                (
                    f.code().to_string(),
                    sources.range(f.span).0.line,
                    f.message.clone(),
                )
            })
            .collect();
        v.sort();
        v
    }

    #[test]
    fn comment_above_suppresses_and_is_used() {
        let text = "resource \"a\" \"b\" {\n  # tf-elbcheck:ignore ELB021 -- office range only\n  cidr_blocks = [\"0.0.0.0/0\"]\n}\n";
        let s = table(text);
        let out = apply(vec![at(text, "cidr_blocks", "ELB021")], &s, TODAY);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn comment_at_end_of_line_suppresses() {
        let text = "x = 1\ncidr_blocks = [\"0.0.0.0/0\"] // tf-elbcheck:ignore ELB021 -- reason\n";
        let s = table(text);
        let out = apply(vec![at(text, "cidr_blocks", "ELB021")], &s, TODAY);
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn end_of_line_comment_does_not_cover_the_next_line() {
        let text = "x = 1 # tf-elbcheck:ignore ELB021 -- reason\ncidr = 2\n";
        let s = table(text);
        let out = apply(vec![at(text, "cidr", "ELB021")], &s, TODAY);
        let got = summary(&s, &out);
        assert_eq!(got.len(), 2);
        assert_eq!((got[0].0.as_str(), got[0].1), ("ELB021", 2));
        assert_eq!((got[1].0.as_str(), got[1].1), ("ELB030", 1));
        assert_eq!(
            got[1].2,
            "suppression of ELB021 suppresses nothing: no ELB021 finding starts on line 1 of main.tf"
        );
    }

    #[test]
    fn several_codes_and_stacked_comments() {
        let text = "# tf-elbcheck:ignore ELB021, elb023 -- both known\n# tf-elbcheck:ignore ELB004 -- also\nresource \"x\" \"y\" {}\n";
        let s = table(text);
        let findings = vec![
            at(text, "resource", "ELB021"),
            at(text, "resource", "ELB023"),
            at(text, "resource", "ELB004"),
            at(text, "resource", "ELB005"),
        ];
        let out = apply(findings, &s, TODAY);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code(), "ELB005");
    }

    #[test]
    fn a_blank_line_breaks_the_link() {
        let text = "# tf-elbcheck:ignore ELB021 -- reason\n\nresource \"x\" \"y\" {}\n";
        let s = table(text);
        let out = apply(vec![at(text, "resource", "ELB021")], &s, TODAY);
        let codes: Vec<&str> = out.iter().map(|f| f.code()).collect();
        assert_eq!(codes, ["ELB021", "ELB030"]);
    }

    #[test]
    fn missing_reason_is_reported_and_does_not_suppress() {
        for comment in [
            "# tf-elbcheck:ignore ELB021",
            "# tf-elbcheck:ignore ELB021 --",
            "# tf-elbcheck:ignore ELB021 --   ",
        ] {
            let text = format!("{comment}\ncidr = 1\n");
            let s = table(&text);
            let out = apply(vec![at(&text, "cidr", "ELB021")], &s, TODAY);
            let got = summary(&s, &out);
            let expected = vec![
                ("ELB021".to_string(), 2, "ELB021 here".to_string()),
                (
                    "ELB030".to_string(),
                    1,
                    "suppression has no reason, so it suppresses nothing".to_string(),
                ),
            ];
            assert_eq!(got, expected, "{comment}");
            let elb030 = out.iter().find(|f| f.code() == "ELB030").unwrap();
            assert_eq!(elb030.severity, Severity::Warning);
            assert_eq!(s.snippet(elb030.span), comment.trim_end());
        }
    }

    #[test]
    fn unused_suppression_is_reported_on_the_code() {
        let text = "# tf-elbcheck:ignore ELB021,ELB004 -- reason\ncidr = 1\nport = 2\n";
        let s = table(text);
        let findings = vec![at(text, "cidr", "ELB021"), at(text, "port", "ELB004")];
        let out = apply(findings, &s, TODAY);
        let got: Vec<(&str, usize)> = out
            .iter()
            .map(|f| (f.code(), s.range(f.span).0.line))
            .collect();
        assert_eq!(got, [("ELB004", 3), ("ELB030", 1)]);
        let out = &out[1..];
        assert_eq!(s.snippet(out[0].span), "ELB004");
        assert_eq!(
            out[0].message,
            "suppression of ELB004 suppresses nothing: no ELB004 finding starts on line 2 of main.tf"
        );
    }

    #[test]
    fn expired_suppression_stops_suppressing_and_says_so() {
        let text = "cidr = 1 # tf-elbcheck:ignore ELB021 until=2025-06-14 -- temporary\n";
        let s = table(text);
        let out = apply(vec![at(text, "cidr", "ELB021")], &s, TODAY);
        let codes: Vec<&str> = out.iter().map(|f| f.code()).collect();
        assert_eq!(codes, ["ELB021", "ELB030"]);
        assert_eq!(s.snippet(out[1].span), "until=2025-06-14");
        assert_eq!(
            out[1].message,
            "suppression expired on 2025-06-14: it no longer suppresses anything"
        );
        // The last day is still covered.
        let out = apply(vec![at(text, "cidr", "ELB021")], &s, "2025-06-14");
        assert!(out.is_empty(), "{out:?}");
    }

    #[test]
    fn malformed_suppressions_are_reported() {
        let text = "a = 1 # tf-elbcheck:ignore ELB999 -- typo\n\
                    b = 1 # tf-elbcheck:ignore ELB021 because it is fine\n\
                    c = 1 # tf-elbcheck:ignore -- no code\n\
                    d = 1 # tf-elbcheck:ignore ELB021 until=2025-02-30 -- bad date\n\
                    e = 1 # tf-elbcheck:disable ELB021 -- wrong word\n\
                    f = 1 # tf-elbcheck:ignore TF001,ELB030 -- cannot\n";
        let s = table(text);
        let findings = vec![
            at(text, "a =", "ELB021"),
            at(text, "d =", "ELB021"),
            at(text, "e =", "ELB021"),
        ];
        let out = apply(findings, &s, TODAY);
        let elb030: Vec<(usize, &str, &str)> = out
            .iter()
            .filter(|f| f.code() == "ELB030")
            .map(|f| {
                (
                    s.range(f.span).0.line,
                    s.snippet(f.span),
                    f.message.as_str(),
                )
            })
            .collect();
        let lines: Vec<usize> = elb030.iter().map(|e| e.0).collect();
        assert_eq!(lines, [1, 2, 2, 3, 4, 5, 6, 6]);
        assert_eq!(elb030[0].1, "ELB999");
        assert!(elb030[0].2.contains("unknown rule code `ELB999`"));
        assert_eq!(elb030[1].1, "because");
        assert!(elb030[2].2.contains("no reason"));
        assert!(elb030[3].2.contains("names no rule code"));
        assert_eq!(elb030[4].1, "until=2025-02-30");
        assert!(elb030[5].2.contains("unknown `tf-elbcheck:` directive"));
        assert!(elb030[6].2.contains("`TF001` cannot be suppressed"));
        assert!(elb030[7].2.contains("ELB030 cannot be suppressed"));
        // None of the malformed comments hid its finding.
        let kept: Vec<usize> = out
            .iter()
            .filter(|f| f.code() == "ELB021")
            .map(|f| s.range(f.span).0.line)
            .collect();
        assert_eq!(kept, [1, 4, 5]);
    }

    #[test]
    fn load_errors_are_never_suppressed() {
        let text = "# tf-elbcheck:ignore TF001 -- nope\nx = {\n";
        let s = table(text);
        let out = apply(vec![at(text, "x = {", "TF001")], &s, TODAY);
        assert!(out.iter().any(|f| f.code() == "TF001"));
    }

    #[test]
    fn markers_inside_strings_and_heredocs_are_not_comments() {
        let text = r##"a = "# tf-elbcheck:ignore ELB021 -- in a string"
b = "x ${ "#" } // tf-elbcheck:ignore ELB021 -- still a string"
c = <<-EOT
  # tf-elbcheck:ignore ELB021 -- in a heredoc
  EOT
/* # tf-elbcheck:ignore ELB021 -- in a block comment */
d = "\"" # tf-elbcheck:ignore ELB021 -- a real one
e = "$${x}" # tf-elbcheck:ignore ELB021 -- after an escaped template
"##;
        let s = table(text);
        let ds = directives(&s);
        let lines: Vec<Option<usize>> = ds.iter().map(|d| d.covers).collect();
        assert_eq!(lines, [Some(7), Some(8)]);
        assert_eq!(ds[0].reason.as_deref(), Some("a real one"));
        let cs = comments(text);
        assert_eq!(cs.len(), 2);
        assert!(!cs[0].own_line);
    }

    #[test]
    fn crlf_and_slash_comments() {
        let text = "// tf-elbcheck:ignore ELB021 -- windows\r\ncidr = 1\r\n";
        let s = table(text);
        let ds = directives(&s);
        assert_eq!(ds.len(), 1);
        assert_eq!(ds[0].covers, Some(2));
        assert_eq!(ds[0].reason.as_deref(), Some("windows"));
        assert!(s.snippet(ds[0].span).ends_with("windows"));
        let out = apply(vec![at(text, "cidr", "ELB021")], &s, TODAY);
        assert!(out.is_empty());
    }

    #[test]
    fn own_line_comment_at_the_end_of_a_file_covers_nothing() {
        let text = "x = 1\n# tf-elbcheck:ignore ELB021 -- trailing";
        let s = table(text);
        let ds = directives(&s);
        assert_eq!(ds[0].covers, None);
        let out = apply(vec![at(text, "x", "ELB021")], &s, TODAY);
        assert_eq!(out.len(), 2);
        assert!(out[1].message.contains("no line follows it in main.tf"));
    }

    #[test]
    fn toml_files_are_not_scanned() {
        let mut s = SourceTable::new();
        s.add(
            PathBuf::from(".tf-elbcheck.toml"),
            "# tf-elbcheck:ignore ELB021\n".into(),
        );
        assert!(directives(&s).is_empty());
    }

    #[test]
    fn dates() {
        assert_eq!(parse_date("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2100-02-29"), None);
        assert_eq!(parse_date("2000-02-29"), Some((2000, 2, 29)));
        assert_eq!(parse_date("2024-13-01"), None);
        assert_eq!(parse_date("2024-1-01"), None);
        assert_eq!(parse_date("+024-01-01"), None);
        assert_eq!(date_from_days(0), "1970-01-01");
        assert_eq!(date_from_days(19_723), "2024-01-01");
        assert_eq!(date_from_days(19_782), "2024-02-29");
        assert_eq!(date_from_days(-1), "1969-12-31");
        assert!(parse_date(&today_utc()).is_some());
    }

    #[test]
    fn an_invalid_today_falls_back_to_the_clock() {
        let text = "cidr = 1 # tf-elbcheck:ignore ELB021 until=2000-01-01 -- long ago\n";
        let s = table(text);
        let out = apply(vec![at(text, "cidr", "ELB021")], &s, "");
        assert_eq!(out.len(), 2);
        assert!(out[1].message.contains("expired on 2000-01-01"));
    }
}

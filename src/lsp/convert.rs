//! Findings as LSP diagnostics, and file paths as URIs.

use super::text::LineIndex;
use crate::diagnostic::{Finding, Severity};
use crate::source::Span;
use lsp_types::{
    CodeDescription, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, Range, Url,
};
use std::path::{Path, PathBuf};

/// The `source` of every diagnostic.
pub const SOURCE: &str = "tf-elbcheck";

/// Where a rule's documentation is: one heading per rule in `docs/rules.md` of the repository,
/// whose anchor is the code in lower case (`…/docs/rules.md#elb004`). The file is generated
/// from the rules' documentation, the text `tf-elbcheck explain CODE` prints, and a test keeps
/// it so.
pub const RULE_DOCS: &str = "https://github.com/tf-elbcheck/tf-elbcheck/blob/main/docs/rules.md";

/// The documentation URL of a rule.
pub fn rule_url(code: &str) -> String {
    format!("{RULE_DOCS}#{}", code.to_ascii_lowercase())
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// The message of a finding's diagnostic: the message, then its help line.
pub fn message(finding: &Finding) -> String {
    match &finding.help {
        Some(help) => format!("{}\nhelp: {help}", finding.message),
        None => finding.message.clone(),
    }
}

/// The diagnostic of a finding whose span points into `text` (indexed by `index`); `locate`
/// gives the location of a label's span, or `None` when its file cannot be named.
pub fn diagnostic(
    finding: &Finding,
    text: &str,
    index: &LineIndex,
    locate: &mut dyn FnMut(Span) -> Option<Location>,
) -> Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = finding
        .labels
        .iter()
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: locate(label.span)?,
                message: label.message.clone(),
            })
        })
        .collect();
    Diagnostic {
        range: range(text, index, finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code().to_string())),
        code_description: Url::parse(&rule_url(finding.code()))
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: message(finding),
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// The LSP range of a span of `text`.
pub fn range(text: &str, index: &LineIndex, span: Span) -> Range {
    index.lsp_range(text, span.start as usize, span.end as usize)
}

/// The path of a `file:` URI, with its directory's links resolved (as the walk resolves the
/// folders), so that it compares equal to the paths of the files read; `None` for other
/// schemes.
pub fn uri_path(uri: &Url) -> Option<PathBuf> {
    if uri.scheme() != "file" {
        return None;
    }
    let path = uri.to_file_path().ok()?;
    Some(canonical_path(&path))
}

/// `path` with its links resolved: the whole path when it exists, else its directory's.
pub fn canonical_path(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    match (path.parent(), path.file_name()) {
        (Some(dir), Some(name)) => canonical_path(dir).join(name),
        _ => path.to_path_buf(),
    }
}

/// How paths of the checked files map back to the URIs the client knows them by: a folder
/// the client named through a link is canonical here, and the diagnostics must name the
/// client's path.
#[derive(Debug, Clone, Default)]
pub struct UriMap {
    /// (canonical folder, the client's folder).
    folders: Vec<(PathBuf, PathBuf)>,
}

impl UriMap {
    pub fn new(client_folders: &[PathBuf]) -> UriMap {
        UriMap {
            folders: client_folders
                .iter()
                .map(|f| (canonical_path(f), f.clone()))
                .collect(),
        }
    }

    /// The URI of a checked file, as the client would name it.
    pub fn uri(&self, path: &Path) -> Option<Url> {
        for (canonical, client) in &self.folders {
            if let Ok(rel) = path.strip_prefix(canonical) {
                return Url::from_file_path(client.join(rel)).ok();
            }
        }
        Url::from_file_path(path).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes::TF001;
    use crate::source::FileId;
    use lsp_types::Position;

    #[test]
    fn a_finding_becomes_a_diagnostic_with_its_code_link_and_labels() {
        let text = "a = \"é\"\nb = 2\n";
        let index = LineIndex::new(text);
        let finding = Finding::new(&TF001, Span::new(FileId(0), 9, 14), "bad")
            .label(Span::new(FileId(0), 5, 7), "here")
            .help("fix it");
        let uri = Url::parse("file:///w/main.tf").unwrap();
        let d = diagnostic(&finding, text, &index, &mut |span| {
            Some(Location::new(uri.clone(), range(text, &index, span)))
        });
        assert_eq!(
            d.range,
            Range::new(Position::new(1, 0), Position::new(1, 5))
        );
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(d.code, Some(NumberOrString::String("TF001".into())));
        assert_eq!(
            d.code_description.unwrap().href.as_str(),
            "https://github.com/tf-elbcheck/tf-elbcheck/blob/main/docs/rules.md#tf001"
        );
        assert_eq!(d.message, "bad\nhelp: fix it");
        let related = d.related_information.unwrap();
        // 'é' is two bytes and one UTF-16 unit.
        assert_eq!(
            related[0].location.range,
            Range::new(Position::new(0, 5), Position::new(0, 6))
        );
        assert_eq!(related[0].message, "here");
    }

    #[test]
    fn uris_name_the_client_s_folder() {
        let tmp = tempfile::tempdir().unwrap();
        let real = tmp.path().join("real");
        std::fs::create_dir(&real).unwrap();
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&real, &link).unwrap();
            let map = UriMap::new(std::slice::from_ref(&link));
            let file = canonical_path(&real).join("a/main.tf");
            assert_eq!(
                map.uri(&file).unwrap(),
                Url::from_file_path(link.join("a/main.tf")).unwrap()
            );
            let uri = Url::from_file_path(link.join("new.tf")).unwrap();
            assert_eq!(
                uri_path(&uri).unwrap(),
                canonical_path(&real).join("new.tf")
            );
        }
    }
}

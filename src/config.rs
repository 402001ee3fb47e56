//! The `.tf-elbcheck.toml` configuration file: disabled rules, severity overrides, excluded paths.
//!
//! ```toml
//! disable  = ["ELB023"]                # rules whose findings are dropped
//! exclude  = ["modules/legacy/**"]     # globs, relative to this file's directory
//! fail_on  = "warning"                 # error | warning | note | never
//!
//! [severity]                           # per-rule severity overrides
//! ELB021 = "error"
//! ```
//!
//! The file is `--config FILE`, or else the first `.tf-elbcheck.toml` found in each scanned
//! path or one of its parent directories. When several paths find different files, they are
//! all loaded: `disable` and `exclude` add up, and for `severity` and `fail_on` the file found
//! for the earlier path wins.
//!
//! Every mistake is an error located at its key or value (`file:line:column`), and the run
//! exits with status 2: unknown keys, wrong types, unknown rule codes, bad severities, bad
//! globs. Load errors (`TF…`) cannot be disabled or re-levelled.
//!
//! Exclude globs use `/` separators and match the path relative to the config file's
//! directory, or any of its parent directories (so `modules/legacy` excludes everything under
//! it); `*` does not cross `/`, `**` does; a pattern without `/` matches a file or directory
//! name at any depth.
//!
//! The command line wins over the file: `--fail-on` replaces `fail_on`, and `--disable` adds to
//! `disable` ([`Config::with_cli`]).

// A configuration error is a located `Finding`, returned at most once per run: its size does
// not matter, and `run::check` takes it as it is.
#![allow(clippy::result_large_err)]

use crate::checks;
use crate::diagnostic::codes::TF010;
use crate::diagnostic::{FailOn, Finding, Severity};
use crate::source::{FileId, SourceTable, Span};
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

/// The file name searched for upward from each path.
pub const FILE_NAME: &str = ".tf-elbcheck.toml";

/// Settings given on the command line, which win over the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CliOverrides {
    /// `--disable CODE`, added to the file's `disable`.
    pub disable: Vec<String>,
    /// `--fail-on`, replacing the file's `fail_on`.
    pub fail_on: Option<FailOn>,
}

/// Excluded globs of one file, relative to its directory.
#[derive(Debug, Clone)]
struct Exclude {
    base: PathBuf,
    set: GlobSet,
}

/// Settings from `.tf-elbcheck.toml` merged with the command line (the command line wins).
#[derive(Debug, Clone, Default)]
pub struct Config {
    disable: BTreeSet<String>,
    severity: BTreeMap<String, Severity>,
    exclude: Vec<Exclude>,
    fail_on: Option<FailOn>,
    files: Vec<PathBuf>,
}

/// The file as written, with spans for error locations.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    fail_on: Option<Spanned<String>>,
}

impl Config {
    /// Finds and loads the configuration for these paths (upward from each path, or `explicit`).
    /// A bad file is reported as a located finding; the file is added to `sources`.
    pub fn load_for(
        paths: &[PathBuf],
        explicit: Option<&Path>,
        sources: &mut SourceTable,
    ) -> Result<Config, Finding> {
        Config::load_for_with(paths, explicit, sources, &|_| None)
    }

    /// [`Config::load_for`], where `text` gives the text of a file that is not to be read from
    /// disk (an editor's unsaved buffer), even one not saved yet.
    pub fn load_for_with(
        paths: &[PathBuf],
        explicit: Option<&Path>,
        sources: &mut SourceTable,
        text: &dyn Fn(&Path) -> Option<String>,
    ) -> Result<Config, Finding> {
        let files = match explicit {
            Some(file) => vec![file.to_path_buf()],
            None => discover(paths, &|f| f.is_file() || text(f).is_some()),
        };
        let mut config = Config::default();
        for file in files {
            let loaded = match text(&file) {
                Some(text) => Config::load_text(&file, text, sources),
                None => Config::load_file(&file, sources),
            }?;
            config.merge(loaded);
        }
        Ok(config)
    }

    /// Loads `text` as the configuration file `file`, adding it to `sources`.
    fn load_text(file: &Path, text: String, sources: &mut SourceTable) -> Result<Config, Finding> {
        let id = sources.add(file.to_path_buf(), text);
        let dir = normalize(file).parent().map(Path::to_path_buf);
        Config::parse(sources, id, &dir.unwrap_or_default())
    }

    /// Loads one file, adding it to `sources`.
    pub fn load_file(file: &Path, sources: &mut SourceTable) -> Result<Config, Finding> {
        match crate::frontend::read_bounded(file, 1024 * 1024) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => Config::load_text(file, text, sources),
                Err(_) => {
                    let id = sources.add(file.to_path_buf(), String::new());
                    Err(error(id, 0..0, "the configuration file is not UTF-8 text"))
                }
            },
            Err(e) => {
                let id = sources.add(file.to_path_buf(), String::new());
                Err(error(
                    id,
                    0..0,
                    &format!(
                        "cannot read the configuration file: {}",
                        e.to_string().trim_start_matches("cannot read file: ")
                    ),
                ))
            }
        }
    }

    /// Parses the text of file `id` (already in `sources`); globs are relative to `base`.
    pub fn parse(sources: &SourceTable, id: FileId, base: &Path) -> Result<Config, Finding> {
        let text = sources.get(id).text.as_str();
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| error(id, e.span().unwrap_or(0..0), e.message()))?;
        let mut config = Config {
            files: vec![sources.get(id).path.clone()],
            ..Config::default()
        };
        for code in &raw.disable {
            config.disable.insert(rule_code(id, code)?);
        }
        for (code, level) in &raw.severity {
            let code = rule_code(id, code)?;
            let severity = Severity::parse(level.get_ref()).ok_or_else(|| {
                error(
                    id,
                    level.span(),
                    &format!(
                        "unknown severity `{}`: use \"error\", \"warning\" or \"note\" (or list the rule in `disable`)",
                        level.get_ref()
                    ),
                )
            })?;
            config.severity.insert(code, severity);
        }
        if let Some(fail_on) = &raw.fail_on {
            config.fail_on = Some(FailOn::parse(fail_on.get_ref()).ok_or_else(|| {
                error(
                    id,
                    fail_on.span(),
                    &format!(
                        "unknown fail_on `{}`: use \"error\", \"warning\", \"note\" or \"never\"",
                        fail_on.get_ref()
                    ),
                )
            })?);
        }
        if !raw.exclude.is_empty() {
            let mut set = GlobSetBuilder::new();
            for pattern in &raw.exclude {
                for glob in expand(pattern.get_ref()) {
                    let glob = GlobBuilder::new(&glob)
                        .literal_separator(true)
                        .build()
                        .map_err(|e| {
                            error(
                                id,
                                pattern.span(),
                                &format!("bad exclude glob `{}`: {}", pattern.get_ref(), e.kind()),
                            )
                        })?;
                    set.add(glob);
                }
            }
            let set = set.build().map_err(|e| {
                error(
                    id,
                    raw.exclude[0].span(),
                    &format!("bad exclude globs: {e}"),
                )
            })?;
            config.exclude.push(Exclude {
                base: normalize(base),
                set,
            });
        }
        Ok(config)
    }

    /// Adds another file's settings; where both set a value, `self`'s is kept.
    fn merge(&mut self, other: Config) {
        self.disable.extend(other.disable);
        for (code, severity) in other.severity {
            self.severity.entry(code).or_insert(severity);
        }
        self.exclude.extend(other.exclude);
        self.fail_on = self.fail_on.or(other.fail_on);
        self.files.extend(other.files);
    }

    /// Applies the command line: `--fail-on` replaces `fail_on`, `--disable` adds codes (given
    /// in any case).
    pub fn with_cli(mut self, cli: &CliOverrides) -> Config {
        for code in &cli.disable {
            let code = checks::rule(code)
                .map(|r| r.code.to_string())
                .unwrap_or_else(|| code.to_ascii_uppercase());
            self.disable.insert(code);
        }
        if cli.fail_on.is_some() {
            self.fail_on = cli.fail_on;
        }
        self
    }

    /// The effective `fail_on` (default `error`).
    pub fn fail_on(&self) -> FailOn {
        self.fail_on.unwrap_or_default()
    }

    /// True when the rule's findings are dropped.
    pub fn is_disabled(&self, code: &str) -> bool {
        self.disable.contains(code)
    }

    /// The configuration files that were loaded, in order.
    pub fn files(&self) -> &[PathBuf] {
        &self.files
    }

    /// True when a file or directory should not be scanned.
    pub fn is_excluded(&self, path: &Path) -> bool {
        if self.exclude.is_empty() {
            return false;
        }
        let path = normalize(path);
        self.exclude.iter().any(|ex| {
            let Ok(rel) = path.strip_prefix(&ex.base) else {
                return false;
            };
            rel.ancestors()
                .filter(|p| !p.as_os_str().is_empty())
                .any(|p| ex.set.is_match(p.to_string_lossy().replace('\\', "/")))
        })
    }

    /// Removes disabled rules and applies severity overrides. Load errors are never touched.
    /// Applying twice gives the same result as applying once.
    pub fn apply(&self, findings: Vec<Finding>) -> Vec<Finding> {
        findings
            .into_iter()
            .filter(|f| f.is_load_error() || !self.disable.contains(f.code()))
            .map(|mut f| {
                if !f.is_load_error() {
                    if let Some(&severity) = self.severity.get(f.code()) {
                        f.severity = severity;
                    }
                }
                f
            })
            .collect()
    }
}

/// The code of a registered rule, from a code written in any case.
fn rule_code(id: FileId, code: &Spanned<String>) -> Result<String, Finding> {
    let text = code.get_ref();
    if text.to_ascii_uppercase().starts_with("TF") {
        return Err(error(
            id,
            code.span(),
            &format!("`{text}` is a load error, which cannot be disabled or re-levelled"),
        ));
    }
    checks::rule(text)
        .map(|r| r.code.to_string())
        .ok_or_else(|| {
            error(
                id,
                code.span(),
                &format!(
                    "unknown rule code `{text}`{} (`tf-elbcheck rules` lists them)",
                    checks::did_you_mean(text)
                ),
            )
        })
}

fn error(id: FileId, range: std::ops::Range<usize>, message: &str) -> Finding {
    Finding::new(
        &TF010,
        Span::new(id, range.start, range.end),
        format!("invalid configuration: {}", message.trim_end()),
    )
}

/// Globs for one `exclude` pattern: name-only patterns match at any depth; `dir/**` also
/// matches `dir` itself so a walker can skip the whole directory.
fn expand(pattern: &str) -> Vec<String> {
    let p = pattern.trim_start_matches("./");
    let p = p.strip_prefix('/').unwrap_or(p);
    let p = p.trim_end_matches('/');
    let mut out = vec![if p.contains('/') {
        p.to_string()
    } else {
        format!("**/{p}")
    }];
    if let Some(dir) = out[0].strip_suffix("/**") {
        if !dir.is_empty() {
            out.push(dir.to_string());
        }
    }
    out
}

/// The first `.tf-elbcheck.toml` upward from each path, without duplicates, in path order.
fn discover(paths: &[PathBuf], exists: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    let mut found: Vec<PathBuf> = Vec::new();
    for path in paths {
        let abs = normalize(path);
        let start = if abs.is_file() {
            abs.parent().map(Path::to_path_buf).unwrap_or(abs)
        } else {
            abs
        };
        if let Some(file) = start
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|f| exists(f))
        {
            if !found.contains(&file) {
                found.push(file);
            }
        }
    }
    found
}

/// An absolute path with `.` and `..` resolved lexically (symlinks are not followed).
fn normalize(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn parse(text: &str) -> Result<Config, (String, usize, usize, String)> {
        let mut sources = SourceTable::new();
        let id = sources.add(PathBuf::from("/repo/.tf-elbcheck.toml"), text.to_string());
        Config::parse(&sources, id, Path::new("/repo")).map_err(|f| {
            let (start, _) = sources.range(f.span);
            (f.code().to_string(), start.line, start.column, f.message)
        })
    }

    fn finding(code: &str, severity: Severity) -> Finding {
        let mut f = Finding::new(checks::rule(code).unwrap(), Span::default(), "m");
        f.severity = severity;
        f
    }

    #[test]
    fn full_file_parses_and_applies() {
        let c = parse(
            "disable = [\"elb030\"]\nexclude = [\"modules/legacy/**\", \"scratch\"]\nfail_on = \"warning\"\n[severity]\nELB030 = \"error\"\n",
        )
        .unwrap();
        assert!(c.is_disabled("ELB030"));
        assert_eq!(c.fail_on(), FailOn::Warning);
        assert!(c.is_excluded(Path::new("/repo/modules/legacy/main.tf")));
        assert!(c.is_excluded(Path::new("/repo/modules/legacy")));
        assert!(c.is_excluded(Path::new("/repo/modules/legacy/../legacy/x/y.tf")));
        assert!(c.is_excluded(Path::new("/repo/a/scratch/b.tf")));
        assert!(!c.is_excluded(Path::new("/repo/modules/legacy2/main.tf")));
        assert!(!c.is_excluded(Path::new("/repo/modules/main.tf")));
        assert!(!c.is_excluded(Path::new("/elsewhere/modules/legacy/main.tf")));
        let kept = c.apply(vec![
            finding("ELB030", Severity::Warning),
            finding("TF001", Severity::Error),
        ]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].code(), "TF001");
    }

    #[test]
    fn severity_override_wins_over_a_demoted_severity() {
        let rule = checks::rule("ELB021").unwrap();
        let demoted = Finding::demoted(rule, Span::default(), "m");
        assert_eq!(demoted.severity, Severity::Note);
        assert_eq!(
            Finding::new(rule, Span::default(), "m").severity,
            Severity::Warning
        );
        // A rule that declares no lower severity keeps its own.
        let plain = Finding::demoted(checks::rule("ELB004").unwrap(), Span::default(), "m");
        assert_eq!(plain.severity, Severity::Error);
        let c = parse("[severity]\nELB021 = \"error\"\n").unwrap();
        let kept = c.apply(vec![demoted, Finding::new(rule, Span::default(), "m")]);
        assert!(kept.iter().all(|f| f.severity == Severity::Error));
    }

    #[test]
    fn severity_override_applies_and_is_idempotent() {
        let c = parse("[severity]\nELB030 = \"note\"\n").unwrap();
        let once = c.apply(vec![
            finding("ELB030", Severity::Warning),
            finding("TF002", Severity::Error),
        ]);
        assert_eq!(once[0].severity, Severity::Note);
        assert_eq!(once[1].severity, Severity::Error);
        let twice = c.apply(once.clone());
        assert_eq!(once, twice);
        assert_eq!(c.fail_on(), FailOn::Error);
    }

    #[test]
    fn errors_are_located() {
        let cases = [
            ("disabled = []\n", 1, 1, "unknown field `disabled`"),
            (
                "disable = [\"ELB999\"]\n",
                1,
                12,
                "unknown rule code `ELB999`",
            ),
            ("disable = [\"TF001\"]\n", 1, 12, "load error"),
            (
                "\n[severity]\nELB030 = \"fatal\"\n",
                3,
                10,
                "unknown severity `fatal`",
            ),
            (
                "[severity]\nNOPE1 = \"error\"\n",
                2,
                1,
                "unknown rule code `NOPE1`",
            ),
            (
                "fail_on = \"sometimes\"\n",
                1,
                11,
                "unknown fail_on `sometimes`",
            ),
            ("exclude = [\"a/[b\"]\n", 1, 12, "bad exclude glob `a/[b`"),
            ("disable = \"ELB030\"\n", 1, 11, "invalid type"),
            ("disable = [\n", 1, 12, "unclosed array"),
        ];
        for (text, line, column, needle) in cases {
            let (code, l, c, message) = parse(text).unwrap_err();
            assert_eq!(code, TF010.code, "{text}");
            assert_eq!((l, c), (line, column), "{text}: {message}");
            assert!(message.starts_with("invalid configuration: "), "{message}");
            assert!(message.contains(needle), "{text}: {message}");
        }
    }

    #[test]
    fn cli_wins_and_behaves_like_the_file() {
        let file = parse("fail_on = \"warning\"\ndisable = [\"ELB030\"]\n").unwrap();
        let cli = Config::default().with_cli(&CliOverrides {
            disable: vec!["elb030".into()],
            fail_on: Some(FailOn::Warning),
        });
        let findings = vec![
            finding("ELB030", Severity::Warning),
            finding("ELB001", Severity::Warning),
        ];
        assert_eq!(file.apply(findings.clone()), cli.apply(findings.clone()));
        assert_eq!(file.fail_on(), cli.fail_on());

        let overridden = file.clone().with_cli(&CliOverrides {
            disable: vec![],
            fail_on: Some(FailOn::Never),
        });
        assert_eq!(overridden.fail_on(), FailOn::Never);
        assert!(overridden.is_disabled("ELB030"));
        let unchanged = file.with_cli(&CliOverrides::default());
        assert_eq!(unchanged.fail_on(), FailOn::Warning);
    }

    #[test]
    fn fail_on_thresholds() {
        let w = [finding("ELB030", Severity::Warning)];
        assert!(!FailOn::Error.fails(&w));
        assert!(FailOn::Warning.fails(&w));
        assert!(FailOn::Note.fails(&w));
        assert!(!FailOn::Never.fails(&w));
        assert!(!FailOn::Note.fails(&[]));
        assert_eq!(FailOn::parse("never"), Some(FailOn::Never));
        assert_eq!(FailOn::parse("Never"), None);
    }

    #[test]
    fn discovered_upward_and_merged_with_the_first_path_winning() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        fs::create_dir_all(root.join("a/infra")).unwrap();
        fs::create_dir_all(root.join("b")).unwrap();
        fs::write(root.join("a/infra/main.tf"), "").unwrap();
        fs::write(
            root.join("a").join(FILE_NAME),
            "fail_on = \"note\"\n[severity]\nELB030 = \"error\"\n",
        )
        .unwrap();
        fs::write(
            root.join("b").join(FILE_NAME),
            "fail_on = \"never\"\ndisable = [\"ELB030\"]\n[severity]\nELB030 = \"note\"\n",
        )
        .unwrap();
        let mut sources = SourceTable::new();
        let c = Config::load_for(
            &[root.join("a/infra/main.tf"), root.join("b"), root.join("a")],
            None,
            &mut sources,
        )
        .unwrap();
        assert_eq!(c.files().len(), 2);
        assert_eq!(c.fail_on(), FailOn::Note);
        assert!(c.is_disabled("ELB030"));
        assert_eq!(c.severity.get("ELB030"), Some(&Severity::Error));
        assert_eq!(sources.files().count(), 2);

        // An explicit file replaces discovery; a missing one is an error.
        let mut sources = SourceTable::new();
        let err = Config::load_for(
            &[root.join("a")],
            Some(&root.join("missing.toml")),
            &mut sources,
        )
        .unwrap_err();
        assert_eq!(err.code(), TF010.code);
        assert!(err.message.contains("cannot read the configuration file"));
        assert!(sources.get(err.span.file).path.ends_with("missing.toml"));
    }

    #[test]
    fn no_file_means_defaults() {
        let tmp = tempfile::tempdir().unwrap();
        let mut sources = SourceTable::new();
        let c = Config::load_for(&[tmp.path().to_path_buf()], None, &mut sources).unwrap();
        assert_eq!(c.fail_on(), FailOn::Error);
        assert!(!c.is_excluded(tmp.path()));
        assert!(c.files().is_empty());
    }
}

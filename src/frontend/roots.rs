//! The call graph between module directories, and which directories are roots.
//!
//! A module block whose `source` is local (`./x`, `../x`) calls the directory it names,
//! normalised lexically; any other source (a registry, a Git repository, …) is remote and found
//! only among a root's installed modules. A root is a module directory that no other module
//! calls; so that a cycle of calls is reported rather than skipped, a directory reached only
//! through such a cycle is taken as a root too.

use super::project::ModuleDir;
use crate::syntax::{Body, ExprKind};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

/// Lexically normalises `a/b/../c` to `a/c` (no file system access).
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The literal `source` of each `module` block of a body.
fn module_sources(body: &Body) -> Vec<(String, String)> {
    body.blocks_of("module")
        .filter_map(|b| {
            let name = b.labels.first()?.to_string();
            let attr = b.body.attribute("source")?;
            match &attr.expr.kind {
                ExprKind::String(s) => Some((name, s.clone())),
                _ => None,
            }
        })
        .collect()
}

/// True for `./x` and `../x` sources, which Terraform reads from disk.
pub fn is_local_source(source: &str) -> bool {
    source.starts_with("./") || source.starts_with("../") || source == "." || source == ".."
}

/// The directories the module blocks of `body` (the module in `dir`) name through a local
/// `source`, normalised, and whether one names a source that is not local.
pub(super) fn module_calls(dir: &Path, body: &Body) -> (Vec<PathBuf>, bool) {
    let mut calls = Vec::new();
    let mut remote = false;
    for (_, source) in module_sources(body) {
        if is_local_source(&source) {
            calls.push(normalize(&dir.join(&source)));
        } else {
            remote = true;
        }
    }
    (calls, remote)
}

/// The roots among `modules`: the directories no other module calls, and one directory of each
/// cycle of calls that nothing outside the cycle calls; sorted.
pub fn pick_roots(modules: &BTreeMap<PathBuf, ModuleDir>) -> Vec<PathBuf> {
    // Hash sets and an index by path: ordered sets compared paths component by component, which
    // cost milliseconds on large trees in this single-threaded step.
    let by_dir: FxHashMap<&Path, &ModuleDir> =
        modules.iter().map(|(d, m)| (d.as_path(), m)).collect();
    let calls =
        |dir: &Path| -> Vec<PathBuf> { by_dir.get(dir).map_or_else(Vec::new, |m| m.calls.clone()) };
    let mut called: FxHashSet<PathBuf> = FxHashSet::default();
    for dir in modules.keys() {
        for target in calls(dir) {
            if &target != dir {
                called.insert(target);
            }
        }
    }
    let mut roots: Vec<PathBuf> = modules
        .keys()
        .filter(|d| !called.contains(*d))
        .cloned()
        .collect();
    // Modules only reachable through a cycle of calls have no caller outside the cycle: check
    // them as roots so that the cycle is reported rather than silently skipped.
    let mut reached: FxHashSet<PathBuf> = FxHashSet::default();
    let mut stack = roots.clone();
    while let Some(d) = stack.pop() {
        if !reached.insert(d.clone()) {
            continue;
        }
        stack.extend(calls(&d));
    }
    for d in modules.keys() {
        if !reached.contains(d) {
            roots.push(d.clone());
            reached.insert(d.clone());
            let mut stack = vec![d.clone()];
            while let Some(x) = stack.pop() {
                for t in calls(&x) {
                    if reached.insert(t.clone()) {
                        stack.push(t);
                    }
                }
            }
        }
    }
    roots.sort();
    roots
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::read::parse_hcl_text;
    use crate::source::FileId;

    #[test]
    fn normalising_resolves_dots_without_the_file_system() {
        assert_eq!(normalize(Path::new("a/b/../c")), PathBuf::from("a/c"));
        assert_eq!(normalize(Path::new("./a/./b")), PathBuf::from("a/b"));
        assert_eq!(normalize(Path::new("../x")), PathBuf::from("../x"));
        assert_eq!(
            normalize(Path::new("/r/stack/../modules/net")),
            PathBuf::from("/r/modules/net")
        );
    }

    #[test]
    fn only_sources_starting_with_dot_slash_or_dot_dot_are_local() {
        for local in ["./net", "../modules/net", ".", ".."] {
            assert!(is_local_source(local), "{local}");
        }
        // Terraform reads a bare path as a registry address.
        for remote in [
            "modules/net",
            "hashicorp/consul/aws",
            "git::https://example.com/net.git",
            "github.com/org/net",
        ] {
            assert!(!is_local_source(remote), "{remote}");
        }
    }

    #[test]
    fn a_module_calls_the_directories_of_its_local_sources() {
        let text = r#"
module "net" {
  source = "../modules/net"
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
"#;
        let body = parse_hcl_text(FileId(0), text).unwrap();
        let (calls, remote) = module_calls(Path::new("/r/stack"), &body);
        assert_eq!(calls, vec![PathBuf::from("/r/modules/net")]);
        assert!(remote);
        let local_only = parse_hcl_text(FileId(0), "module \"a\" {\n  source = \"./a\"\n}\n");
        let (calls, remote) = module_calls(Path::new("/r/s"), &local_only.unwrap());
        assert_eq!(calls, vec![PathBuf::from("/r/s/a")]);
        assert!(!remote);
    }

    #[test]
    fn roots_are_the_directories_no_other_module_calls() {
        let module = |dir: &str, calls: &[&str]| {
            let m = ModuleDir {
                dir: PathBuf::from(dir),
                calls: calls.iter().map(PathBuf::from).collect(),
                ..ModuleDir::default()
            };
            (m.dir.clone(), m)
        };
        let modules: BTreeMap<PathBuf, ModuleDir> = [
            module("/r/a", &["/r/m"]),
            module("/r/b", &["/r/m"]),
            module("/r/m", &[]),
            // Calling itself does not make a directory a module of someone else.
            module("/r/self", &["/r/self"]),
            // A call to a directory outside the walk.
            module("/r/x", &["/r/missing"]),
            // A cycle nobody outside calls: its first directory is checked as a root, so that
            // the cycle is reported.
            module("/r/c1", &["/r/c2"]),
            module("/r/c2", &["/r/c1"]),
        ]
        .into_iter()
        .collect();
        let roots: Vec<PathBuf> = ["/r/a", "/r/b", "/r/c1", "/r/self", "/r/x"]
            .iter()
            .map(PathBuf::from)
            .collect();
        assert_eq!(pick_roots(&modules), roots);
    }
}

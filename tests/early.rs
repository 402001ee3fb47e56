//! Which directories are checked as soon as they are parsed, and what such a check is given:
//! roots that call no module or only local modules of the walk, with those modules and the
//! text of their files; the others (a call outside the walk, a cycle of calls, a `.terraform`
//! directory whose installed modules a non-local source needs) wait until every file is parsed.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use tf_elbcheck::frontend::{discover_with, Limits, Project};
use tf_elbcheck::source::{Snippets, SourceTable};

fn write(root: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let path = root.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// What one early check saw: its root, the module directories of its project, and whether
/// the text of the first file of each module was at hand.
type Seen = (PathBuf, Vec<PathBuf>, Vec<bool>);

fn discover_recording(root: &Path) -> (Project, SourceTable, Vec<Seen>) {
    let seen = Mutex::new(Vec::new());
    let early = |p: &Project, texts: &dyn Snippets| {
        let modules: Vec<PathBuf> = p.modules.keys().cloned().collect();
        // Every syntax node of a module carries a span into its files: the span of its first
        // block must be readable.
        let readable = p
            .modules
            .values()
            .map(|m| {
                m.body.blocks.first().is_none_or(|b| {
                    texts
                        .snippet_of(b.header_span)
                        .is_some_and(|t| !t.is_empty())
                })
            })
            .collect();
        seen.lock()
            .unwrap()
            .push((p.roots[0].clone(), modules, readable));
        Vec::new()
    };
    let mut sources = SourceTable::new();
    let project = discover_with(
        &[root.to_path_buf()],
        &mut sources,
        &Limits::default(),
        &|_| false,
        Some(&early),
    );
    let mut seen = seen.into_inner().unwrap();
    seen.sort();
    (project, sources, seen)
}

#[test]
fn roots_calling_modules_of_the_walk_are_checked_early_with_those_modules() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(tmp.path()).unwrap();
    let module = |name: &str| {
        format!("variable \"name\" {{}}\n\noutput \"{name}\" {{\n  value = var.name\n}}\n")
    };
    let call =
        |source: &str| format!("module \"m\" {{\n  source = \"{source}\"\n  name   = \"x\"\n}}\n");
    write(
        &root,
        &[
            ("modules/labels/main.tf", &module("tags")),
            // A module calling another module.
            (
                "modules/stack/main.tf",
                &format!("{}{}", call("../labels"), module("id")),
            ),
            // Calls a module that calls a module.
            ("stacks/a/main.tf", &call("../../modules/stack")),
            // Calls a directory the walk did not find.
            ("stacks/b/main.tf", &call("../../nowhere")),
            // Initialised, but every module it needs is local: nothing to look up among its
            // installed modules.
            ("stacks/c/main.tf", &call("../../modules/labels")),
            (
                "stacks/c/.terraform/modules/modules.json",
                "{\"Modules\":[]}",
            ),
            // Initialised, and a module it calls calls a registry module, found only among its
            // installed modules, which are read once the roots are known.
            ("stacks/f/main.tf", &call("../../modules/vpc")),
            (
                "stacks/f/.terraform/modules/modules.json",
                "{\"Modules\":[]}",
            ),
            (
                "modules/vpc/main.tf",
                "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
            ),
            // Calls a module that calls it back.
            ("stacks/d/main.tf", &call("./sub")),
            ("stacks/d/sub/main.tf", &call("..")),
            // Calls only a remote module that is not installed.
            (
                "stacks/e/main.tf",
                "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\n",
            ),
        ],
    );
    let (project, sources, seen) = discover_recording(&root);
    let dir = |d: &str| root.join(d);
    assert_eq!(
        project.roots,
        vec![
            dir("stacks/a"),
            dir("stacks/b"),
            dir("stacks/c"),
            dir("stacks/d"),
            dir("stacks/e"),
            dir("stacks/f")
        ]
    );
    let checked: Vec<&PathBuf> = seen.iter().map(|(r, _, _)| r).collect();
    // Modules are checked early too (they call nothing, or only modules of the walk): until
    // every file is parsed nobody knows they are modules.
    assert_eq!(
        checked,
        vec![
            &dir("modules/labels"),
            &dir("modules/stack"),
            &dir("modules/vpc"),
            &dir("stacks/a"),
            &dir("stacks/c"),
            &dir("stacks/e")
        ],
        "{seen:?}"
    );
    let (_, modules, readable) = &seen[3];
    assert_eq!(
        modules,
        &vec![dir("modules/labels"), dir("modules/stack"), dir("stacks/a")]
    );
    assert_eq!(readable, &vec![true, true, true]);
    // Only the roots checked early keep their findings and free their syntax; their calls stay
    // known. The others keep their syntax for the check after the walk.
    for early in ["stacks/a", "stacks/c", "stacks/e"] {
        assert!(project.early.contains_key(&dir(early)), "{early}");
    }
    assert!(!project.early.contains_key(&dir("modules/stack")));
    let a = &project.modules[&dir("stacks/a")];
    assert!(a.evicted.is_some() && a.body.blocks.is_empty());
    assert_eq!(a.calls, vec![dir("modules/stack")]);
    for waiting in ["stacks/b", "stacks/d", "stacks/f"] {
        let m = &project.modules[&dir(waiting)];
        assert!(
            m.evicted.is_none() && !m.body.blocks.is_empty(),
            "{waiting}"
        );
        assert!(!project.early.contains_key(&dir(waiting)), "{waiting}");
    }
    // A called module checked early gets back the syntax and text an early check had parsed,
    // for the roots checked later.
    for module in ["modules/stack", "modules/labels"] {
        let m = &project.modules[&dir(module)];
        assert!(m.evicted.is_none() && !m.body.blocks.is_empty(), "{module}");
        let path = dir(module).join("main.tf");
        let (_, file) = sources.files().find(|(_, f)| f.path == path).unwrap();
        assert!(!file.unloaded, "{module}");
        assert_eq!(
            file.text,
            std::fs::read_to_string(&path).unwrap(),
            "{module}"
        );
    }
}

/// A fix that quotes how a module names the load balancer's group reads the module's source,
/// which the early check of the root has at hand.
#[test]
fn a_fix_quotes_module_source_in_an_early_check() {
    use tf_elbcheck::run::{check, Options};
    let case =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rules/ELB004/fail_local_module");
    let outcome = check(&Options {
        paths: vec![case],
        today: "2026-01-01".into(),
        ..Options::default()
    });
    let elb004 = outcome
        .findings
        .iter()
        .find(|f| f.code() == "ELB004")
        .unwrap_or_else(|| panic!("ELB004: {:?}", outcome.findings));
    let fix = elb004.fix_text().unwrap_or_default();
    assert!(
        fix.contains("security_groups = [var.lb_sg_id]"),
        "the fix names the group as the module does: {fix}"
    );
}

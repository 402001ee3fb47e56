//! Meta-tests on the rule documentation that drives `explain`, `rules` and SARIF: every rule
//! has the four sections, and every HCL example in them parses.

use tf_elbcheck::checks::registry;

#[test]
fn every_rule_doc_has_the_fixed_sections() {
    for rule in registry() {
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Example",
            "Use instead:",
        ] {
            assert!(
                rule.doc.contains(section),
                "{} lacks `{section}`",
                rule.code
            );
        }
        assert!(!rule.summary.is_empty(), "{} has no summary", rule.code);
        assert!(!rule.name.is_empty(), "{} has no name", rule.code);
        for section in rule.doc.split("## ").skip(1) {
            let (title, text) = section.split_once('\n').unwrap_or((section, ""));
            assert!(
                !text.trim().is_empty(),
                "{}: section `{title}` is empty",
                rule.code
            );
        }
    }
}

#[test]
fn codes_are_unique_and_sorted() {
    let codes: Vec<&str> = registry().iter().map(|r| r.code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(codes, sorted);
}

#[test]
fn hcl_examples_in_rule_docs_parse() {
    let mut checked = 0;
    for rule in registry() {
        let mut rest = rule.doc;
        while let Some(start) = rest.find("```hcl\n") {
            let after = &rest[start + 7..];
            let end = after.find("```").expect("closed code block");
            let code = &after[..end];
            hcl_edit::parser::parse_body(code)
                .unwrap_or_else(|e| panic!("{}: example does not parse: {e}\n{code}", rule.code));
            checked += 1;
            rest = &after[end + 3..];
        }
    }
    assert!(checked >= 30, "only {checked} examples found");
}

/// The README's rules table names every rule (rows may cover a range, `ELB010-015`, or a list,
/// `TF001-004, TF010`), and no code that does not exist.
#[test]
fn the_readme_rules_table_covers_every_rule() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("\n## Rules\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("README has a Rules section");
    let mut named = std::collections::BTreeSet::new();
    for row in table.lines().filter(|l| l.starts_with("| ")) {
        let cell = row.split('|').nth(1).unwrap().trim();
        for part in cell.split(',').map(str::trim) {
            let prefix: String = part.chars().take_while(char::is_ascii_alphabetic).collect();
            let digits = &part[prefix.len()..];
            let Some((from, to)) = digits.split_once('-').or(Some((digits, digits))) else {
                continue;
            };
            let (Ok(from), Ok(to)) = (from.parse::<u32>(), to.parse::<u32>()) else {
                continue;
            };
            let width = digits.split('-').next().unwrap().len();
            for n in from..=to {
                named.insert(format!("{prefix}{n:0width$}"));
            }
        }
    }
    for rule in tf_elbcheck::checks::registry() {
        assert!(
            named.contains(rule.code),
            "README.md's rules table does not name {}",
            rule.code
        );
    }
}

/// `docs/rules.md`: every rule's documentation under a heading of its code, so that
/// `docs/rules.md#elb004` links to it (the language server's diagnostics do). The text is
/// what `tf-elbcheck explain` prints; `UPDATE_GOLDEN=1 cargo test --test rule_docs` rewrites
/// the file after a rule's documentation changed.
fn rules_markdown() -> String {
    let mut out = String::from(
        "# Rules\n\n\
         Every rule's documentation, as `tf-elbcheck explain CODE` prints it. Generated from the\n\
         rules' declarations: do not edit; `UPDATE_GOLDEN=1 cargo test --test rule_docs`\n\
         writes it again. Each rule's heading is its code, so `docs/rules.md#elb004` links to\n\
         ELB004 (the language server's diagnostics link here).\n",
    );
    for rule in registry() {
        out.push_str(&format!(
            "\n## {}\n\n`{}` · {} · {}\n\n",
            rule.code,
            rule.name,
            rule.severity_text(),
            rule.summary
        ));
        for line in tf_elbcheck::report::doc_text(rule.doc).lines() {
            match line.strip_prefix("## ") {
                Some(heading) => out.push_str(&format!("### {heading}\n")),
                None => {
                    out.push_str(line);
                    out.push('\n');
                }
            }
        }
    }
    out
}

#[test]
fn docs_rules_md_has_every_rule_s_documentation() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    let expected = rules_markdown();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is not the rules' documentation; run UPDATE_GOLDEN=1 cargo test --test rule_docs"
    );
    for rule in registry() {
        assert_eq!(
            tf_elbcheck::lsp::convert::rule_url(rule.code),
            format!(
                "{}#{}",
                tf_elbcheck::lsp::convert::RULE_DOCS,
                rule.code.to_ascii_lowercase()
            )
        );
        assert!(actual.contains(&format!("\n## {}\n", rule.code)));
    }
}

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

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

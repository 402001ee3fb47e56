//! The markdown format: a report for a pull request comment or a GitHub job summary
//! (`$GITHUB_STEP_SUMMARY`).
//!
//! It has a heading, the summary line, a table of the findings (severity, code, location,
//! message and help), the rules those findings are of with the command that documents them,
//! and, for every load balancer with a blocked hop, a Mermaid `flowchart LR` of its path:
//! `clients --> LB --> targets`, plus the reply legs that are blocked. Each edge is labelled
//! with its ports; a blocked edge is drawn red (`linkStyle N stroke:#d00,…`) and its label
//! starts with the codes of the findings that block it. The picture comes from the findings'
//! [`Hop`]s alone, so a leg that no finding names has no ports on it when nothing else tells
//! them (the LB's listener ports label the clients' leg).
//!
//! A location is a link `path#Lline` (`#Lstart-Lend` for several lines) relative to the
//! current directory, which GitHub resolves against the repository when the report is
//! rendered from a checkout; for a pull request comment, where relative links do not resolve,
//! [`render`] takes a base URL (`https://github.com/OWNER/REPO/blob/SHA/`) to put in front.
//! A file outside the current directory (an absolute path) is named without a link.
//!
//! Text is escaped for a table cell ([`escape_cell`]); Mermaid labels are quoted with their
//! special characters as Mermaid entity codes ([`mermaid_label`]) and node ids are made of
//! `[A-Za-z0-9_]` only ([`node_id`]).

use crate::checks;
use crate::diagnostic::{Hop, HopKind, Outcome, Severity};
use crate::report::human::summary_line;
use crate::report::{region, Summary};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The style of a blocked edge.
pub const BLOCKED_STYLE: &str = "stroke:#d00,stroke-width:2px";

/// Renders the outcome as GitHub-flavoured markdown. `link_base` goes in front of every
/// location link (a `/` is added when it does not end with one); plain relative links when
/// `None`.
pub fn render(outcome: &Outcome, link_base: Option<&str>) -> String {
    let summary = Summary::of(outcome);
    let mut out = String::from("### tf-elbcheck\n\n");
    if outcome.load_failed() {
        out.push_str(
            "**The run failed** (the `TF` errors below): the findings are incomplete.\n\n",
        );
    }
    let mut line = summary_line(&summary);
    if let Some(first) = line.get(..1) {
        line.replace_range(..1, &first.to_ascii_uppercase());
    }
    let _ = writeln!(out, "{line}.");
    if outcome.findings.is_empty() {
        return out;
    }

    out.push_str("\n| Severity | Code | Location | Message |\n| --- | --- | --- | --- |\n");
    for f in &outcome.findings {
        let severity = match f.severity {
            Severity::Error => "**error**",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        let r = region(&outcome.sources, f.span);
        let mut message = escape_cell(&f.message);
        if let Some(help) = &f.help {
            message.push_str("<br>help: ");
            message.push_str(&escape_cell(help));
        }
        let _ = writeln!(
            out,
            "| {severity} | `{}` | {} | {message} |",
            f.code(),
            location(&r.file, r.line, r.end_line, link_base),
        );
    }

    let codes: BTreeSet<&str> = outcome.findings.iter().map(|f| f.code()).collect();
    out.push_str("\n`tf-elbcheck explain CODE` prints a rule's documentation:\n\n");
    for code in codes {
        match checks::rule(code) {
            Some(rule) => {
                let _ = writeln!(
                    out,
                    "- `{code}` {}: {}",
                    escape_cell(rule.name),
                    escape_cell(rule.summary)
                );
            }
            None => {
                let _ = writeln!(out, "- `{code}`");
            }
        }
    }

    let diagrams = diagrams(outcome);
    if !diagrams.is_empty() {
        out.push_str("\n#### Blocked paths\n");
        for (lb, text) in diagrams {
            let _ = write!(out, "\n{}\n\n```mermaid\n{text}```\n", code_span(&lb));
        }
    }
    out
}

/// The location cell: `[path:line](base/path#Lline)`, or the path alone in code when it is
/// absolute.
fn location(file: &str, line: usize, end_line: usize, link_base: Option<&str>) -> String {
    let text = format!("{file}:{line}");
    if file.starts_with('/') || std::path::Path::new(file).is_absolute() {
        return code_span(&text).replace('|', "\\|");
    }
    let anchor = if end_line > line {
        format!("#L{line}-L{end_line}")
    } else {
        format!("#L{line}")
    };
    let base = match link_base {
        Some(b) if !b.is_empty() && !b.ends_with('/') => format!("{b}/"),
        Some(b) => b.to_string(),
        None => String::new(),
    };
    format!(
        "[{}]({base}{}{anchor})",
        escape_cell(&text),
        encode_path(file)
    )
}

/// Percent-encodes a relative path for a link: everything but unreserved characters and `/`.
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Escapes text for a table cell, so that it shows as written: `|` (which would end the
/// cell), line breaks (`<br>`), `<`, `>` and `&` (HTML), and the characters that would start
/// markdown syntax: `\`, `*`, `[`, `]`, `~`, and `_` except between two letters or digits
/// (where it never emphasises, as in `aws_instance`). Code spans (`` `…` `` with matching
/// backtick runs, as messages write HCL) stay code spans, with only `|` escaped and line
/// breaks made spaces; a backtick that opens none is escaped.
pub fn escape_cell(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let run_at = |i: usize| chars[i..].iter().take_while(|c| **c == '`').count();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                let n = run_at(i);
                // The closing run: the next run of exactly n backticks.
                let mut j = i + n;
                let close = loop {
                    if j >= chars.len() {
                        break None;
                    }
                    if chars[j] == '`' {
                        let m = run_at(j);
                        if m == n {
                            break Some(j);
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                };
                match close {
                    Some(j) => {
                        for c in &chars[i..i + n] {
                            out.push(*c);
                        }
                        for c in &chars[i + n..j] {
                            match c {
                                '|' => out.push_str("\\|"),
                                '\r' | '\n' => out.push(' '),
                                c => out.push(*c),
                            }
                        }
                        for c in &chars[j..j + n] {
                            out.push(*c);
                        }
                        i = j + n;
                    }
                    None => {
                        for _ in 0..n {
                            out.push_str("\\`");
                        }
                        i += n;
                    }
                }
                continue;
            }
            '\r' if chars.get(i + 1) == Some(&'\n') => {}
            '\r' | '\n' => out.push_str("<br>"),
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '*' | '[' | ']' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' => {
                let word = |j: Option<usize>| {
                    j.and_then(|j| chars.get(j))
                        .is_some_and(|c| c.is_alphanumeric())
                };
                if !(word(i.checked_sub(1)) && word(Some(i + 1))) {
                    out.push('\\');
                }
                out.push('_');
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// An inline code span of `s`, fenced with more backticks than any run inside it.
fn code_span(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// A Mermaid node id made of `prefix` and `name`: ASCII letters, digits and `_` only (every
/// other character, `.`, `[`, `"` among them, becomes `_`, and runs of `_` become one).
/// The prefix keeps it clear of Mermaid's keywords (`end`, `style`, …) and of the `o` and `x`
/// that would turn an arrow into another kind of edge.
pub fn node_id(prefix: &str, name: &str) -> String {
    let mut out = String::from(prefix);
    for c in name.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '_' };
        if c == '_' && out.ends_with('_') {
            continue;
        }
        out.push(c);
    }
    while out.len() > prefix.len() && out.ends_with('_') {
        out.pop();
    }
    out
}

/// A Mermaid label, quoted: `"` and the characters Mermaid or HTML would read (`#`, `&`,
/// `<`, `>`, `` ` ``, `|`) become Mermaid entity codes (`#quot;`, `#35;`, …), and line breaks
/// spaces.
pub fn mermaid_label(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '|' => out.push_str("#124;"),
            '\r' | '\n' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// One edge of a diagram.
struct Edge {
    from: String,
    to: String,
    dotted: bool,
    label: String,
    blocked: bool,
}

/// A blocked leg: the hops of one kind, towards one target node, on the same ports.
struct Blocked {
    kind: HopKind,
    node: Option<usize>,
    ports: String,
    codes: Vec<&'static str>,
}

/// The diagram of every load balancer with a blocked hop, in the order of their first
/// finding: (LB address, Mermaid text).
fn diagrams(outcome: &Outcome) -> Vec<(String, String)> {
    let mut lbs: Vec<(&str, Vec<(&Hop, &'static str)>)> = Vec::new();
    for f in &outcome.findings {
        let Some(hop) = &f.hop else { continue };
        match lbs.iter_mut().find(|(lb, _)| *lb == hop.lb.as_ref()) {
            Some((_, hops)) => hops.push((hop, f.code())),
            None => lbs.push((hop.lb.as_ref(), vec![(hop, f.code())])),
        }
    }
    lbs.into_iter()
        .map(|(lb, hops)| (lb.to_string(), diagram(lb, &hops)))
        .collect()
}

/// The Mermaid flowchart of one LB's path, from the hops found on it with their codes.
fn diagram(lb: &str, hops: &[(&Hop, &'static str)]) -> String {
    // Target nodes, in order of first appearance.
    let mut targets: Vec<&str> = Vec::new();
    for (hop, _) in hops {
        if let (true, Some(t)) = (hop.kind.is_target_side(), &hop.targets) {
            if !targets.contains(&t.as_str()) {
                targets.push(t);
            }
        }
    }
    let generic = targets.is_empty();
    if generic {
        targets.push("targets");
    }

    let mut blocked: Vec<Blocked> = Vec::new();
    for (hop, code) in hops {
        let node = if hop.kind.is_target_side() {
            Some(
                hop.targets
                    .as_deref()
                    .and_then(|t| targets.iter().position(|x| *x == t))
                    .unwrap_or(0),
            )
        } else {
            None
        };
        match blocked
            .iter_mut()
            .find(|b| b.kind == hop.kind && b.node == node && b.ports == hop.ports)
        {
            Some(b) => {
                if !b.codes.contains(code) {
                    b.codes.push(code);
                }
            }
            None => blocked.push(Blocked {
                kind: hop.kind,
                node,
                ports: hop.ports.clone(),
                codes: vec![code],
            }),
        }
    }

    // Node ids: distinct, whatever the addresses.
    let mut used: Vec<String> = vec!["clients".to_string()];
    let mut unique = |id: String| {
        let mut candidate = id.clone();
        let mut n = 2;
        while used.contains(&candidate) {
            candidate = format!("{id}_{n}");
            n += 1;
        }
        used.push(candidate.clone());
        candidate
    };
    let lb_id = unique(node_id("lb_", lb));
    let target_ids: Vec<String> = targets.iter().map(|t| unique(node_id("t_", t))).collect();

    let mut edges: Vec<Edge> = Vec::new();
    let blocked_edge = |b: &Blocked, from: &str, to: &str, dotted: bool| Edge {
        from: from.to_string(),
        to: to.to_string(),
        dotted,
        label: format!("{}: {}", b.codes.join(", "), b.ports),
        blocked: true,
    };
    let of_kind = |kind: HopKind, node: Option<usize>| {
        blocked
            .iter()
            .filter(move |b| b.kind == kind && b.node == node)
    };
    // clients → LB
    let mut any = false;
    for b in of_kind(HopKind::ClientsToLb, None) {
        edges.push(blocked_edge(b, "clients", &lb_id, false));
        any = true;
    }
    if !any {
        let listeners = hops
            .iter()
            .map(|(h, _)| h.listeners.as_str())
            .find(|l| !l.is_empty())
            .unwrap_or("");
        edges.push(Edge {
            from: "clients".into(),
            to: lb_id.clone(),
            dotted: false,
            label: listeners.to_string(),
            blocked: false,
        });
    }
    // LB → targets
    for (i, id) in target_ids.iter().enumerate() {
        let mut any = false;
        for b in of_kind(HopKind::LbToTargets, Some(i)) {
            edges.push(blocked_edge(b, &lb_id, id, false));
            any = true;
        }
        if !any {
            edges.push(Edge {
                from: lb_id.clone(),
                to: id.clone(),
                dotted: false,
                label: String::new(),
                blocked: false,
            });
        }
    }
    // Blocked replies.
    for (i, id) in target_ids.iter().enumerate() {
        for b in of_kind(HopKind::RepliesToLb, Some(i)) {
            edges.push(blocked_edge(b, id, &lb_id, true));
        }
    }
    for b in of_kind(HopKind::RepliesToClients, None) {
        edges.push(blocked_edge(b, &lb_id, "clients", true));
    }

    let mut out = String::from("flowchart LR\n");
    let _ = writeln!(out, "  clients([{}])", mermaid_label("clients"));
    let _ = writeln!(out, "  {lb_id}[{}]", mermaid_label(lb));
    for (t, id) in targets.iter().zip(&target_ids) {
        if generic {
            let _ = writeln!(out, "  {id}[[{}]]", mermaid_label(t));
        } else {
            let _ = writeln!(out, "  {id}[{}]", mermaid_label(t));
        }
    }
    for e in &edges {
        let arrow = if e.dotted { "-.->" } else { "-->" };
        if e.label.is_empty() {
            let _ = writeln!(out, "  {} {arrow} {}", e.from, e.to);
        } else {
            let _ = writeln!(
                out,
                "  {} {arrow}|{}| {}",
                e.from,
                mermaid_label(&e.label),
                e.to
            );
        }
    }
    for (i, e) in edges.iter().enumerate() {
        if e.blocked {
            let _ = writeln!(out, "  linkStyle {i} {BLOCKED_STYLE}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Finding, Hop, HopKind};
    use crate::report::fixture;
    use crate::source::{SourceTable, Span};
    use std::path::PathBuf;
    use std::sync::Arc;

    #[test]
    fn cells_escape_pipes_line_breaks_html_and_markdown() {
        assert_eq!(escape_cell("a | b"), "a \\| b");
        assert_eq!(escape_cell("one\ntwo\r\nthree"), "one<br>two<br>three");
        assert_eq!(
            escape_cell("<script>&amp;</script>"),
            "&lt;script&gt;&amp;amp;&lt;/script&gt;"
        );
        assert_eq!(
            escape_cell("*x* [a](b) ~~s~~ \\"),
            "\\*x\\* \\[a\\](b) \\~\\~s\\~\\~ \\\\"
        );
        // Code spans stay code, with only pipes escaped; a lone backtick is escaped.
        assert_eq!(
            escape_cell("unclosed `{` in `a|b\n[x]` and ``c`d``"),
            "unclosed `{` in `a\\|b [x]` and ``c`d``"
        );
        assert_eq!(escape_cell("a ` b ``c"), "a \\` b \\`\\`c");
        // Underscores inside a word never emphasise and stay as they are.
        assert_eq!(
            escape_cell("aws_security_group.lb"),
            "aws_security_group.lb"
        );
        assert_eq!(escape_cell("_x_ module.a._b"), "\\_x\\_ module.a.\\_b");
        assert_eq!(escape_cell("100% of a,b:c"), "100% of a,b:c");
    }

    #[test]
    fn node_ids_are_plain_identifiers() {
        assert_eq!(node_id("lb_", "aws_elb.web"), "lb_aws_elb_web");
        assert_eq!(
            node_id("t_", "module.app[\"eu\"].aws_lb_target_group.app[0]"),
            "t_module_app_eu_aws_lb_target_group_app_0"
        );
        assert_eq!(
            node_id("t_", "aws_instance.a, aws_instance.b"),
            "t_aws_instance_a_aws_instance_b"
        );
        assert_eq!(node_id("t_", "é.end"), "t_end");
        for id in [
            node_id("lb_", "aws_lb.x[\"a b\"]"),
            node_id("t_", "<>&|`#;:{}()"),
        ] {
            assert!(
                id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{id}"
            );
        }
    }

    #[test]
    fn labels_are_quoted_with_entity_codes() {
        assert_eq!(mermaid_label("aws_elb.web"), "\"aws_elb.web\"");
        assert_eq!(
            mermaid_label("x[\"a\"] #1 <b> & `c` | d\ne"),
            "\"x[#quot;a#quot;] #35;1 #lt;b#gt; #amp; #96;c#96; #124; d e\""
        );
    }

    #[test]
    fn links_are_relative_or_under_the_base() {
        assert_eq!(
            location("net/main.tf", 3, 3, None),
            "[net/main.tf:3](net/main.tf#L3)"
        );
        assert_eq!(
            location("dir with space/a.tf", 2, 4, Some("https://github.com/o/r/blob/abc")),
            "[dir with space/a.tf:2](https://github.com/o/r/blob/abc/dir%20with%20space/a.tf#L2-L4)"
        );
        assert_eq!(
            location("a.tf", 1, 1, Some("https://x/")),
            "[a.tf:1](https://x/a.tf#L1)"
        );
        assert_eq!(
            location("/elsewhere/b.tf", 1, 1, None),
            "`/elsewhere/b.tf:1`"
        );
    }

    #[test]
    fn code_spans_outlast_backticks() {
        assert_eq!(code_span("aws_elb.web"), "`aws_elb.web`");
        assert_eq!(code_span("a`b"), "``a`b``");
        assert_eq!(code_span("`a"), "`` `a ``");
    }

    #[test]
    fn table_summary_and_rules_of_the_fixture() {
        let out = render(&fixture::outcome(), None);
        assert!(out.starts_with(
            "### tf-elbcheck\n\n3 findings (1 error, 1 warning, 1 note) in 2 files checked.\n"
        ));
        assert!(out.contains("| warning | `ELB022` | [net/main.tf:1](net/main.tf#L1) | the load balancer has no security_groups |\n"));
        assert!(out.contains("| **error** | `ELB002` | [net/sg.tf:1](net/sg.tf#L1) | no egress of aws_security_group.lb allows tcp/8080 to the instances<br>help: add an egress rule for tcp/8080 to aws_security_group.app |\n"));
        assert!(out.contains("| note | `ELB900` | [net/sg.tf:2](net/sg.tf#L2) | unknown: 100% of a,b:c<br>second line |\n"));
        assert!(out.contains("- `ELB002` instance-port-egress: "));
        // No finding of the fixture has a hop.
        assert!(!out.contains("```mermaid"));
    }

    #[test]
    fn no_findings_is_one_line() {
        assert_eq!(
            render(&Outcome::default(), None),
            "### tf-elbcheck\n\nNo findings in 0 files checked.\n"
        );
    }

    /// An outcome with hop findings on one LB: ELB002 and ELB012 on the same leg and ports,
    /// ELB013 on a reply leg, and an ELB001 on another LB whose address needs sanitising.
    fn hops() -> Outcome {
        let mut sources = SourceTable::new();
        let file = sources.add(PathBuf::from("main.tf"), "x\ny\nz\nw\n".into());
        let web: Arc<str> = Arc::from("aws_elb.web");
        let hop = |kind, ports: &str| {
            Hop::new(web.clone(), kind, ports)
                .listeners("80, 443")
                .targets("aws_instance.app[\"a\"]")
        };
        let rule = |c| checks::rule(c).unwrap();
        let findings = vec![
            Finding::new(rule("ELB002"), Span::new(file, 0, 1), "egress")
                .hop(hop(HopKind::LbToTargets, "8080")),
            Finding::new(rule("ELB012"), Span::new(file, 2, 3), "nacl out")
                .hop(hop(HopKind::LbToTargets, "8080")),
            Finding::new(rule("ELB013"), Span::new(file, 4, 5), "nacl replies")
                .hop(hop(HopKind::RepliesToLb, "1024-65535")),
            Finding::new(rule("ELB001"), Span::new(file, 6, 7), "ingress").hop(Hop::new(
                Arc::from("module.m[\"k\"].aws_lb.api"),
                HopKind::ClientsToLb,
                443,
            )),
        ];
        Outcome::new(sources, findings)
    }

    /// The mermaid blocks of a report.
    fn blocks(out: &str) -> Vec<&str> {
        out.split("```mermaid\n")
            .skip(1)
            .map(|b| b.split("```").next().unwrap())
            .collect()
    }

    /// The edges of a flowchart, in order (the index `linkStyle` uses), and the indices
    /// styled red.
    fn edges_and_red(block: &str) -> (Vec<&str>, Vec<usize>) {
        let edges: Vec<&str> = block
            .lines()
            .map(str::trim)
            .filter(|l| l.contains("-->") || l.contains("-.->"))
            .collect();
        let red = block
            .lines()
            .filter_map(|l| l.trim().strip_prefix("linkStyle "))
            .map(|l| {
                let (n, style) = l.split_once(' ').unwrap();
                assert_eq!(style, BLOCKED_STYLE);
                n.parse().unwrap()
            })
            .collect();
        (edges, red)
    }

    #[test]
    fn the_diagram_marks_the_blocked_hops_red() {
        let out = render(&hops(), None);
        let blocks = blocks(&out);
        assert_eq!(blocks.len(), 2, "{out}");
        assert!(out.contains("\n#### Blocked paths\n\n`aws_elb.web`\n\n```mermaid\nflowchart LR\n"));

        let (edges, red) = edges_and_red(blocks[0]);
        assert_eq!(
            edges,
            [
                "clients -->|\"80, 443\"| lb_aws_elb_web",
                "lb_aws_elb_web -->|\"ELB002, ELB012: 8080\"| t_aws_instance_app_a",
                "t_aws_instance_app_a -.->|\"ELB013: 1024-65535\"| lb_aws_elb_web",
            ]
        );
        assert_eq!(red, [1, 2]);
        for (i, e) in edges.iter().enumerate() {
            assert_eq!(red.contains(&i), e.contains("ELB0"), "{e}");
        }
        assert!(blocks[0].contains("  t_aws_instance_app_a[\"aws_instance.app[#quot;a#quot;]\"]\n"));

        // Only the clients' leg is known: the targets are a node of their own, reached by an
        // edge that is not red.
        let (edges, red) = edges_and_red(blocks[1]);
        assert_eq!(
            edges,
            [
                "clients -->|\"ELB001: 443\"| lb_module_m_k_aws_lb_api",
                "lb_module_m_k_aws_lb_api --> t_targets",
            ]
        );
        assert_eq!(red, [0]);
        assert!(
            blocks[1].contains("lb_module_m_k_aws_lb_api[\"module.m[#quot;k#quot;].aws_lb.api\"]")
        );
    }

    #[test]
    fn node_ids_stay_distinct() {
        let mut sources = SourceTable::new();
        let file = sources.add(PathBuf::from("main.tf"), "x\ny\n".into());
        let lb: Arc<str> = Arc::from("aws_lb.a");
        let f = |at, t: &str| {
            Finding::new(
                checks::rule("ELB004").unwrap(),
                Span::new(file, at, at + 1),
                "m",
            )
            .hop(Hop::new(lb.clone(), HopKind::LbToTargets, 80).targets(t))
        };
        let out = render(
            &Outcome::new(
                sources,
                vec![f(0, "aws_instance.x[0]"), f(2, "aws_instance.x.0")],
            ),
            None,
        );
        assert!(out.contains("  t_aws_instance_x_0[\"aws_instance.x[0]\"]\n"));
        assert!(out.contains("  t_aws_instance_x_0_2[\"aws_instance.x.0\"]\n"));
        let (_, red) = edges_and_red(blocks(&out)[0]);
        assert_eq!(red, [1, 2]);
    }
}

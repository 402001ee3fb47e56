//! The reference graph: resources, data sources, variables, locals, module calls and outputs,
//! named by their Terraform address, with an edge for every reference carrying its span.

use crate::source::{SourceTable, Span};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write;

#[derive(Debug, Default)]
pub struct RefGraph {
    pub graph: StableDiGraph<String, Span>,
    index: HashMap<String, NodeIndex>,
}

impl RefGraph {
    /// The node for an address, created on first use.
    pub fn node(&mut self, address: &str) -> NodeIndex {
        if let Some(&i) = self.index.get(address) {
            return i;
        }
        let i = self.graph.add_node(address.to_string());
        self.index.insert(address.to_string(), i);
        i
    }

    /// Records that `from` refers to `to` at `span` (once per pair).
    pub fn edge(&mut self, from: &str, to: &str, span: Span) {
        if from == to {
            return;
        }
        let a = self.node(from);
        let b = self.node(to);
        if self.graph.find_edge(a, b).is_none() {
            self.graph.add_edge(a, b, span);
        }
    }

    pub fn contains(&self, address: &str) -> bool {
        self.index.contains_key(address)
    }

    /// DOT text, nodes and edges sorted so output is stable. Edges are labelled with the
    /// `file:line:column` of the reference.
    pub fn to_dot(&self, name: &str, sources: &SourceTable) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "digraph {} {{", quote(name));
        let _ = writeln!(out, "  rankdir=LR;");
        let mut nodes: Vec<&String> = self.graph.node_weights().collect();
        nodes.sort();
        for n in nodes {
            let _ = writeln!(out, "  {};", quote(n));
        }
        let mut edges: Vec<(String, String, String)> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (a, b) = self.graph.edge_endpoints(e)?;
                let span = self.graph[e];
                let (pos, _) = sources.range(span);
                let at = format!(
                    "{}:{}:{}",
                    sources.get(span.file).display(),
                    pos.line,
                    pos.column
                );
                Some((self.graph[a].clone(), self.graph[b].clone(), at))
            })
            .collect();
        edges.sort();
        for (a, b, at) in edges {
            let _ = writeln!(
                out,
                "  {} -> {} [label={}];",
                quote(&a),
                quote(&b),
                quote(&at)
            );
        }
        out.push_str("}\n");
        out
    }
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

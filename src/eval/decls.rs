//! The declarations of one module directory, indexed by name: variables, locals, resources,
//! data sources, module calls and outputs. Duplicates are reported here.

use super::Mode;
use crate::diagnostic::{Finding, Severity};
use crate::syntax::{Attribute, Block, Body};
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct Decls<'p> {
    pub variables: FxHashMap<&'p str, &'p Block>,
    pub locals: FxHashMap<&'p str, &'p Attribute>,
    /// Keyed by `type.name`.
    pub resources: BTreeMap<String, &'p Block>,
    /// Keyed by `type.name`.
    pub data: BTreeMap<String, &'p Block>,
    pub modules: FxHashMap<&'p str, &'p Block>,
    pub outputs: FxHashMap<&'p str, &'p Block>,
    /// Resources and data sources by type, then name: a reference looks its block up without
    /// building the `type.name` key.
    pub by_type: [ByName<'p>; 2],
}

/// Blocks by type, then name.
pub type ByName<'p> = FxHashMap<&'p str, FxHashMap<&'p str, &'p Block>>;

impl<'p> Decls<'p> {
    /// The block declaring `rtype.name` (a data source for [`Mode::Data`]).
    pub fn block(&self, mode: Mode, rtype: &str, name: &str) -> Option<&'p Block> {
        self.by_type[mode as usize].get(rtype)?.get(name).copied()
    }
}

impl<'p> Decls<'p> {
    pub fn new(body: &'p Body, findings: &mut Vec<Finding>) -> Decls<'p> {
        let mut d = Decls::default();
        let dup = |what: &str, name: &str, block: &Block, findings: &mut Vec<Finding>| {
            findings.push(Finding::new(
                "TF001",
                Severity::Error,
                block.header_span,
                format!(
                    "duplicate {what} \"{name}\": each name can be declared only once in a module"
                ),
            ));
        };
        for block in &body.blocks {
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            match (block.kind.as_str(), labels.as_slice()) {
                ("variable", [name]) if d.variables.insert(name, block).is_some() => {
                    dup("variable", name, block, findings);
                }
                ("output", [name]) if d.outputs.insert(name, block).is_some() => {
                    dup("output", name, block, findings);
                }
                ("module", [name]) if d.modules.insert(name, block).is_some() => {
                    dup("module call", name, block, findings);
                }
                ("variable" | "output" | "module", [_]) => {}
                ("resource", [t, n]) => {
                    d.by_type[Mode::Managed as usize]
                        .entry(t)
                        .or_default()
                        .insert(n, block);
                    let key = super::concat(&[t, ".", n]);
                    if d.resources.insert(key.clone(), block).is_some() {
                        dup("resource", &key, block, findings);
                    }
                }
                ("data", [t, n]) => {
                    d.by_type[Mode::Data as usize]
                        .entry(t)
                        .or_default()
                        .insert(n, block);
                    let key = super::concat(&[t, ".", n]);
                    if d.data.insert(key.clone(), block).is_some() {
                        dup("data source", &key, block, findings);
                    }
                }
                ("locals", []) => {
                    for attr in &block.body.attributes {
                        if d.locals.insert(attr.name.as_str(), attr).is_some() {
                            findings.push(Finding::new(
                                "TF001",
                                Severity::Error,
                                attr.name_span,
                                format!("duplicate local value \"{}\"", attr.name),
                            ));
                        }
                    }
                }
                ("resource" | "data", _) => findings.push(Finding::new(
                    "TF001",
                    Severity::Error,
                    block.header_span,
                    format!(
                        "a {} block needs exactly two labels: type and name",
                        block.kind
                    ),
                )),
                ("variable" | "output" | "module", _) => findings.push(Finding::new(
                    "TF001",
                    Severity::Error,
                    block.header_span,
                    format!("a {} block needs exactly one label: its name", block.kind),
                )),
                (kind, _) if TOP_LEVEL_BLOCKS.contains(&kind) => {}
                (kind, _) => findings.push(Finding::new(
                    "TF001",
                    Severity::Error,
                    block.header_span,
                    format!(
                        "unsupported block type \"{kind}\": a module holds only {} blocks",
                        TOP_LEVEL_BLOCKS.join(", ")
                    ),
                )),
            }
        }
        super::schema::check(body, findings);
        for attr in &body.attributes {
            // In JSON syntax a block type Terraform knows but this reader does not lower (e.g.
            // `moved`) arrives as an attribute; it is not an error.
            if !TOP_LEVEL_BLOCKS.contains(&attr.name.as_str()) {
                findings.push(Finding::new(
                    "TF001",
                    Severity::Error,
                    attr.name_span,
                    format!(
                        "unsupported argument \"{}\": a module holds blocks, not arguments, at its top level",
                        attr.name
                    ),
                ));
            }
        }
        d
    }
}

/// The block types Terraform accepts at the top level of a module.
const TOP_LEVEL_BLOCKS: &[&str] = &[
    "terraform",
    "provider",
    "variable",
    "output",
    "locals",
    "module",
    "resource",
    "data",
    "moved",
    "import",
    "check",
    "removed",
    "ephemeral",
];

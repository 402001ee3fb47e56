//! The declarations of one module directory, indexed by name: variables, locals, resources,
//! data sources, module calls and outputs. Duplicates are reported here.

use super::Mode;
use crate::diagnostic::codes::{TF001, TF006};
use crate::diagnostic::Finding;
use crate::syntax::{Attribute, Block, Body};
use rustc_hash::FxHashMap;

#[derive(Debug, Default)]
pub(super) struct Decls<'p> {
    pub(super) variables: FxHashMap<&'p str, &'p Block>,
    pub(super) locals: FxHashMap<&'p str, &'p Attribute>,
    /// `(type, name, block)`, in the order of `type.name` (a name declared twice: the later).
    pub(super) resources: Vec<(&'p str, &'p str, &'p Block)>,
    /// Data sources, as [`Decls::resources`].
    pub(super) data: Vec<(&'p str, &'p str, &'p Block)>,
    pub(super) modules: FxHashMap<&'p str, &'p Block>,
    pub(super) outputs: FxHashMap<&'p str, &'p Block>,
    /// Resources and data sources by type, then name: a reference looks its block up without
    /// building the `type.name` key.
    pub(super) by_type: [ByName<'p>; 2],
}

/// Blocks by type, then name.
pub(super) type ByName<'p> = FxHashMap<&'p str, FxHashMap<&'p str, &'p Block>>;

impl<'p> Decls<'p> {
    /// The block declaring `rtype.name` (a data source for [`Mode::Data`]).
    pub(super) fn block(&self, mode: Mode, rtype: &str, name: &str) -> Option<&'p Block> {
        self.by_type[mode as usize].get(rtype)?.get(name).copied()
    }
}

impl<'p> Decls<'p> {
    pub(super) fn new(body: &'p Body, findings: &mut Vec<Finding>) -> Decls<'p> {
        let mut d = Decls::default();
        let dup = |what: &str, name: &str, block: &Block, findings: &mut Vec<Finding>| {
            findings.push(Finding::new(
                &TF001,
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
                ("resource", [t @ ("terraform_remote_state" | "template_file"), _]) => {
                    // Kept, so that references to it resolve; its attributes are unknown.
                    findings.push(Finding::new(
                        &TF006,
                        block.header_span,
                        format!(
                            "resource \"{t}\" is the form Terraform had before 0.7 made it a data source (write data \"{t}\"); it is read, its attributes known only after apply"
                        ),
                    ));
                    let known = d.by_type[Mode::Managed as usize]
                        .entry(t)
                        .or_default()
                        .insert(labels[1], block);
                    if known.is_some() {
                        dup("resource", &super::join_parts(&[t, ".", labels[1]]), block, findings);
                    }
                }
                ("atlas", []) => findings.push(Finding::new(
                    &TF006,
                    block.header_span,
                    "the atlas block (Terraform Enterprise legacy settings) was accepted up to Terraform 0.11 and is skipped".to_string(),
                )),
                (kind @ ("resource" | "data"), [t, n]) => {
                    let (mode, what) = match kind {
                        "resource" => (Mode::Managed, "resource"),
                        _ => (Mode::Data, "data source"),
                    };
                    let known = d.by_type[mode as usize]
                        .entry(t)
                        .or_default()
                        .insert(n, block);
                    if known.is_some() {
                        dup(what, &super::join_parts(&[t, ".", n]), block, findings);
                    }
                }
                ("locals", []) => {
                    for attr in &block.body.attributes {
                        if d.locals.insert(attr.name.as_str(), attr).is_some() {
                            findings.push(Finding::new(
                                &TF001,
                                attr.name_span,
                                format!("duplicate local value \"{}\"", attr.name),
                            ));
                        }
                    }
                }
                ("resource" | "data", _) => findings.push(Finding::new(
                    &TF001,
                    block.header_span,
                    format!(
                        "a {} block needs exactly two labels: type and name",
                        block.kind
                    ),
                )),
                ("variable" | "output" | "module", _) => findings.push(Finding::new(
                    &TF001,
                    block.header_span,
                    format!("a {} block needs exactly one label: its name", block.kind),
                )),
                (kind, _) if TOP_LEVEL_BLOCKS.contains(&kind) => {}
                (kind, _) => findings.push(Finding::new(
                    &TF001,
                    block.header_span,
                    format!(
                        "unsupported block type \"{kind}\": a module holds only {} blocks",
                        TOP_LEVEL_BLOCKS.join(", ")
                    ),
                )),
            }
        }
        d.resources = in_key_order(&d.by_type[Mode::Managed as usize]);
        d.data = in_key_order(&d.by_type[Mode::Data as usize]);
        super::schema::check(body, findings);
        for attr in &body.attributes {
            // In JSON syntax a block type Terraform knows but this reader does not lower (e.g.
            // `moved`) arrives as an attribute; it is not an error.
            if attr.name == "atlas" {
                findings.push(Finding::new(
                    &TF006,
                    attr.name_span,
                    "the atlas block (Terraform Enterprise legacy settings) was accepted up to Terraform 0.11 and is skipped".to_string(),
                ));
            } else if !TOP_LEVEL_BLOCKS.contains(&attr.name.as_str()) {
                findings.push(Finding::new(&TF001,
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

/// The blocks of `by_type` in the order of their `type.name` keys, compared without building
/// them.
fn in_key_order<'p>(by_type: &ByName<'p>) -> Vec<(&'p str, &'p str, &'p Block)> {
    let mut out: Vec<(&'p str, &'p str, &'p Block)> = by_type
        .iter()
        .flat_map(|(t, names)| names.iter().map(move |(n, b)| (*t, *n, *b)))
        .collect();
    out.sort_unstable_by(|a, b| key_order((a.0, a.1), (b.0, b.1)));
    out
}

/// The order of `t1.n1` and `t2.n2` as strings.
fn key_order((t1, n1): (&str, &str), (t2, n2): (&str, &str)) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    if t1 == t2 {
        return n1.cmp(n2);
    }
    let common = t1.len().min(t2.len());
    match t1.as_bytes()[..common].cmp(&t2.as_bytes()[..common]) {
        // One type is a prefix of the other (`aws_subnet`, `aws_subnet_x`): the `.` after the
        // shorter one meets a byte of the longer one, which decides unless it is a `.` too.
        Ordering::Equal if t1.len() < t2.len() && t2.as_bytes()[common] != b'.' => {
            b'.'.cmp(&t2.as_bytes()[common])
        }
        Ordering::Equal if t2.len() < t1.len() && t1.as_bytes()[common] != b'.' => {
            t1.as_bytes()[common].cmp(&b'.')
        }
        Ordering::Equal => {
            // Labels with dots in them: compare the joined keys byte by byte.
            let key = |t: &str, n: &str| {
                t.bytes()
                    .chain(*b".")
                    .chain(n.bytes())
                    .collect::<smallvec::SmallVec<[u8; 64]>>()
            };
            key(t1, n1).cmp(&key(t2, n2))
        }
        decided => decided,
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

#[cfg(test)]
mod tests {
    use super::key_order;

    #[test]
    fn orders_as_the_joined_keys() {
        let keys = [
            ("aws_security_group", "web"),
            ("aws_security_group_rule", "a"),
            ("aws_security_group", "app"),
            ("a-b", "x"),
            ("a", "y"),
            ("a", "b.c"),
            ("a.b", "c"),
            ("aws_instance", "z"),
            ("aws_elb", "web"),
        ];
        for a in keys {
            for b in keys {
                let joined = format!("{}.{}", a.0, a.1).cmp(&format!("{}.{}", b.0, b.1));
                assert_eq!(key_order(a, b), joined, "{a:?} {b:?}");
            }
        }
    }
}

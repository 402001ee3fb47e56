//! Module calls: the child instances of a `module` block (one per `count` or `for_each`
//! instance) and the directory of its source, a local path or a module installed by
//! `terraform init`. A source that cannot be read is reported (TF001, TF003 or TF005) and
//! makes the module's outputs unknown.

use super::{Evaluator, Expansion, ModInst, Scope};
use crate::diagnostic::codes::{TF001, TF003, TF005};
use crate::diagnostic::Finding;
use crate::eval::value::Unknown;
use crate::frontend;
use crate::source::Span;
use crate::syntax::Block;
use std::path::PathBuf;

impl<'p> Evaluator<'p> {
    /// The child instances of a module call, created on first use.
    pub(crate) fn module_instances(
        &mut self,
        inst: usize,
        name: &str,
        span: Span,
    ) -> Option<(Expansion, Vec<usize>)> {
        let block = self
            .decls(inst)
            .and_then(|d| d.modules.get(name).copied())?;
        let expansion = self.expansion(inst, block, span, || format!("module.{name}"));
        let call_name = format!("{}module.{name}", self.insts[inst].prefix);
        self.edge_to(&call_name, span);
        if let Some(c) = self.children.get(&(inst, name.to_string())) {
            return Some((expansion, c.clone()));
        }
        let mut ids = Vec::new();
        let source = block
            .body
            .attribute("source")
            .and_then(|a| match &a.expr.kind {
                crate::syntax::ExprKind::String(s) => Some((s.clone(), a.expr.span)),
                _ => None,
            });
        let key_path = if self.insts[inst].key_path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.insts[inst].key_path)
        };
        let (dir, missing) = self.resolve_source(inst, source, block, &key_path);
        for (suffix, count, each) in expansion.keys() {
            let scope = Scope {
                inst,
                count,
                each,
                bound: vec![],
            };
            let mut call_sites = self.insts[inst].call_sites.clone();
            call_sites.push(block.header_span);
            let id = self.insts.len();
            let prefix = format!("{}module.{name}{suffix}.", self.insts[inst].prefix);
            self.prefixes.entry(prefix.clone()).or_insert(id);
            self.insts.push(ModInst {
                dir: dir.clone(),
                prefix,
                parent: Some((inst, block, scope)),
                call_sites,
                key_path: key_path.clone(),
                missing: missing.clone(),
                uncertain: match &expansion {
                    Expansion::Unknown(u) => Some(Unknown::new(format!("how many instances of module.{name} exist is known only after apply ({})", u.reason), u.origin)),
                    _ => self.insts[inst].uncertain.clone(),
                },
            });
            ids.push(id);
        }
        self.children.insert((inst, name.to_string()), ids.clone());
        Some((expansion, ids))
    }

    /// Finds the directory of a module call; returns why it is missing when it cannot be read.
    fn resolve_source(
        &mut self,
        inst: usize,
        source: Option<(String, Span)>,
        block: &Block,
        key_path: &str,
    ) -> (PathBuf, Option<String>) {
        let Some((source, span)) = source else {
            self.report(Finding::new(
                &TF001,
                block.header_span,
                "module call has no literal \"source\" argument",
            ));
            return (PathBuf::new(), Some("the module has no source".into()));
        };
        if frontend::discover::is_local_source(&source) {
            let dir = frontend::discover::normalize(&self.insts[inst].dir.join(&source));
            let mut ancestor = Some(inst);
            while let Some(a) = ancestor {
                if self.insts[a].dir == dir {
                    self.report(Finding::new(
                        &TF003,
                        span,
                        format!(
                            "module \"{}\" calls itself (source {source:?}); it was not expanded",
                            block.labels.first().cloned().unwrap_or_default()
                        ),
                    ));
                    return (dir, Some("the module calls itself".into()));
                }
                ancestor = self.insts[a].parent.as_ref().map(|p| p.0);
            }
            if self.project.modules.contains_key(&dir) {
                return (dir, None);
            }
            if self.project.in_scope(&dir) || !dir.exists() {
                self.report(Finding::new(
                    &TF001,
                    span,
                    format!(
                        "module source {source:?} has no Terraform files (looked in {})",
                        crate::source::display_path(&dir)
                    ),
                ));
                return (dir, Some(format!("module source {source:?} was not found")));
            }
            let boundary = match self.project.reach.as_slice() {
                [] => "the scanned paths".to_string(),
                reach => format!(
                    "{}, beyond which nothing is read (the repository: the nearest directory with .git above the scanned paths, else the current directory)",
                    reach
                        .iter()
                        .map(|r| crate::source::display_path(r).to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let why = format!("module source {source:?} lies outside {boundary} and was not read");
            self.report(
                Finding::new(&TF005,
                    span,
                    format!("module.{key_path}: {why}; its outputs are unknown and its load balancers are not checked"),
                )
                .help(format!(
                    "pass {} to the tool as well to check it",
                    crate::source::display_path(&dir)
                )),
            );
            return (dir, Some(why));
        }
        let root = self.project.modules.get(&self.root);
        if let Some((_, dir)) = root.and_then(|m| m.installed.iter().find(|(k, _)| k == key_path)) {
            return (dir.clone(), None);
        }
        let why = format!("module.{key_path} comes from {source:?}, which is not installed locally (run `terraform init` to make it available); it was not fetched");
        self.report(Finding::new(
            &TF005,
            span,
            format!("{why}: its outputs are unknown"),
        ));
        (PathBuf::new(), Some(why))
    }
}

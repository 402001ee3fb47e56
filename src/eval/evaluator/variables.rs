//! The named values of a module instance: input variables (from tfvars, `--var-file`, `--var`
//! and `TF_VAR_` for the root, from the module call for a child; else the default; converted to
//! the declared type), locals and outputs.

use super::memo::Node;
use super::{Evaluator, Scope};
use crate::diagnostic::codes::TF004;
use crate::diagnostic::Finding;
use crate::eval::types::{convert, parse_type, Type};
use crate::eval::value::Value;
use crate::source::Span;
use crate::syntax::{Block, Body};
use std::collections::BTreeMap;

impl<'p> Evaluator<'p> {
    /// The value of `var.name` in an instance.
    pub(crate) fn variable(&mut self, inst: usize, name: &str, span: Span) -> Value {
        let Some((name, block)) = self
            .decls(inst)
            .and_then(|d| d.variables.get_key_value(name))
            .map(|(k, b)| (*k, *b))
        else {
            return Value::unknown(format!("var.{name} is not declared"), None);
        };
        self.enter(Node::Var(inst, name), span, |ev| {
            ev.compute_variable(inst, name, block)
        })
    }

    fn compute_variable(&mut self, inst: usize, name: &str, block: &'p Block) -> Value {
        let ty = block
            .body
            .attribute("type")
            .and_then(|a| parse_type(&a.expr));
        let default = block.body.attribute("default");
        let given: Option<(Value, Span)> = match &self.insts[inst].parent {
            None => self
                .root_input(name, ty.as_ref())
                .map(|(v, s)| (v, s.unwrap_or(block.header_span))),
            Some((parent, call, scope)) => {
                let (parent, call, scope) = (*parent, *call, scope.clone());
                let _ = parent;
                call.body
                    .attribute(name)
                    .map(|a| (self.eval_attr(&a.expr, &scope), a.expr.span))
            }
        };
        let (value, span) = match given {
            Some((v, s)) if !(v == Value::Null && default.is_some() && is_non_nullable(block)) => {
                (v, s)
            }
            _ => match default {
                Some(d) => {
                    let scope = Scope {
                        inst,
                        ..Scope::default()
                    };
                    (self.eval_attr(&d.expr, &scope), d.expr.span)
                }
                None => {
                    let why = if self.insts[inst].parent.is_none() {
                        format!("variable \"{name}\" has no default and no value was given (tfvars, --var or TF_VAR_{name})")
                    } else {
                        format!("module input \"{name}\" is not set by the module call")
                    };
                    return Value::unknown(why, Some(block.header_span));
                }
            },
        };
        match ty {
            Some(ty) => match convert(value, &ty) {
                Ok(v) => v,
                Err(e) => {
                    self.report(
                        Finding::new(
                            &TF004,
                            span,
                            format!("invalid value for variable \"{name}\": {e}"),
                        )
                        .label(
                            block.header_span,
                            format!("\"{name}\" is declared with type {ty}"),
                        ),
                    );
                    Value::unknown(format!("var.{name} has an invalid value"), Some(span))
                }
            },
            None => value,
        }
    }

    /// A root variable's value from tfvars, `--var-file`, `--var` or `TF_VAR_*`, in
    /// Terraform's precedence (later sources win).
    fn root_input(&mut self, name: &str, ty: Option<&Type>) -> Option<(Value, Option<Span>)> {
        if self.root_inputs.is_none() {
            let mut map: BTreeMap<String, (Value, Option<Span>)> = BTreeMap::new();
            let scope = Scope::default();
            for (k, v) in &self.inputs.env_vars {
                map.insert(k.clone(), (Value::String(v.clone()), None));
            }
            let module = self.project.modules.get(&self.root);
            let tfvars: Vec<&Body> = module
                .map(|m| m.tfvars.iter().collect())
                .unwrap_or_default();
            let files: Vec<&Body> = tfvars
                .into_iter()
                .chain(self.inputs.var_files.iter())
                .collect();
            for body in files {
                for attr in &body.attributes {
                    let v = self.eval_attr(&attr.expr, &scope);
                    map.insert(attr.name.to_string(), (v, Some(attr.expr.span)));
                }
            }
            for (k, v) in &self.inputs.vars {
                map.insert(k.clone(), (Value::String(v.clone()), None));
            }
            self.root_inputs = Some(map);
        }
        let (value, span) = self.root_inputs.as_ref()?.get(name)?.clone();
        // Command-line and environment strings are HCL expressions for non-string types.
        let value = match (&value, span, ty) {
            (Value::String(s), None, Some(t))
                if !matches!(t, Type::String | Type::Number | Type::Bool) =>
            {
                match hcl_edit::parser::parse_expr(s) {
                    Ok(e) => {
                        let e = crate::frontend::lower::Lowerer {
                            file: Default::default(),
                            base: 0,
                        }
                        .expr(&e);
                        self.eval(&e, &Scope::default()).unwrap_or(value.clone())
                    }
                    Err(_) => value.clone(),
                }
            }
            _ => value,
        };
        Some((value, span))
    }

    pub(crate) fn local(&mut self, inst: usize, name: &str, span: Span) -> Option<Value> {
        let attr = self.decls(inst).and_then(|d| d.locals.get(name).copied())?;
        let node = Node::Local(inst, attr.name.as_str());
        Some(self.enter(node, span, |ev| {
            let scope = Scope {
                inst,
                ..Scope::default()
            };
            ev.eval_attr(&attr.expr, &scope)
        }))
    }

    pub(crate) fn output(&mut self, inst: usize, name: &str, span: Span) -> Option<Value> {
        if let Some(why) = &self.insts[inst].missing {
            return Some(Value::unknown(why.clone(), Some(span)));
        }
        let (name, block) = self
            .decls(inst)
            .and_then(|d| d.outputs.get_key_value(name))
            .map(|(k, b)| (*k, *b))?;
        let node = Node::Output(inst, name);
        Some(self.enter(node, span, |ev| {
            let scope = Scope {
                inst,
                ..Scope::default()
            };
            match block.body.attribute("value") {
                Some(a) => ev.eval_attr(&a.expr, &scope),
                None => Value::Null,
            }
        }))
    }
}

fn is_non_nullable(block: &Block) -> bool {
    block
        .body
        .attribute("nullable")
        .is_some_and(|a| matches!(a.expr.kind, crate::syntax::ExprKind::Bool(false)))
}

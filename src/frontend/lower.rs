//! Lowering of `hcl-edit`'s syntax tree into `crate::syntax`, turning its byte ranges into
//! [`Span`]s of one file.

use crate::source::{FileId, Span};
use crate::syntax::{
    Attribute, BinaryOp, Block, Body, Expr, ExprKind, ForExpr, ObjectKey, TemplatePart, Traverser,
    UnaryOp,
};
use hcl_edit::expr::{self as he, Expression};
use hcl_edit::structure::{self as hs, Structure};
use hcl_edit::template as ht;
use hcl_edit::Span as _;

/// Lowers one parsed file. `base` is added to every offset (used for templates embedded in JSON
/// strings).
pub struct Lowerer {
    pub file: FileId,
    pub base: usize,
}

impl Lowerer {
    fn span(&self, range: Option<std::ops::Range<usize>>) -> Span {
        let r = range.unwrap_or(0..0);
        Span::new(self.file, self.base + r.start, self.base + r.end)
    }

    pub fn body(&self, body: &hs::Body) -> Body {
        // Exact capacities: every lowered tree is kept for the whole run.
        let attributes = body.iter().filter(|s| s.is_attribute()).count();
        let mut out = Body {
            attributes: Vec::with_capacity(attributes),
            blocks: Vec::with_capacity(body.len() - attributes),
        };
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => out.attributes.push(Attribute {
                    name: attr.key.as_str().into(),
                    name_span: self.span(attr.key.span()),
                    expr: self.expr(&attr.value),
                    span: self.span(attr.span()),
                }),
                Structure::Block(block) => out.blocks.push(self.block(block)),
            }
        }
        out
    }

    fn block(&self, block: &hs::Block) -> Block {
        let start = block.ident.span().map(|r| r.start);
        let end = block
            .labels
            .last()
            .and_then(|l| l.span())
            .or_else(|| block.ident.span())
            .map(|r| r.end);
        let header = match (start, end) {
            (Some(s), Some(e)) => self.span(Some(s..e)),
            _ => self.span(block.span()),
        };
        Block {
            kind: block.ident.as_str().into(),
            labels: block.labels.iter().map(|l| l.as_str().into()).collect(),
            body: self.body(&block.body),
            header_span: header,
            span: self.span(block.span()),
        }
    }

    pub fn expr(&self, expr: &Expression) -> Expr {
        let span = self.span(expr.span());
        let kind = match expr {
            Expression::Null(_) => ExprKind::Null,
            Expression::Bool(b) => ExprKind::Bool(*b.value()),
            Expression::Number(n) => ExprKind::Number(n.value().as_f64().unwrap_or(f64::NAN)),
            Expression::String(s) => ExprKind::String(s.value().to_string()),
            Expression::Array(items) => {
                ExprKind::Tuple(items.iter().map(|e| self.expr(e)).collect())
            }
            Expression::Object(obj) => ExprKind::Object(
                obj.iter()
                    .map(|(k, v)| {
                        let key = match k {
                            he::ObjectKey::Ident(id) => ObjectKey::Ident(id.as_str().to_string()),
                            he::ObjectKey::Expression(e) => ObjectKey::Expr(self.expr(e)),
                        };
                        (key, self.expr(v.expr()))
                    })
                    .collect(),
            ),
            Expression::StringTemplate(t) => self.template_kind(t.iter(), true),
            Expression::HeredocTemplate(h) => {
                if h.indent().is_some() {
                    let mut h = (**h).clone();
                    h.dedent();
                    self.template_kind(h.template.iter(), false)
                } else {
                    self.template_kind(h.template.iter(), false)
                }
            }
            Expression::Parenthesis(p) => ExprKind::Parens(Box::new(self.expr(p.inner()))),
            Expression::Variable(v) => ExprKind::Variable(v.as_str().into()),
            Expression::Conditional(c) => ExprKind::Conditional(
                Box::new(self.expr(&c.cond_expr)),
                Box::new(self.expr(&c.true_expr)),
                Box::new(self.expr(&c.false_expr)),
            ),
            Expression::FuncCall(call) => {
                let mut name = String::new();
                for ns in &call.name.namespace {
                    name.push_str(ns.as_str());
                    name.push_str("::");
                }
                name.push_str(call.name.name.as_str());
                ExprKind::Call {
                    name,
                    args: call.args.iter().map(|a| self.expr(a)).collect(),
                    expand_final: call.args.expand_final(),
                }
            }
            Expression::Traversal(t) => ExprKind::Traversal(
                Box::new(self.expr(&t.expr)),
                t.operators.iter().map(|op| self.traverser(op)).collect(),
            ),
            Expression::UnaryOp(op) => ExprKind::Unary(
                match op.operator.value() {
                    he::UnaryOperator::Neg => UnaryOp::Neg,
                    he::UnaryOperator::Not => UnaryOp::Not,
                },
                Box::new(self.expr(&op.expr)),
            ),
            Expression::BinaryOp(op) => {
                use he::BinaryOperator as B;
                let o = match op.operator.value() {
                    B::Eq => BinaryOp::Eq,
                    B::NotEq => BinaryOp::NotEq,
                    B::LessEq => BinaryOp::LtEq,
                    B::GreaterEq => BinaryOp::GtEq,
                    B::Less => BinaryOp::Lt,
                    B::Greater => BinaryOp::Gt,
                    B::Plus => BinaryOp::Add,
                    B::Minus => BinaryOp::Sub,
                    B::Mul => BinaryOp::Mul,
                    B::Div => BinaryOp::Div,
                    B::Mod => BinaryOp::Mod,
                    B::And => BinaryOp::And,
                    B::Or => BinaryOp::Or,
                };
                ExprKind::Binary(
                    o,
                    Box::new(self.expr(&op.lhs_expr)),
                    Box::new(self.expr(&op.rhs_expr)),
                )
            }
            Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
                key_var: f.intro.key_var.as_ref().map(|k| k.as_str().into()),
                value_var: f.intro.value_var.as_str().into(),
                collection: self.expr(&f.intro.collection_expr),
                key: f.key_expr.as_ref().map(|k| self.expr(k)),
                value: self.expr(&f.value_expr),
                cond: f.cond.as_ref().map(|c| self.expr(&c.expr)),
                grouping: f.grouping,
            })),
        };
        Expr { kind, span }
    }

    fn traverser(&self, op: &hcl_edit::Decorated<he::TraversalOperator>) -> Traverser {
        let span = self.span(op.span());
        match op.value() {
            he::TraversalOperator::AttrSplat(_) => Traverser::AttrSplat(span),
            he::TraversalOperator::FullSplat(_) => Traverser::FullSplat(span),
            he::TraversalOperator::GetAttr(id) => Traverser::GetAttr(id.as_str().into(), span),
            he::TraversalOperator::Index(e) => Traverser::Index(self.expr(e)),
            he::TraversalOperator::LegacyIndex(i) => Traverser::Index(Expr {
                kind: ExprKind::Number(*i.value() as f64),
                span,
            }),
        }
    }

    fn template_kind<'a>(
        &self,
        elements: impl Iterator<Item = &'a ht::Element>,
        quoted: bool,
    ) -> ExprKind {
        let parts = self.template_parts_in(elements, quoted, false);
        match parts.as_slice() {
            [] => ExprKind::String(String::new()),
            [TemplatePart::Literal(s)] => ExprKind::String(s.clone()),
            _ => ExprKind::Template(parts),
        }
    }

    pub fn template_parts<'a>(
        &self,
        elements: impl Iterator<Item = &'a ht::Element>,
    ) -> Vec<TemplatePart> {
        self.template_parts_in(elements, false, false)
    }

    /// The parts of a template. `quoted`: the template is a quoted string; `nested`: these
    /// elements are the body of a directive, whose literals the parser leaves with their
    /// escape sequences (`\n`, `$${`), so they are decoded here when the template is quoted.
    fn template_parts_in<'a>(
        &self,
        elements: impl Iterator<Item = &'a ht::Element>,
        quoted: bool,
        nested: bool,
    ) -> Vec<TemplatePart> {
        // Each part with its strip markers: `~` at the start of its opening marker trims the
        // literal before it, `~` at the end of its closing marker the literal after it.
        let mut parts: Vec<(TemplatePart, bool, bool)> = Vec::new();
        for element in elements {
            parts.push(match element {
                ht::Element::Literal(s) => {
                    let text = if quoted && nested {
                        decode_escapes(s.value())
                    } else {
                        s.value().to_string()
                    };
                    (TemplatePart::Literal(text), false, false)
                }
                ht::Element::Interpolation(i) => (
                    TemplatePart::Interpolation(self.expr(&i.expr)),
                    i.strip.strip_start(),
                    i.strip.strip_end(),
                ),
                ht::Element::Directive(d) => match &**d {
                    ht::Directive::If(d) => {
                        let then_end = d.else_expr.as_ref().map_or(d.endif_expr.strip, |e| e.strip);
                        let mut then =
                            self.template_parts_in(d.if_expr.template.iter(), quoted, true);
                        strip_ends(
                            &mut then,
                            d.if_expr.strip.strip_end(),
                            then_end.strip_start(),
                        );
                        let otherwise = d
                            .else_expr
                            .as_ref()
                            .map(|e| {
                                let mut parts =
                                    self.template_parts_in(e.template.iter(), quoted, true);
                                let end = d.endif_expr.strip.strip_start();
                                strip_ends(&mut parts, e.strip.strip_end(), end);
                                parts
                            })
                            .unwrap_or_default();
                        (
                            TemplatePart::If {
                                cond: self.expr(&d.if_expr.cond_expr),
                                then,
                                otherwise,
                            },
                            d.if_expr.strip.strip_start(),
                            d.endif_expr.strip.strip_end(),
                        )
                    }
                    ht::Directive::For(d) => {
                        let mut body =
                            self.template_parts_in(d.for_expr.template.iter(), quoted, true);
                        strip_ends(
                            &mut body,
                            d.for_expr.strip.strip_end(),
                            d.endfor_expr.strip.strip_start(),
                        );
                        (
                            TemplatePart::For {
                                key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().into()),
                                value_var: d.for_expr.value_var.as_str().into(),
                                collection: self.expr(&d.for_expr.collection_expr),
                                body,
                            },
                            d.for_expr.strip.strip_start(),
                            d.endfor_expr.strip.strip_end(),
                        )
                    }
                },
            });
        }
        for i in 0..parts.len() {
            let before = i > 0 && parts[i - 1].2;
            let after = parts.get(i + 1).is_some_and(|p| p.1);
            if let TemplatePart::Literal(s) = &mut parts[i].0 {
                strip_literal(s, before, after);
            }
        }
        parts.into_iter().map(|(p, _, _)| p).collect()
    }
}

/// Applies the strip markers of a directive to the first and last literal of its body.
fn strip_ends(parts: &mut [TemplatePart], start: bool, end: bool) {
    if let Some(TemplatePart::Literal(s)) = parts.first_mut() {
        strip_literal(s, start, false);
    }
    if let Some(TemplatePart::Literal(s)) = parts.last_mut() {
        strip_literal(s, false, end);
    }
}

/// Trims the whitespace at the start and/or end of a template literal, as a `~` next to it does.
fn strip_literal(s: &mut String, start: bool, end: bool) {
    if end {
        s.truncate(s.trim_end().len());
    }
    if start {
        *s = s.trim_start().to_string();
    }
}

/// Decodes the escape sequences of a quoted HCL string: `\n`, `\r`, `\t`, `\"`, `\\`,
/// `\uNNNN`, `\UNNNNNNNN`, and the template escapes `$${` and `%%{`.
fn decode_escapes(raw: &str) -> String {
    let raw = raw.replace("$${", "${").replace("%%{", "%{");
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some(q @ ('"' | '\\')) => out.push(q),
            Some(u @ ('u' | 'U')) => {
                let len = if u == 'u' { 4 } else { 8 };
                let digits: String = chars.by_ref().take(len).collect();
                match u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                {
                    Some(c) => out.push(c),
                    None => {
                        out.push('\\');
                        out.push(u);
                        out.push_str(&digits);
                    }
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

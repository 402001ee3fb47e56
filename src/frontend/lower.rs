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
            Expression::StringTemplate(t) => self.template_kind(t.iter()),
            Expression::HeredocTemplate(h) => {
                if h.indent().is_some() {
                    let mut h = (**h).clone();
                    h.dedent();
                    self.template_kind(h.template.iter())
                } else {
                    self.template_kind(h.template.iter())
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

    fn template_kind<'a>(&self, elements: impl Iterator<Item = &'a ht::Element>) -> ExprKind {
        let parts = self.template_parts(elements);
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
        let mut parts = Vec::new();
        for element in elements {
            match element {
                ht::Element::Literal(s) => parts.push(TemplatePart::Literal(s.value().to_string())),
                ht::Element::Interpolation(i) => {
                    parts.push(TemplatePart::Interpolation(self.expr(&i.expr)))
                }
                ht::Element::Directive(d) => match &**d {
                    ht::Directive::If(d) => parts.push(TemplatePart::If {
                        cond: self.expr(&d.if_expr.cond_expr),
                        then: self.template_parts(d.if_expr.template.iter()),
                        otherwise: d
                            .else_expr
                            .as_ref()
                            .map(|e| self.template_parts(e.template.iter()))
                            .unwrap_or_default(),
                    }),
                    ht::Directive::For(d) => parts.push(TemplatePart::For {
                        key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().into()),
                        value_var: d.for_expr.value_var.as_str().into(),
                        collection: self.expr(&d.for_expr.collection_expr),
                        body: self.template_parts(d.for_expr.template.iter()),
                    }),
                },
            }
        }
        parts
    }
}

//! The Terraform syntax tree the evaluator works on. Both native HCL (via `hcl-edit`) and
//! Terraform's JSON syntax are lowered into it, so every node carries a [`Span`] into the source
//! table and the evaluator never depends on which syntax a file used.

use crate::source::Span;

/// An identifier: an argument, block type, label, variable or attribute name. Almost all are
/// short enough to be stored inline, which spares an allocation per name when a file is lowered
/// and whenever evaluation copies a name.
pub type Name = compact_str::CompactString;

/// A body: the attributes and blocks of a file or of a block, in source order.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Debug, Clone)]
pub struct Attribute {
    pub name: Name,
    pub name_span: Span,
    pub expr: Expr,
    /// The whole `name = expr` line.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Block {
    pub kind: Name,
    pub labels: Vec<Name>,
    pub body: Body,
    /// The block header: its kind and labels (a tight location for findings).
    pub header_span: Span,
    /// The whole block, braces included.
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Null,
    Bool(bool),
    Number(f64),
    /// A string with no interpolation.
    String(String),
    /// A string or heredoc with interpolations or directives.
    Template(Vec<TemplatePart>),
    Tuple(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    /// A root name: `var`, `local`, `aws_instance`, a for-expression variable, …
    Variable(Name),
    Traversal(Box<Expr>, Vec<Traverser>),
    Call {
        name: String,
        args: Vec<Expr>,
        expand_final: bool,
    },
    Conditional(Box<Expr>, Box<Expr>, Box<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    For(Box<ForExpr>),
    /// `(expr)`: kept so that `(a).b` keys and spans stay faithful.
    Parens(Box<Expr>),
}

#[derive(Debug, Clone)]
pub enum ObjectKey {
    /// A bare identifier key (`name = …`), which is a literal string.
    Ident(String),
    Expr(Expr),
}

#[derive(Debug, Clone)]
pub enum Traverser {
    GetAttr(Name, Span),
    Index(Expr),
    /// `.*`: applies the following attribute lookups to every element.
    AttrSplat(Span),
    /// `[*]`: applies all following operators to every element.
    FullSplat(Span),
}

#[derive(Debug, Clone)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    If {
        cond: Expr,
        then: Vec<TemplatePart>,
        otherwise: Vec<TemplatePart>,
    },
    For {
        key_var: Option<Name>,
        value_var: Name,
        collection: Expr,
        body: Vec<TemplatePart>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    And,
    Or,
}

#[derive(Debug, Clone)]
pub struct ForExpr {
    pub key_var: Option<Name>,
    pub value_var: Name,
    pub collection: Expr,
    /// Present for an object-producing `{for …}`.
    pub key: Option<Expr>,
    pub value: Expr,
    pub cond: Option<Expr>,
    /// `...` after the value in an object `for`.
    pub grouping: bool,
}

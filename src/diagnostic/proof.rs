//! What the checks proved, for the editor's hover: a place in the source (a listener's port,
//! a security group rule) and a sentence saying what passes there and why. Only the language
//! server asks for them; the command line reports findings alone.

use crate::source::Span;

/// One conclusion of the analysis about the code at `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub span: Span,
    pub text: String,
}

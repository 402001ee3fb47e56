//! Terraform evaluation: variables, locals, count/for_each, modules and functions, with unknown
//! values and resource references kept as symbols.

pub mod functions;
pub mod value;

pub use value::Value;

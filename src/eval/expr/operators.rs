//! Binary operators: arithmetic, comparison and logic. An unknown operand makes the result
//! unknown unless the other operand decides it (`false && x`, `true || x`); a comparison
//! involving a resource reference is unknown unless both sides are the same reference.

use super::err;
use crate::eval::evaluator::EvalResult;
use crate::eval::value::Value;
use crate::source::Span;
use crate::syntax::BinaryOp;

pub(super) fn binary(op: BinaryOp, x: Value, y: Value, span: Span) -> EvalResult {
    use BinaryOp::{Add, And, Div, Eq, Gt, GtEq, Lt, LtEq, Mod, Mul, NotEq, Or, Sub};
    match op {
        And | Or => {
            let a = x.as_bool();
            let b = y.as_bool();
            match (op, a, b) {
                (And, Some(false), _) | (And, _, Some(false)) => Ok(Value::Bool(false)),
                (Or, Some(true), _) | (Or, _, Some(true)) => Ok(Value::Bool(true)),
                (_, Some(a), Some(b)) => Ok(Value::Bool(if op == And { a && b } else { a || b })),
                _ => match (&x, &y) {
                    (Value::Unknown(u), other) | (other, Value::Unknown(u)) => {
                        Ok(Value::Unknown(u.derived(format_args!("{op:?} {other:?}"))))
                    }
                    _ => Err(err(span, "logical operators need bools")),
                },
            }
        }
        _ => {
            // `var.port + 1` is not `var.port`: the result is another value.
            if let Value::Unknown(u) = &x {
                return Ok(Value::Unknown(u.derived(format_args!("_ {op:?} {y:?}"))));
            }
            if let Value::Unknown(u) = &y {
                return Ok(Value::Unknown(u.derived(format_args!("{x:?} {op:?} _"))));
            }
            match op {
                Eq | NotEq => {
                    let eq = match (&x, &y) {
                        (Value::Reference(a), Value::Reference(b)) if a == b => Some(true),
                        (Value::Reference(_), _) | (_, Value::Reference(_)) => None,
                        (Value::Number(a), Value::Number(b)) => Some(a == b),
                        _ => {
                            if x.find_unknown().is_some() || y.find_unknown().is_some() {
                                None
                            } else {
                                Some(x == y)
                            }
                        }
                    };
                    match eq {
                        Some(e) => Ok(Value::Bool(if op == Eq { e } else { !e })),
                        None => Ok(Value::unknown(
                            "comparison of values known only after apply",
                            Some(span),
                        )),
                    }
                }
                _ => {
                    let (a, b) = match (x.as_f64(), y.as_f64()) {
                        (Some(a), Some(b)) => (a, b),
                        _ => {
                            if matches!(x, Value::Reference(_)) || matches!(y, Value::Reference(_))
                            {
                                return Ok(Value::unknown(
                                    "arithmetic on a value known only after apply",
                                    Some(span),
                                ));
                            }
                            return Err(err(
                                span,
                                format!(
                                    "arithmetic needs numbers, not {} and {}",
                                    x.type_name(),
                                    y.type_name()
                                ),
                            ));
                        }
                    };
                    Ok(match op {
                        Lt => Value::Bool(a < b),
                        LtEq => Value::Bool(a <= b),
                        Gt => Value::Bool(a > b),
                        GtEq => Value::Bool(a >= b),
                        Add => Value::Number(a + b),
                        Sub => Value::Number(a - b),
                        Mul => Value::Number(a * b),
                        Div if b == 0.0 => return Err(err(span, "division by zero")),
                        Div => Value::Number(a / b),
                        Mod if b == 0.0 => return Err(err(span, "modulo by zero")),
                        Mod => Value::Number(a % b),
                        _ => unreachable!("handled above"),
                    })
                }
            }
        }
    }
}

//! Function calls. `try` and `can` evaluate their arguments lazily and catch errors; `file`,
//! `templatefile`, `fileexists` and `filebase64` read only inside the scanned paths; functions
//! known only at apply (`timestamp`, `uuid`, …) are unknown; every other call evaluates its
//! arguments and runs the built-in of [`crate::eval::functions`], its result checked against the
//! value limits.

use super::err;
use crate::eval::evaluator::{EvalResult, Evaluator, Scope};
use crate::eval::functions::{FnError, Limit};
use crate::eval::limits::{self, Growth};
use crate::eval::value::Value;
use crate::source::Span;
use crate::syntax::Expr;

impl<'p> Evaluator<'p> {
    pub(super) fn call(
        &mut self,
        name: &str,
        args: &[Expr],
        expand_final: bool,
        scope: &Scope,
        span: Span,
    ) -> EvalResult {
        match name {
            "try" => {
                let mut last = None;
                for a in args {
                    match self.eval(a, scope) {
                        Ok(v) => return Ok(v),
                        Err(e) => last = Some(e),
                    }
                }
                return Err(last.unwrap_or_else(|| err(span, "try needs at least one argument")));
            }
            "can" => {
                let a = args
                    .first()
                    .ok_or_else(|| err(span, "can needs one argument"))?;
                return Ok(match self.eval(a, scope) {
                    Ok(Value::Unknown(u)) => Value::Unknown(u.derived("can")),
                    Ok(_) => Value::Bool(true),
                    Err(_) => Value::Bool(false),
                });
            }
            "file" | "templatefile" | "fileexists" | "filebase64" => {
                return self.file_call(name, args, scope, span);
            }
            "timestamp" | "uuid" | "bcrypt" | "plantimestamp" => {
                return Ok(Value::unknown(
                    format!("{name}() is known only at apply"),
                    Some(span),
                ));
            }
            _ => {}
        }
        let mut values = Vec::with_capacity(args.len());
        let mut growth = Growth::default();
        for a in args {
            let v = self.eval(a, scope)?;
            if let Err(m) = growth.add(&v) {
                return Err(self.over_limit(span, m));
            }
            values.push(v);
        }
        if expand_final {
            match values.pop() {
                Some(Value::List(items)) => values.extend(items),
                Some(Value::Unknown(u)) => {
                    return Ok(Value::Unknown(u.derived(format_args!("{name}(…)"))))
                }
                Some(other) => {
                    return Err(err(
                        span,
                        format!("... needs a list, not {}", other.type_name()),
                    ))
                }
                None => {}
            }
        }
        let bare = name.rsplit("::").next().unwrap_or(name);
        let v = match call_builtin(bare, values) {
            Ok(v) => v,
            Err(FnError(m, Limit::Exceeded)) => return Err(self.over_limit(span, m)),
            Err(FnError(m, Limit::Within)) => return Err(err(span, m)),
        };
        if let Err(m) = limits::check_value(&v) {
            return Err(self.over_limit(span, format!("{name}: {m}")));
        }
        Ok(v)
    }

    /// `file()` and friends read only inside the scanned paths; anything else is unknown.
    fn file_call(&mut self, name: &str, args: &[Expr], scope: &Scope, span: Span) -> EvalResult {
        let arg = args
            .first()
            .ok_or_else(|| err(span, format!("{name} needs a path")))?;
        let path = match self.eval(arg, scope)? {
            Value::String(s) => s,
            Value::Unknown(u) => return Ok(Value::Unknown(u.derived(name))),
            other => {
                return Err(err(
                    arg.span,
                    format!("{name} needs a string path, not {}", other.type_name()),
                ))
            }
        };
        let dir = self.insts[scope.inst].dir.clone();
        // A bare relative path is read from the module's directory. A path built from
        // `path.module` already starts with that directory as it was given (relative to where
        // the tool runs, as Terraform's own path.module is relative to where it runs), so it is
        // read as it is when the first reading names no file.
        let given = std::path::Path::new(&path);
        let mut full = crate::frontend::discover::normalize(&dir.join(given));
        if !full.exists() && given.is_relative() && given.exists() {
            full = crate::frontend::discover::normalize(given);
        }
        let inside = std::fs::canonicalize(&full)
            .map(|c| self.project.in_reach(&c))
            .unwrap_or(false);
        if !inside {
            return Ok(Value::unknown(
                format!(
                    "{name}({path:?}) reads outside the scanned paths, so its content is not read"
                ),
                Some(span),
            ));
        }
        match name {
            "fileexists" => Ok(Value::Bool(full.is_file())),
            "file" => match crate::frontend::read_bounded(&full, 1024 * 1024) {
                Ok(bytes) => String::from_utf8(bytes)
                    .map(Value::String)
                    .map_err(|_| err(span, format!("{path:?} is not valid UTF-8"))),
                Err(why) => Ok(Value::unknown(
                    format!("{path:?} is not read: {why} (file() reads at most 1 MiB)"),
                    Some(span),
                )),
            },
            _ => Ok(Value::unknown(
                format!("{name}({path:?}) is not evaluated"),
                Some(span),
            )),
        }
    }
}

/// Built-in functions; the pure ones live in [`crate::eval::functions`].
fn call_builtin(name: &str, args: Vec<Value>) -> Result<Value, crate::eval::functions::FnError> {
    if !crate::eval::functions::is_known_function(name) {
        return Ok(Value::unknown(
            format!("function {name}() is not evaluated by this tool"),
            None,
        ));
    }
    crate::eval::functions::call(name, args)
}

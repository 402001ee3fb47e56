//! The `tf-elbcheck` binary: parses arguments and maps the library's outcome to an exit status.
//!
//! Exit status (SPEC §6): 0 when no finding is at or above `--fail-on`, 1 when one is, 2 when
//! the run itself failed (bad arguments, bad configuration, unreadable path, parse error) or,
//! with `--fix` or `--diff`, when a fix was refused. With `--fix` the findings and the status
//! are those of the check after the fixes. A closed stdout (`tf-elbcheck | head`) is not an
//! error.
//!
//! Subcommands and paths: `explain`, `rules`, `graph` and `lsp` are always subcommands when they come
//! first, whatever the file system holds, so a command means the same thing in every
//! directory; to check a directory with one of those names write `./rules` (or `-- rules`).
//! When `rules` or `graph` runs where such a directory exists, a note on stderr says so.

mod allocator;
mod cli;

use clap::Parser;
use cli::{CheckArgs, Cli, ColorChoice, Command, LoadArgs};
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use tf_elbcheck::checks;
use tf_elbcheck::fix;
use tf_elbcheck::report::{self, doc_text, Format, RenderOptions};
use tf_elbcheck::run;

/// Stack of the thread that runs the pipeline. Evaluation recurses through references (at most
/// 200 deep) and nested expressions (at most 500 deep); the worst case measured
/// (`examples/stack_use.rs`, README, section Robustness) needs about 1 MiB in a release build and
/// 5.3 MiB in a debug build. 64 MiB leaves a wide margin over both; it is only reserved address
/// space until used.
const STACK_BYTES: usize = 64 * 1024 * 1024;

fn main() -> ExitCode {
    allocator::tune();
    match std::thread::Builder::new()
        .name("tf-elbcheck".into())
        .stack_size(STACK_BYTES)
        .spawn(run_cli)
    {
        Ok(handle) => match handle.join() {
            Ok(code) => code,
            Err(panic) => std::panic::resume_unwind(panic),
        },
        // No thread could be made: run on the main thread rather than not at all.
        Err(_) => run_cli(),
    }
}

fn run_cli() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Usage errors exit with 2, --help and --version with 0.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match cli.command {
        Some(Command::Explain { code }) => explain(&code),
        Some(Command::Rules) => {
            note_shadowed_directory("rules");
            rules()
        }
        Some(Command::Graph { load }) => {
            note_shadowed_directory("graph");
            graph(&load)
        }
        Some(Command::Lsp { .. }) => ExitCode::from(tf_elbcheck::lsp::serve_stdio()),
        None => check(&cli.check),
    }
}

/// Says on stderr that a directory named like the subcommand was not checked.
fn note_shadowed_directory(name: &str) {
    if Path::new(name).is_dir() {
        eprintln!(
            "note: `{name}` is a subcommand; to check the directory `{name}`, write ./{name}"
        );
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = cli::check_options(args);
    if args.diff {
        return diff(&options);
    }
    let (outcome, status) = if args.fix {
        let fixed = run::check_and_fix(&options);
        for (file, n) in &fixed.written {
            eprintln!("fixed {file} ({n} fix{})", if *n == 1 { "" } else { "es" });
        }
        for refusal in &fixed.refused {
            eprintln!("error: {refusal}");
        }
        for d in &fixed.deferred {
            eprintln!(
                "note: a fix to {} was left for another run: {}",
                d.display, d.reason
            );
        }
        let status = fixed.status();
        (fixed.outcome, status)
    } else {
        let outcome = run::check(&options);
        let status = outcome.status();
        (outcome, status)
    };
    for e in &outcome.errors {
        eprintln!("error: {e}");
    }
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    let format = Format::from(args.format);

    let stdout_color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && !no_color_env(),
    };
    let on_stdout = match &args.output {
        Some(file) => {
            let options = RenderOptions {
                link_base: args.link_base.clone(),
                ..RenderOptions::default()
            };
            let text = report::render(format, &outcome, &options);
            if let Err(e) = std::fs::write(file, text) {
                eprintln!("error: cannot write {}: {e}", file.display());
                return ExitCode::from(2);
            }
            report::human::render(&outcome, stdout_color)
        }
        None => report::render(
            format,
            &outcome,
            &RenderOptions {
                color: stdout_color,
                srcroot: None,
                link_base: args.link_base.clone(),
            },
        ),
    };
    print_out(&on_stdout, status)
}

/// `--diff`: the fixes as a unified diff on stdout; refusals on stderr.
fn diff(options: &run::Options) -> ExitCode {
    let outcome = run::check(options);
    let plan = fix::plan(&outcome.findings, &outcome.sources);
    for refusal in &plan.refused {
        eprintln!("error: {refusal}");
    }
    for d in &plan.deferred {
        eprintln!(
            "note: a fix to {} is not in this diff: {}; --fix applies it in a second pass",
            d.display, d.reason
        );
    }
    let status = if plan.refused.is_empty() {
        outcome.status()
    } else {
        2
    };
    print_out(&fix::diff(&plan), status)
}

fn explain(code: &str) -> ExitCode {
    match checks::rule(code) {
        Some(rule) => {
            let text = format!(
                "{} ({}): {}\nseverity: {}\n\n{}",
                rule.code,
                rule.name,
                rule.summary,
                rule.severity_text(),
                doc_text(rule.doc)
            );
            print_out(&text, 0)
        }
        None => {
            eprintln!(
                "error: unknown rule code `{code}`{} (`tf-elbcheck rules` lists them)",
                checks::did_you_mean(code)
            );
            ExitCode::from(2)
        }
    }
}

fn rules() -> ExitCode {
    let rules = checks::registry();
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let code_width = rules.iter().map(|r| r.code.len()).max().unwrap_or(0);
    let mut text = String::new();
    for rule in rules {
        text.push_str(&format!(
            "{:<code_width$}  {:<7}  {:<name_width$}  {}\n",
            rule.code,
            rule.severity.as_str(),
            rule.name,
            rule.summary,
        ));
    }
    print_out(&text, 0)
}

fn graph(load: &LoadArgs) -> ExitCode {
    let options = cli::options(load, None);
    let (dot, outcome) = run::graph(&options);
    for e in &outcome.errors {
        eprintln!("error: {e}");
    }
    if !outcome.findings.is_empty() {
        let color = std::io::stderr().is_terminal() && !no_color_env();
        eprint!("{}", report::human::render(&outcome, color));
    }
    print_out(&dot, if outcome.load_failed() { 2 } else { 0 })
}

/// True when `NO_COLOR` is set to a non-empty value (no-color.org).
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// Writes to stdout; a closed pipe ends the program quietly with the status it would have had.
fn print_out(text: &str, status: u8) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => ExitCode::from(status),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(status),
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            ExitCode::from(2)
        }
    }
}

#[global_allocator]
static GLOBAL: allocator::MiMalloc = allocator::MiMalloc;

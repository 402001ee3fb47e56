//! The `tf-elbcheck` binary: parses arguments and maps the library's outcome to an exit status.
//!
//! Exit status (SPEC §6): 0 when no finding is at or above `--fail-on`, 1 when one is, 2 when
//! the run itself failed (bad arguments, bad configuration, unreadable path, parse error). A
//! closed stdout (`tf-elbcheck | head`) is not an error.
//!
//! Subcommands and paths: `explain`, `rules` and `graph` are always subcommands when they come
//! first, whatever the file system holds, so a command means the same thing in every
//! directory; to check a directory with one of those names write `./rules` (or `-- rules`).
//! When `rules` or `graph` runs where such a directory exists, a note on stderr says so.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tf_elbcheck::checks;
use tf_elbcheck::config::{CliOverrides, Config, FailOn};
use tf_elbcheck::report::{self, doc_text, Format, RenderOptions};
use tf_elbcheck::run::{self, Options};
use tf_elbcheck::source::SourceTable;
use tf_elbcheck::suppress;

/// Proves from Terraform source that every AWS Classic Load Balancer (aws_elb) can reach its
/// instances through security groups and network ACLs.
#[derive(Parser, Debug)]
#[command(
    name = "tf-elbcheck",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 no finding at or above --fail-on, 1 findings at or above it, \
                  2 the run failed.\nTo check a directory named like a subcommand, write ./NAME."
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a rule's documentation.
    Explain {
        /// The rule code, e.g. ELB004.
        code: String,
    },
    /// List every rule with its code, severity and summary.
    Rules,
    /// Print the resolved reference graph of the Terraform under PATH as Graphviz DOT.
    Graph {
        #[command(flatten)]
        load: LoadArgs,
    },
}

/// What loading Terraform needs.
#[derive(Args, Debug)]
struct LoadArgs {
    /// Files or directories to check; every Terraform root below them is checked.
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,
    /// Set a root variable, as `terraform plan -var` does (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Read variable values from a .tfvars file (repeatable, later files win).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Use this configuration file instead of searching for .tf-elbcheck.toml.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    jobs: usize,
}

/// The options of a check (the command without a subcommand).
#[derive(Args, Debug)]
struct CheckArgs {
    #[command(flatten)]
    load: LoadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the --format output to FILE; the terminal still gets the human format.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with status 1 when a finding is at or above this severity [default: error, or
    /// fail_on from the configuration file].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    fail_on: Option<FailOn>,
    /// Drop a rule's findings (repeatable); adds to `disable` in the configuration file.
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    disable: Vec<String>,
    /// When to colour the human format (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// The date `until=` in suppressions is compared with (default: today, UTC).
    #[arg(long, hide = true, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    today: Option<String>,
    /// Stop after a stage, to measure it (`parse`: walk, read and parse only). Findings of later
    /// stages are not made, so the output and exit status are incomplete.
    #[arg(long, hide = true, value_enum, value_name = "STAGE")]
    stop_after: Option<StopAfter>,
}

/// The stages `--stop-after` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum StopAfter {
    Parse,
    Eval,
    Model,
    Check,
}

impl From<StopAfter> for run::Stage {
    fn from(s: StopAfter) -> run::Stage {
        match s {
            StopAfter::Parse => run::Stage::Parse,
            StopAfter::Eval => run::Stage::Eval,
            StopAfter::Model => run::Stage::Model,
            StopAfter::Check => run::Stage::Check,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

fn parse_code(s: &str) -> Result<String, String> {
    match checks::rule(s) {
        Some(rule) => Ok(rule.code.to_string()),
        None => Err(format!(
            "unknown rule code `{s}` (`tf-elbcheck rules` lists them)"
        )),
    }
}

fn parse_today(s: &str) -> Result<String, String> {
    suppress::parse_date(s)
        .map(|_| s.to_string())
        .ok_or_else(|| format!("expected YYYY-MM-DD, got `{s}`"))
}

/// Stack of the thread that runs the pipeline. Evaluation recurses through references (at most
/// 200 deep) and nested expressions (at most 500 deep); the worst case measured
/// (`examples/stack_use.rs`, README, section Robustness) needs about 1 MiB in a release build and
/// 5.3 MiB in a debug build. 64 MiB leaves a wide margin over both; it is only reserved address
/// space until used.
const STACK_BYTES: usize = 64 * 1024 * 1024;

fn main() -> ExitCode {
    tf_elbcheck::allocator::tune();
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

fn options(load: &LoadArgs, today: Option<&str>) -> Options {
    let mut env_vars: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| {
            let name = k.to_str()?.strip_prefix("TF_VAR_")?.to_string();
            Some((name, v.into_string().ok()?))
        })
        .filter(|(name, _)| !name.is_empty())
        .collect();
    env_vars.sort();
    Options {
        paths: load.paths.clone(),
        var_files: load.var_files.clone(),
        vars: load.vars.clone(),
        env_vars,
        jobs: load.jobs,
        config: load.config.clone(),
        today: today.map_or_else(suppress::today_utc, str::to_string),
        stop_after: None,
        only: None,
    }
}

fn check(args: &CheckArgs) -> ExitCode {
    let options = Options {
        stop_after: args.stop_after.map(run::Stage::from),
        ..options(&args.load, args.today.as_deref())
    };
    let mut outcome = run::check(&options);

    // The command line wins over the file; the configuration is applied again here so that it
    // also covers the findings made after it in the pipeline (ELB030). Applying it is
    // idempotent. A bad file is already a finding of the outcome.
    let cli = CliOverrides {
        disable: args.disable.clone(),
        fail_on: args.fail_on,
    };
    let config = Config::load_for(
        &options.paths,
        options.config.as_deref(),
        &mut SourceTable::new(),
    )
    .unwrap_or_default()
    .with_cli(&cli);
    outcome.findings = config.apply(std::mem::take(&mut outcome.findings));

    let status: u8 = if outcome.load_failed() {
        2
    } else if config.fail_on().fails(&outcome.findings) {
        1
    } else {
        0
    };

    let stdout_color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && !no_color_env(),
    };
    let on_stdout = match &args.output {
        Some(file) => {
            let text = report::render(args.format, &outcome, &RenderOptions::default());
            if let Err(e) = std::fs::write(file, text) {
                eprintln!("error: cannot write {}: {e}", file.display());
                return ExitCode::from(2);
            }
            report::human::render(&outcome, stdout_color)
        }
        None => report::render(
            args.format,
            &outcome,
            &RenderOptions {
                color: stdout_color,
                srcroot: None,
            },
        ),
    };
    print_out(&on_stdout, status)
}

fn explain(code: &str) -> ExitCode {
    match checks::rule(code) {
        Some(rule) => {
            let text = format!(
                "{} ({}): {}\nseverity: {}\n\n{}",
                rule.code,
                rule.name,
                rule.summary,
                rule.severity.as_str(),
                doc_text(rule.doc)
            );
            print_out(&text, 0)
        }
        None => {
            eprintln!("error: unknown rule code `{code}` (`tf-elbcheck rules` lists them)");
            ExitCode::from(2)
        }
    }
}

fn rules() -> ExitCode {
    let rules = checks::registry();
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut text = String::new();
    for rule in rules {
        text.push_str(&format!(
            "{}  {:<7}  {:<name_width$}  {}\n",
            rule.code,
            rule.severity.as_str(),
            rule.name,
            rule.summary,
        ));
    }
    print_out(&text, 0)
}

fn graph(load: &LoadArgs) -> ExitCode {
    let options = options(load, None);
    let (dot, outcome) = run::graph(&options);
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
static GLOBAL: tf_elbcheck::allocator::MiMalloc = tf_elbcheck::allocator::MiMalloc;

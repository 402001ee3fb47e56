//! The command line: arguments as `clap` types (their doc comments are `--help`) and their
//! conversion into the library's options. The library itself knows nothing of `clap`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use tf_elbcheck::checks;
use tf_elbcheck::config::CliOverrides;
use tf_elbcheck::diagnostic::FailOn;
use tf_elbcheck::report::Format;
use tf_elbcheck::run::{self, Options};
use tf_elbcheck::suppress;

/// Proves from Terraform source that every AWS load balancer (Classic aws_elb, Application and
/// Network aws_lb) can reach its targets through security groups and network ACLs.
#[derive(Parser, Debug)]
#[command(
    name = "tf-elbcheck",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Exit status: 0 no finding at or above --fail-on, 1 findings at or above it, \
                  2 the run failed or a fix was refused.\nTo check a directory named like a \
                  subcommand, write ./NAME."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Subcommand, Debug)]
pub enum Command {
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
    /// Run as a language server on stdin and stdout, for editors: diagnostics as you type,
    /// quick fixes and hovers. The client's workspace folders are checked.
    Lsp {
        /// Accepted and ignored: stdin and stdout are the only transport. Clients such as
        /// vscode-languageclient pass it when told the transport is stdio.
        #[arg(long)]
        stdio: bool,
    },
}

/// What loading Terraform needs.
#[derive(Args, Debug)]
pub struct LoadArgs {
    /// Files or directories to check; every Terraform root below them is checked.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Set a root variable, as `terraform plan -var` does (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Read variable values from a .tfvars file (repeatable, later files win).
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,
    /// Fill values the HCL leaves unknown from a saved plan's JSON (`terraform show -json
    /// PLANFILE`, or `tofu show -json`); findings still point at the HCL.
    #[arg(long, value_name = "FILE")]
    pub plan: Option<PathBuf>,
    /// Use this configuration file instead of searching for .tf-elbcheck.toml.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads (0: one per core).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    pub jobs: usize,
}

/// The options of a check (the command without a subcommand).
#[derive(Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub load: LoadArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    pub format: FormatArg,
    /// Start the markdown format's location links with URL, e.g.
    /// https://github.com/OWNER/REPO/blob/SHA/ for a pull request comment, where relative
    /// links do not resolve [default: links relative to the current directory].
    #[arg(long, value_name = "URL")]
    pub link_base: Option<String>,
    /// Write the --format output to FILE; the terminal still gets the human format.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit with status 1 when a finding is at or above this severity [default: error, or
    /// fail_on from the configuration file].
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOnArg>,
    /// Drop a rule's findings (repeatable); adds to `disable` in the configuration file.
    #[arg(long, value_name = "CODE", value_parser = parse_code)]
    pub disable: Vec<String>,
    /// When to colour the human format (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// Apply the suggested fixes that say where they go (inline rules into their resource, new
    /// rule resources at the end of the group's or ACL's file), keeping comments and layout;
    /// then check again and report what remains. A file that changed since it was read, is
    /// read-only, or cannot be edited safely is left alone, and the exit status is 2.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Print the unified diff of what --fix would change, and change nothing.
    #[arg(long, conflicts_with_all = ["format", "output"])]
    pub diff: bool,
    /// The date `until=` in suppressions is compared with (default: today, UTC).
    #[arg(long, hide = true, value_name = "YYYY-MM-DD", value_parser = parse_today)]
    pub today: Option<String>,
    /// Stop after a stage, to measure it (`parse`: walk, read and parse only). Findings of later
    /// stages are not made, so the output and exit status are incomplete.
    #[arg(long, hide = true, value_enum, value_name = "STAGE")]
    pub stop_after: Option<StopAfter>,
}

/// The stages `--stop-after` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StopAfter {
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
pub enum ColorChoice {
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
            "unknown rule code `{s}`{} (`tf-elbcheck rules` lists them)",
            checks::did_you_mean(s)
        )),
    }
}

fn parse_today(s: &str) -> Result<String, String> {
    suppress::parse_date(s)
        .map(|_| s.to_string())
        .ok_or_else(|| format!("expected YYYY-MM-DD, got `{s}`"))
}

/// An output format ([`Format`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// rustc-style snippets with labels, help and suggested fix.
    Human,
    /// Versioned JSON (`"version": 1`), stable for scripts.
    Json,
    /// SARIF 2.1.0 with rule metadata, for code scanning.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…`), for PR annotations.
    Github,
    /// One line per finding: `path:line:col: severity[CODE]: message`.
    Compact,
    /// A table of findings and a Mermaid diagram of each blocked path, for a pull request
    /// comment or $GITHUB_STEP_SUMMARY.
    Markdown,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Human => Format::Human,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Github => Format::Github,
            FormatArg::Compact => Format::Compact,
            FormatArg::Markdown => Format::Markdown,
        }
    }
}

/// The lowest failing severity ([`FailOn`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// Fail on errors only (the default).
    Error,
    /// Fail on warnings and errors.
    Warning,
    /// Fail on any finding.
    Note,
    /// Never fail because of findings (a failed run still exits with 2).
    Never,
}

impl From<FailOnArg> for FailOn {
    fn from(f: FailOnArg) -> FailOn {
        match f {
            FailOnArg::Error => FailOn::Error,
            FailOnArg::Warning => FailOn::Warning,
            FailOnArg::Note => FailOn::Note,
            FailOnArg::Never => FailOn::Never,
        }
    }
}

/// The library options of a command.
pub fn options(load: &LoadArgs, today: Option<&str>) -> Options {
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
        plan: load.plan.clone(),
        env_vars,
        jobs: load.jobs,
        config: load.config.clone(),
        today: today.map_or_else(suppress::today_utc, str::to_string),
        stop_after: None,
        overrides: CliOverrides::default(),
        only: None,
    }
}

/// The library options of a check: the loading options and the command line's overrides.
pub fn check_options(args: &CheckArgs) -> Options {
    Options {
        stop_after: args.stop_after.map(run::Stage::from),
        overrides: CliOverrides {
            disable: args.disable.clone(),
            fail_on: args.fail_on.map(FailOn::from),
        },
        ..options(&args.load, args.today.as_deref())
    }
}

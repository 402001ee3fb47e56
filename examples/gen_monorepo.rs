//! Writes a synthetic Terraform monorepo for benchmarks and scale tests.
//!
//! ```text
//! cargo run --release --example gen_monorepo -- N OUT [--fault-rate 0.1] [--seed S] [--shared-module]
//! ```
//!
//! `N` realistic Classic Load Balancer stacks (five files each) are written under `OUT`, and
//! with `--shared-module` each stack also calls a module shared by all of them; and
//! `OUT/FAULTS.txt` lists every stack that carries an injected fault with the codes it must
//! produce. The stacks themselves are described in `tests/support/monorepo.rs`.

#[path = "../tests/support/monorepo.rs"]
mod monorepo;

use monorepo::{generate, GenOptions};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: gen_monorepo N OUT [--fault-rate RATE] [--seed S] [--shared-module]";

fn main() -> ExitCode {
    let mut positional = Vec::new();
    let mut opts = GenOptions::default();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| {
            args.next()
                .ok_or_else(|| format!("{name} needs a value\n{USAGE}"))
        };
        let parsed: Result<(), String> = match arg.as_str() {
            "--fault-rate" => value("--fault-rate").and_then(|v| {
                v.parse::<f64>()
                    .ok()
                    .filter(|r| (0.0..=1.0).contains(r))
                    .map(|r| opts.fault_rate = r)
                    .ok_or_else(|| format!("--fault-rate must be between 0 and 1, not {v}"))
            }),
            "--seed" => value("--seed").and_then(|v| {
                v.parse::<u64>()
                    .map(|s| opts.seed = s)
                    .map_err(|_| format!("--seed must be a whole number, not {v}"))
            }),
            "--shared-module" => {
                opts.shared_module = true;
                Ok(())
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ => {
                positional.push(arg);
                Ok(())
            }
        };
        if let Err(e) = parsed {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    }
    let [n, out] = positional.as_slice() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("error: N must be a whole number, not {n}\n{USAGE}");
        return ExitCode::from(2);
    };
    opts.stacks = n;
    let out = PathBuf::from(out);
    match generate(&out, &opts) {
        Ok(g) => {
            println!(
                "wrote {} stacks ({} files, {:.1} MB) to {}; {} with an injected fault, listed in {}",
                g.roots.len(),
                g.files,
                g.bytes as f64 / 1e6,
                out.display(),
                g.faults.len(),
                out.join("FAULTS.txt").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", out.display());
            ExitCode::from(1)
        }
    }
}

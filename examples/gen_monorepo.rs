//! Writes a synthetic Terraform monorepo for benchmarks and scale tests.
//!
//! ```text
//! cargo run --release --example gen_monorepo -- N OUT [--fault-rate 0.1] [--seed S] [--shared-module]
//!     [--kinds classic,alb,nlb,ecs]
//! ```
//!
//! `N` realistic load balancer stacks (five files each) are written under `OUT`: a mix of
//! Classic LBs, ALBs in front of instances or Auto Scaling groups, NLBs, and ALBs in front of
//! ECS services. `--kinds` picks the kinds, each with an optional weight (`classic=60,alb=40`);
//! without one a kind weighs 40 (classic), 25 (alb), 20 (nlb) or 15 (ecs), and without
//! `--kinds` all four are mixed so. `--kinds classic` writes the Classic-only stacks of earlier
//! versions, byte for byte. With `--shared-module` each stack also calls a module shared by all
//! of them; and `OUT/FAULTS.txt` lists every stack that carries an injected fault with the
//! code it must produce and where. The stacks themselves are described in
//! `tests/support/monorepo.rs`.

#[path = "../tests/support/monorepo.rs"]
mod monorepo;

use monorepo::{generate, parse_kinds, GenOptions};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: gen_monorepo N OUT [--fault-rate RATE] [--seed S] [--shared-module] [--kinds KIND[=WEIGHT],...]\n  kinds: classic, alb, nlb, ecs (default: classic=40,alb=25,nlb=20,ecs=15)";

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
            "--kinds" => value("--kinds").and_then(|v| parse_kinds(&v).map(|k| opts.kinds = k)),
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
            let mix: Vec<String> = monorepo::StackKind::ALL
                .iter()
                .map(|k| (k, g.kinds.iter().filter(|x| *x == k).count()))
                .filter(|(_, n)| *n > 0)
                .map(|(k, n)| format!("{n} {}", k.name()))
                .collect();
            println!(
                "wrote {} stacks ({}; {} files, {:.1} MB) to {}; {} with an injected fault, listed in {}",
                g.roots.len(),
                mix.join(", "),
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

//! Measures how much stack the pipeline needs on the deepest inputs the limits allow, by
//! running it on threads of decreasing stack size in child processes (a stack overflow aborts
//! the process, so each try is its own process) and bisecting.
//!
//! `cargo run --release --example stack_use` prints one line per case; without `--release` it
//! measures the debug build. README, section Robustness records the results.

use std::path::Path;
use std::process::Command;
use tf_elbcheck::run::{check, Options};

/// `count` locals, each referring to the next through `depth` nested `open`…`close`.
fn chain(count: usize, open: &str, close: &str, depth: usize) -> String {
    let mut text = String::from("locals {\n");
    for i in 0..count {
        text.push_str(&format!(
            "  a{i} = {}local.a{}{}\n",
            open.repeat(depth),
            i + 1,
            close.repeat(depth)
        ));
    }
    text.push_str(&format!("  a{count} = 1\n}}\n"));
    text
}

fn cases() -> Vec<(&'static str, String)> {
    let mut resources = String::new();
    for i in 0..1200 {
        resources.push_str(&format!(
            "resource \"aws_vpc\" \"r{i}\" {{\n  cidr_block = aws_vpc.r{}.cidr_block\n}}\n",
            i + 1
        ));
    }
    resources.push_str("resource \"aws_vpc\" \"r1200\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
    vec![
        ("200 chained locals", chain(300, "", "", 0)),
        ("1200 chained resource attributes", resources),
        (
            "deepest parse (63 nested calls)",
            chain(0, "", "", 0).replace(
                "a0 = 1",
                &format!("a0 = {}1{}", "abs(".repeat(63), ")".repeat(63)),
            ),
        ),
        (
            "500 nested calls through locals",
            chain(199, "abs(", ")", 60),
        ),
        ("500 nested lists through locals", chain(199, "[", "]", 60)),
        (
            "500 nested for through locals",
            chain(199, "[for x in [1] : ", "]", 30),
        ),
        (
            "500 nested templates through locals",
            chain(199, "\"x${", "}\"", 30),
        ),
        (
            "500 nested conditionals through locals",
            chain(199, "true ? ", " : 0", 60),
        ),
    ]
}

fn run_child(dir: &Path, kib: usize) -> bool {
    let exe = std::env::current_exe().expect("own path");
    Command::new(exe)
        .arg("--child")
        .arg(kib.to_string())
        .arg(dir)
        .output()
        .is_ok_and(|o| o.status.success())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--child") {
        let kib: usize = args[2].parse().expect("KiB");
        let dir = std::path::PathBuf::from(&args[3]);
        let handle = std::thread::Builder::new()
            .stack_size(kib * 1024)
            .spawn(move || {
                check(&Options {
                    paths: vec![dir],
                    today: "2025-01-01".into(),
                    ..Options::default()
                })
                .findings
                .len()
            })
            .expect("thread");
        let _ = handle.join();
        return;
    }
    let build = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    println!("stack needed by the pipeline ({build} build), to 16 KiB:");
    for (name, text) in cases() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("main.tf"), text).expect("write");
        let (mut lo, mut hi) = (16usize, 256 * 1024usize);
        if !run_child(dir.path(), hi) {
            println!("{name:40} more than {hi} KiB");
            continue;
        }
        while hi - lo > 16 {
            let mid = (lo + hi) / 2;
            if run_child(dir.path(), mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        println!("{name:40} {hi:>6} KiB");
    }
}

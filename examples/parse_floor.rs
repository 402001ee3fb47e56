//! The floor of a run: walk the paths, read every `.tf` file and parse it with `hcl-edit`, on a
//! rayon pool with the same 8 MiB stacks as the checker, and nothing else (the trees are
//! dropped, nothing is lowered, evaluated or checked).
//!
//! ```text
//! cargo run --release --example parse_floor -- [-j N] PATH...
//! ```
//!
//! Compare it with `tf-elbcheck -j N PATH` (the whole run) and with
//! `tf-elbcheck -j N --stop-after parse PATH` (the checker's own frontend: walk, read, parse and
//! lower into its syntax tree, keeping every file). The README section "Performance" has the commands.

// The binary's allocator module, compiled into this target too (it is not library API).
#[path = "../src/allocator.rs"]
mod allocator;

use rayon::prelude::*;
use std::path::PathBuf;

fn main() {
    allocator::tune();
    let mut jobs = 0;
    let mut paths = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-j" || arg == "--jobs" {
            jobs = args.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        } else {
            paths.push(PathBuf::from(arg));
        }
    }
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let pool = tf_elbcheck::run::thread_pool(jobs);
    let (files, bytes, errors) = pool.install(|| {
        let mut files = Vec::new();
        for path in &paths {
            let walker = ignore::WalkBuilder::new(path)
                .standard_filters(false)
                .follow_links(true)
                .sort_by_file_name(|a, b| a.cmp(b))
                .filter_entry(|e| {
                    let name = e.file_name().to_string_lossy();
                    !(e.file_type().is_some_and(|t| t.is_dir())
                        && (name == ".terraform" || name == ".git"))
                })
                .build();
            for entry in walker.flatten() {
                if entry.file_type().is_some_and(|t| t.is_file())
                    && entry.file_name().to_string_lossy().ends_with(".tf")
                {
                    files.push(entry.into_path());
                }
            }
        }
        let (bytes, errors) = files
            .par_iter()
            .map(|f| match std::fs::read_to_string(f) {
                Ok(text) => (
                    text.len(),
                    usize::from(hcl_edit::parser::parse_body(&text).is_err()),
                ),
                Err(_) => (0, 1),
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
        (files.len(), bytes, errors)
    });
    println!("{files} files, {bytes} bytes parsed, {errors} unreadable or invalid");
}

// The same allocator as the `tf-elbcheck` binary, so that the comparison is fair.
#[global_allocator]
static GLOBAL: allocator::MiMalloc = allocator::MiMalloc;

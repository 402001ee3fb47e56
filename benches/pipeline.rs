//! Benchmarks of every stage and of the whole run on synthetic monorepos of several sizes.
//!
//! ```text
//! cargo bench --bench pipeline                      # all groups, N = 10, 100, 500
//! TF_ELBCHECK_BENCH_SIZES=1000 cargo bench --bench pipeline -- whole
//! ```
//!
//! Groups, each at every N (stacks of `tests/support/monorepo.rs`, five files each):
//! - `floor`: walk, read and parse with `hcl-edit` only (what `examples/parse_floor.rs` does);
//! - `parse`: the checker's frontend (`frontend::discover`: walk, read, parse, lower);
//! - `eval`: evaluate every root of an already parsed project;
//! - `model`: build the network of every already evaluated root;
//! - `checks`: run every rule on every already built network;
//! - `whole`: `run::check`, everything from the paths to sorted findings.
//!
//! Stages run on the same rayon pool as a run (one thread per core), over roots in parallel.
//! `whole` against `floor` (and `parse`) at the same N is the budget of the performance issue;
//! `whole` at 5×N against N is its scaling.

// The binary's allocator module, compiled into this target too (it is not library API).
#[path = "../src/allocator.rs"]
mod allocator;

#[path = "../tests/support/monorepo.rs"]
mod monorepo;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tf_elbcheck::eval::{evaluate_root_with, Inputs, RootEval};
use tf_elbcheck::frontend::{self, Limits, Project};
use tf_elbcheck::model::Network;
use tf_elbcheck::run::{self, Options};
use tf_elbcheck::source::SourceTable;

// The allocator of the `tf-elbcheck` binary, so that the numbers match the command line.
#[global_allocator]
static GLOBAL: allocator::MiMalloc = allocator::MiMalloc;

fn sizes() -> Vec<usize> {
    std::env::var("TF_ELBCHECK_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .filter(|v: &Vec<usize>| !v.is_empty())
        .unwrap_or_else(|| vec![10, 100, 500])
}

/// A generated monorepo that lives as long as the benchmark.
struct Repo {
    _dir: tempfile::TempDir,
    path: PathBuf,
    bytes: u64,
}

fn repo(stacks: usize) -> Repo {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let generated = monorepo::generate(
        dir.path(),
        &monorepo::GenOptions {
            stacks,
            fault_rate: 0.1,
            seed: 1,
            shared_module: false,
            // The Classic-only stacks every earlier series measured.
            kinds: monorepo::StackKind::classic_only(),
        },
    )
    .expect("the generator writes the monorepo");
    Repo {
        path: dir.path().to_path_buf(),
        _dir: dir,
        bytes: generated.bytes,
    }
}

fn discover(path: &Path) -> (Project, SourceTable) {
    let mut sources = SourceTable::new();
    let project = frontend::discover(
        &[path.to_path_buf()],
        &mut sources,
        &Limits::default(),
        &|_| false,
    );
    (project, sources)
}

fn evaluate(project: &Project, inputs: &Inputs) -> Vec<RootEval> {
    project
        .roots
        .par_iter()
        .map(|root| evaluate_root_with(project, root, inputs, false))
        .collect()
}

/// Walk, read and `hcl-edit` parse only; returns the number of files.
fn floor(path: &Path) -> usize {
    let files: Vec<PathBuf> = ignore::WalkBuilder::new(path)
        .standard_filters(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(ignore::DirEntry::into_path)
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files
        .par_iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            hcl_edit::parser::parse_body(&text).is_ok()
        })
        .count()
}

fn pipeline(c: &mut Criterion) {
    allocator::tune();
    let pool = run::thread_pool(0);
    for n in sizes() {
        let repo = repo(n);
        let path = repo.path.clone();
        let bytes = repo.bytes;
        let mut stage = |name: &str, f: &mut dyn FnMut()| {
            let mut group = c.benchmark_group(name);
            group
                .sample_size(10)
                .warm_up_time(Duration::from_millis(500))
                .measurement_time(Duration::from_secs(3))
                .throughput(Throughput::Bytes(bytes));
            group.bench_function(BenchmarkId::from_parameter(n), |b| b.iter(&mut *f));
            group.finish();
        };

        stage("floor", &mut || {
            pool.install(|| std::hint::black_box(floor(&path)));
        });
        stage("parse", &mut || {
            pool.install(|| std::hint::black_box(discover(&path)));
        });

        let (project, sources) = pool.install(|| discover(&path));
        let inputs = Inputs::default();
        stage("eval", &mut || {
            pool.install(|| std::hint::black_box(evaluate(&project, &inputs)));
        });

        let roots = pool.install(|| evaluate(&project, &inputs));
        stage("model", &mut || {
            pool.install(|| {
                let nets: Vec<Network> = roots
                    .par_iter()
                    .map(|r| tf_elbcheck::model::build(r).0)
                    .collect();
                std::hint::black_box(nets)
            });
        });

        let nets: Vec<Network> = pool.install(|| {
            roots
                .par_iter()
                .map(|r| tf_elbcheck::model::build(r).0)
                .collect()
        });
        stage("checks", &mut || {
            pool.install(|| {
                let findings: usize = nets
                    .par_iter()
                    .map(|net| {
                        let cx = tf_elbcheck::checks::Context::new(net, &sources);
                        tf_elbcheck::checks::run_all(&cx).len()
                    })
                    .sum();
                std::hint::black_box(findings)
            });
        });

        let options = Options {
            paths: vec![path.clone()],
            today: "2026-01-01".into(),
            ..Options::default()
        };
        stage("whole", &mut || {
            std::hint::black_box(run::check(&options));
        });
    }
}

criterion_group!(benches, pipeline);
criterion_main!(benches);

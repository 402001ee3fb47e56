//! Shared by the fuzz targets: a scratch directory per process and one pipeline run over it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use tf_elbcheck::run::{check, Options};

/// A scratch directory for this process, on a memory file system when there is one.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = if Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        let dir = base.join(format!("tf-elbcheck-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    })
}

/// Replaces the scratch directory's content with `files` (relative path, bytes) and runs the
/// whole pipeline over it, rendering every output format. Any panic is a bug.
pub fn run(files: &[(String, Vec<u8>)]) {
    let dir = scratch();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("scratch directory");
    for (name, bytes) in files {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = std::fs::write(path, bytes);
    }
    let options = Options {
        paths: vec![dir.to_path_buf()],
        today: "2025-01-01".into(),
        jobs: 1,
        ..Options::default()
    };
    let outcome = check(&options);
    for format in [
        tf_elbcheck::report::Format::Human,
        tf_elbcheck::report::Format::Json,
        tf_elbcheck::report::Format::Sarif,
        tf_elbcheck::report::Format::Github,
        tf_elbcheck::report::Format::Compact,
    ] {
        let _ = tf_elbcheck::report::render(format, &outcome, &Default::default());
    }
    let _ = outcome.load_failed();
}

//! The memory allocator of the binaries (`tf-elbcheck`, the benchmarks, the examples).
//!
//! A run allocates many small, short-lived values (syntax trees, evaluated values, findings), on
//! several threads: mimalloc does that about 1.5× faster than the system allocator here. It is
//! installed by each binary with `#[global_allocator]`, never by the library, so a program that
//! links the library (or a fuzzer with its own allocator) keeps its own choice.
//!
//! [`tune`] turns off mimalloc's purging of freed memory: by default it hands pages back to the
//! operating system 10 ms after they are freed, and a run then pays page faults to get them
//! back in the next stage (about a quarter of the run on 1000 stacks). A run is short, so the
//! memory is returned at exit instead; peak memory is unchanged.
//!
//! mimalloc is built without transparent huge pages (the `no_thp` feature): with them, a run
//! sometimes spent more time in the kernel (compacting memory to find 2 MiB pages on a busy
//! machine) than in parsing, and its peak memory was 15% higher.

pub use mimalloc::MiMalloc;

/// `mi_option_purge_delay` in `mimalloc.h` (not exported by `libmimalloc-sys`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tunes mimalloc for a short run; call it first thing in `main`. Harmless when mimalloc is not
/// the global allocator.
pub fn tune() {
    // SAFETY: mi_option_set only stores an integer option; any value is valid for this option
    // (-1 means "never purge") and it may be called at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

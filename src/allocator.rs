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

use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// mimalloc as the global allocator.
///
/// `mimalloc::MiMalloc` asks for every block through mimalloc's aligned entry points, which
/// check the alignment and the block's address before they allocate. Almost every block of a
/// run needs only the alignment that `mi_malloc` always gives (its size's natural alignment up
/// to 16 bytes, the same rule the standard library applies to the system `malloc`), so such
/// blocks take the plain entry points, and only the rest the aligned ones.
pub struct MiMalloc;

/// Alignment `mi_malloc` guarantees for a block at least this large (`MI_MAX_ALIGN_SIZE`).
const MIN_ALIGN: usize = 16;

/// Whether `mi_malloc(size)` is aligned enough for `layout`.
#[inline]
fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

// SAFETY: every method forwards to the mimalloc function that has the contract GlobalAlloc asks
// for: `mi_malloc`/`mi_zalloc`/`mi_realloc` return blocks aligned to the natural alignment of
// their size (up to 16 bytes), which `plain` checks; other layouts use the `_aligned` variants.
// Blocks from either family are freed by `mi_free`.
unsafe impl GlobalAlloc for MiMalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        use libmimalloc_sys as ffi;
        if plain(layout.align(), layout.size()) {
            ffi::mi_malloc(layout.size()) as *mut u8
        } else {
            ffi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        use libmimalloc_sys as ffi;
        if plain(layout.align(), layout.size()) {
            ffi::mi_zalloc(layout.size()) as *mut u8
        } else {
            ffi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        libmimalloc_sys::mi_free(ptr as *mut c_void);
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        use libmimalloc_sys as ffi;
        if plain(layout.align(), new_size) {
            ffi::mi_realloc(ptr as *mut c_void, new_size) as *mut u8
        } else {
            ffi::mi_realloc_aligned(ptr as *mut c_void, new_size, layout.align()) as *mut u8
        }
    }
}

/// `mi_option_purge_delay` in `mimalloc.h` (not exported by `libmimalloc-sys`).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tunes mimalloc for a short run; call it first thing in `main`. Harmless when mimalloc is not
/// the global allocator.
pub fn tune() {
    // SAFETY: mi_option_set only stores an integer option; any value is valid for this option
    // (-1 means "never purge") and it may be called at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    /// Every layout gets a block aligned as asked, through both entry points, and growing or
    /// shrinking a block keeps its bytes and its alignment.
    #[test]
    fn blocks_are_aligned_and_keep_their_bytes() {
        use super::{GlobalAlloc, Layout, MiMalloc};
        let a = MiMalloc;
        for align in [1usize, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1usize, 3, 8, 16, 24, 48, 100, 1024, 5000, 70_000] {
                let size = size.next_multiple_of(align);
                let layout = Layout::from_size_align(size, align).unwrap();
                // SAFETY: `layout` has a non-zero size; each block is freed once, by `dealloc`,
                // with the layout it was allocated or reallocated with.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "alloc size {size} align {align}");
                    for i in 0..size {
                        p.add(i).write(i as u8);
                    }
                    let bigger = size * 3 + align;
                    let q = a.realloc(p, layout, bigger);
                    assert_eq!(q as usize % align, 0, "realloc to {bigger} align {align}");
                    assert!((0..size).all(|i| q.add(i).read() == i as u8));
                    let grown = Layout::from_size_align(bigger, align).unwrap();
                    let r = a.realloc(q, grown, size);
                    assert_eq!(r as usize % align, 0, "realloc to {size} align {align}");
                    assert!((0..size).all(|i| r.add(i).read() == i as u8));
                    a.dealloc(r, layout);

                    let z = a.alloc_zeroed(layout);
                    assert_eq!(
                        z as usize % align,
                        0,
                        "alloc_zeroed size {size} align {align}"
                    );
                    assert!((0..size).all(|i| z.add(i).read() == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}

#![no_main]
use libfuzzer_sys::fuzz_target;
#[path = "common.rs"]
mod common;
fuzz_target!(|data: &[u8]| {
    common::run(&[("main.tf".to_string(), data.to_vec())]);
});

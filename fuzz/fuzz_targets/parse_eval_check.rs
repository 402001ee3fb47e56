//! Arbitrary bytes as one Terraform file through the whole pipeline: read, parse, evaluate,
//! model, check and render. Nothing may panic, overflow the stack or run away.
//!
//! Input that starts with `{` is written as `main.tf.json` (Terraform's JSON syntax); anything
//! else as `main.tf`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;

fuzz_target!(|data: &[u8]| {
    let name = if data.first() == Some(&b'{') {
        "main.tf.json"
    } else {
        "main.tf"
    };
    common::run(&[(name.to_string(), data.to_vec())]);
});

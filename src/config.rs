//! The `.tf-elbcheck.toml` configuration file: disabled rules, severity overrides, excluded paths.

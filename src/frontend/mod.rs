//! Discovery of Terraform roots and modules, reading files, and parsing them into the syntax tree.

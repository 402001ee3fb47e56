//! Suppression comments (`# tf-elbcheck:ignore CODE -- reason`) and the ELB030 findings about them.

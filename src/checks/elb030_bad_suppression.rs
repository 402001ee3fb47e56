//! ELB030: a suppression comment that has no reason, suppresses nothing, names an unknown code
//! or has expired. The findings themselves are made by [`crate::suppress`], which is where the
//! comments are read; this file declares the rule's code, severity and documentation.

crate::declare_rule! {
    /// ## What it checks
    ///
    /// Every `# tf-elbcheck:ignore CODE[,CODE] [until=YYYY-MM-DD] -- reason` comment (or the same
    /// after `//`). It is reported when:
    ///
    /// - it has no reason after `--` (it then suppresses nothing until it has one);
    /// - it suppresses nothing: no finding with that code starts on the line it covers (the
    ///   line of the comment when it ends a line of code, else the next line that is not
    ///   itself a comment);
    /// - its `until=` date has passed (it then no longer suppresses, and the finding is shown
    ///   again);
    /// - it is malformed: an unknown code, a date that is not `YYYY-MM-DD`, or text other than
    ///   codes and `until=` before `--`.
    ///
    /// ## Why it matters
    ///
    /// A suppression hides a reachability problem on purpose. Without a reason the next reader
    /// cannot tell a deliberate exception from a silenced bug; a suppression that no longer
    /// matches anything hides nothing today but will silently hide the next finding on that
    /// line; an expired one was meant to be revisited by now. ELB030 itself cannot be
    /// suppressed by a comment: disable it in `.tf-elbcheck.toml` if you must.
    ///
    /// ## Example
    ///
    /// ```hcl
    /// resource "aws_security_group_rule" "app_http" {
    ///   # tf-elbcheck:ignore ELB021
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    ///
    /// Use instead:
    ///
    /// ```hcl
    /// resource "aws_security_group_rule" "app_http" {
    ///   # tf-elbcheck:ignore ELB021 until=2025-12-31 -- health probes from the old monitoring range, removed in INFRA-812
    ///   cidr_blocks = ["0.0.0.0/0"]
    /// }
    /// ```
    pub static ELB030 = {
        code: "ELB030",
        name: "bad-suppression",
        severity: Warning,
        summary: "a suppression comment has no reason, suppresses nothing, or has expired",
    }
}

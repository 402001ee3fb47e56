//! The codes that no check function produces, with their documentation: load errors
//! (`TF001`-`TF006`, `TF010`), undecided requirements (`ELB900`) and bad suppression comments
//! (`ELB030`). They live here, below every stage, because the frontend, the evaluator, the
//! model, the checks and the suppression pass all report them.

use super::Rule;

crate::declare_rule! {
    /// ## What it checks
    /// A requirement of another rule that depends on a value known only after apply: a data
    /// source, a variable without a value, a computed attribute, a remote module that is not
    /// installed. The note names the unknown value and where it came from.
    ///
    /// ## Why it matters
    /// The tool never guesses: an undecided requirement is neither an error nor a pass.
    /// Run with `--fail-on note` to treat these as failures.
    ///
    /// ## Example
    /// ```hcl
    /// security_groups = [data.aws_security_group.shared.id]
    /// ```
    ///
    /// Use instead: give the value in the configuration (tfvars, a resource reference), or
    /// accept the note.
    pub static ELB900 = {
        code: "ELB900",
        name: "undecided",
        severity: Note,
        summary: "a requirement could not be decided: a value is unknown before apply",
    }
}

crate::declare_rule! {
    /// ## What it checks
    /// Files that cannot be read or parsed: syntax errors, non-UTF-8 or binary files, files
    /// over the size limit, unreadable paths, symlink loops, duplicate declarations, and
    /// module calls whose local source has no Terraform files.
    ///
    /// ## Why it matters
    /// Terraform would reject the configuration; nothing in the file can be checked.
    ///
    /// ## Example
    /// An unclosed block (deliberately not valid HCL):
    /// ```text
    /// resource "aws_elb" "web" {
    ///   name = "web"
    /// ```
    ///
    /// Use instead: close the block with `}`.
    pub static TF001 = {
        code: "TF001",
        name: "parse-error",
        severity: Error,
        summary: "Terraform source cannot be parsed",
    }
}

crate::declare_rule! {
    /// ## What it checks
    /// References to a variable, local value, resource, data source, module or module
    /// output that is not declared.
    ///
    /// ## Why it matters
    /// `terraform plan` fails on such a reference. The value is treated as unknown so the
    /// rest of the configuration can still be checked.
    ///
    /// ## Example
    /// ```hcl
    /// instances = [aws_instance.fo.id]
    /// ```
    ///
    /// Use instead: `instances = [aws_instance.foo.id]`.
    pub static TF002 = {
        code: "TF002",
        name: "undeclared-reference",
        severity: Error,
        summary: "a reference names nothing that exists",
    }
}

crate::declare_rule! {
    /// ## What it checks
    /// Cycles among locals, variables, outputs and resources, and modules that call
    /// themselves.
    ///
    /// ## Why it matters
    /// Terraform cannot order such values and rejects the configuration.
    ///
    /// ## Example
    /// ```hcl
    /// locals {
    ///   a = local.b
    ///   b = local.a
    /// }
    /// ```
    ///
    /// Use instead: break the cycle by giving one of them a value of its own.
    pub static TF003 = {
        code: "TF003",
        name: "cycle",
        severity: Error,
        summary: "a cycle among locals/variables",
    }
}

crate::declare_rule! {
    /// ## What it checks
    /// Values Terraform would reject: a variable value that violates its type, `count` or
    /// `for_each` beyond the instance limit or of the wrong type, a port that is not a
    /// number or is out of range, an invalid protocol, references nested too deeply.
    ///
    /// ## Why it matters
    /// `terraform plan` or `apply` fails on these; the affected values are treated as
    /// unknown so that nothing is guessed.
    ///
    /// ## Example
    /// ```hcl
    /// from_port = "eighty"
    /// ```
    ///
    /// Use instead: `from_port = 80`.
    pub static TF004 = {
        code: "TF004",
        name: "invalid-value",
        severity: Error,
        summary: "a value has the wrong type or is out of range",
    }
}

crate::declare_rule! {
    /// ## What it checks
    /// The configuration file `.tf-elbcheck.toml` (or `--config FILE`): TOML syntax, known
    /// keys, known rule codes, valid severities and globs.
    ///
    /// ## Why it matters
    /// A broken configuration would silently change what is checked; the run stops with
    /// exit status 2 and points at the line to fix.
    ///
    /// ## Example
    /// ```toml
    /// disable = ["ELB999"]
    /// ```
    ///
    /// Use instead: `disable = ["ELB023"]` (see `tf-elbcheck rules`).
    pub static TF010 = {
        code: "TF010",
        name: "bad-config",
        severity: Error,
        summary: "the configuration file is invalid",
    }
}

crate::declare_rule! {
    /// ## What it checks
    /// Module calls whose source is remote (a registry, Git or HTTP address) and that are not
    /// installed under `.terraform/modules` by `terraform init`, or whose local source lies
    /// outside the repository of the paths given to the tool (the nearest directory with
    /// `.git` above them, else the current directory).
    ///
    /// ## Why it matters
    /// The tool never fetches anything and never reads outside that repository.
    /// Everything such a module outputs is unknown, so the requirements that depend on it are
    /// reported as undecided (ELB900), and the load balancers it declares are not checked.
    ///
    /// ## Example
    /// ```hcl
    /// module "vpc" {
    ///   source = "terraform-aws-modules/vpc/aws"
    /// }
    /// ```
    ///
    /// Use instead: run `terraform init` before the check, so that `.terraform/modules`
    /// holds the module; for a local module outside the repository, pass its directory too
    /// (`tf-elbcheck live ../shared-modules`).
    pub static TF005 = {
        code: "TF005",
        name: "remote-module-not-installed",
        severity: Note,
        summary: "a module is not available (remote and not installed, or outside the repository) and was skipped",
    }
}

crate::declare_rule! {
    /// ## What it checks
    /// Blocks that an older Terraform accepted and current Terraform does not: a top-level
    /// `atlas` block (Terraform Enterprise's legacy settings, accepted up to Terraform 0.11),
    /// and the resource forms of `terraform_remote_state` and `template_file`, which Terraform
    /// 0.7 turned into data sources. The note names the version that had the block.
    ///
    /// ## Why it matters
    /// Old code still holds them and the rest of the configuration can be checked: an `atlas`
    /// block is skipped, such a resource is read like a data source (its attributes are
    /// unknown). The run carries on instead of stopping with a parse error.
    ///
    /// ## Example
    /// ```hcl
    /// resource "terraform_remote_state" "vpc" {
    ///   backend = "s3"
    /// }
    /// ```
    ///
    /// Use instead: `data "terraform_remote_state" "vpc" { … }` (and drop `atlas` blocks).
    pub static TF006 = {
        code: "TF006",
        name: "legacy-block",
        severity: Note,
        summary: "a block of an older Terraform version was read as its successor or skipped",
    }
}

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

/// Every code declared here, sorted.
pub(crate) static ALL: &[&Rule] = &[
    &ELB030, &ELB900, &TF001, &TF002, &TF003, &TF004, &TF005, &TF006, &TF010,
];

//! A generator of synthetic Terraform monorepos for benchmarks and scale tests.
//!
//! [`generate`] writes `N` roots under an output directory. Every root is a realistic load
//! balancer stack of one of four [`StackKind`]s (a deterministic mix, see
//! [`GenOptions::kinds`]): a Classic Load Balancer, an Application Load Balancer in front of
//! instances or an Auto Scaling group, a Network Load Balancer (with or without security
//! groups; its instance targets see the clients' own addresses), or an ALB in front of an ECS
//! service in `awsvpc` mode. Every stack has five files:
//!
//! - `variables.tf`: the provider, input variables with defaults, and locals; every port goes
//!   through a variable and a local;
//! - `network.tf`: a VPC, public and application subnets (`count` or `for_each`), an internet
//!   gateway and route tables;
//! - `nacl.tf`: a custom network ACL with inline rules on the public subnets, and one with
//!   `aws_network_acl_rule` resources on the application subnets;
//! - `security.tf`: the LB's group with inline rules (static or `dynamic`), and the targets'
//!   group with `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule` /
//!   `egress_rule` resources (the two groups never mix inline and standalone rules); an NLB
//!   without security groups has no group of its own, and its targets admit the clients;
//! - `compute.tf`: the `aws_elb` with listeners and a health check, and either instances or an
//!   Auto Scaling group with a launch template; or the `aws_lb`, its target groups and
//!   listeners (and listener rule), and the instances (registered with
//!   `aws_lb_target_group_attachment`), the Auto Scaling group (`target_group_arns` or
//!   `aws_autoscaling_attachment`) or the ECS cluster, task definition and service.
//!
//! With [`GenOptions::shared_module`], every stack also has a `tags.tf` that calls a module
//! shared by all of them (`modules/tags`, written once) and takes its tags from it, as stacks
//! of a monorepo with shared modules do.
//!
//! Everything is known before apply, the targets' groups admit ICMP type 3 code 4 and every LB
//! has a health check, so a clean stack produces no finding at all. A deterministic fraction of
//! the stacks carries one injected [`FaultKind`] that suits its kind; [`generate`] returns them
//! and writes them to `FAULTS.txt` (`root CODE[,CODE] fault-kind FILE:LINE[,FILE:LINE]`, one
//! line per faulty root: the codes the fault must produce and where each must point, the file
//! relative to the root; `fault-kind` is prefixed with `alb/`, `nlb/` or `ecs/` for stacks that
//! are not Classic).
//!
//! The same seed and options always produce the same bytes; with only Classic stacks the
//! `.tf` files are those of the generator before it knew other kinds. The file is shared by
//! the `gen_monorepo` example, the benchmarks and `tests/generated.rs` through `#[path]`.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenOptions {
    /// Number of roots (stacks).
    pub stacks: usize,
    /// Fraction of the stacks that carry one fault (0.0 to 1.0; rounded to a whole count).
    pub fault_rate: f64,
    pub seed: u64,
    /// Every stack takes its tags from the local module `modules/tags`.
    pub shared_module: bool,
    /// The kinds of stacks and their weights: each kind gets its share of the stacks (rounded
    /// to whole stacks, exactly), spread over the roots by the seed. Default:
    /// [`StackKind::default_mix`].
    pub kinds: Vec<(StackKind, u32)>,
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions {
            stacks: 100,
            fault_rate: 0.1,
            seed: 1,
            shared_module: false,
            kinds: StackKind::default_mix(),
        }
    }
}

/// What a stack's load balancer is and what it sends to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StackKind {
    /// `aws_elb` in front of instances or an Auto Scaling group.
    Classic,
    /// `aws_lb` (application) in front of instances (attachments) or an Auto Scaling group.
    Alb,
    /// `aws_lb` (network), with or without security groups, in front of instances or an Auto
    /// Scaling group, preserving the clients' addresses.
    Nlb,
    /// `aws_lb` (application) in front of an `awsvpc` ECS service on Fargate.
    Ecs,
}

impl StackKind {
    pub const ALL: [StackKind; 4] = [
        StackKind::Classic,
        StackKind::Alb,
        StackKind::Nlb,
        StackKind::Ecs,
    ];

    pub fn name(self) -> &'static str {
        match self {
            StackKind::Classic => "classic",
            StackKind::Alb => "alb",
            StackKind::Nlb => "nlb",
            StackKind::Ecs => "ecs",
        }
    }

    /// The weight of the kind when `--kinds` names it without one.
    pub fn default_weight(self) -> u32 {
        match self {
            StackKind::Classic => 40,
            StackKind::Alb => 25,
            StackKind::Nlb => 20,
            StackKind::Ecs => 15,
        }
    }

    /// 40% Classic, 25% ALB, 20% NLB, 15% ECS.
    pub fn default_mix() -> Vec<(StackKind, u32)> {
        StackKind::ALL
            .iter()
            .map(|&k| (k, k.default_weight()))
            .collect()
    }

    /// Only Classic stacks: the monorepo of the generator before it knew other kinds.
    pub fn classic_only() -> Vec<(StackKind, u32)> {
        vec![(StackKind::Classic, 1)]
    }

    /// The faults a stack of this kind can carry, in the order they are handed out.
    pub fn faults(self) -> &'static [FaultKind] {
        match self {
            StackKind::Classic => &FaultKind::CLASSIC,
            StackKind::Alb => &[
                FaultKind::DropInstanceIngress,
                FaultKind::DropLbEgress,
                FaultKind::RuleForwardsToWrongGroup,
                FaultKind::LbIngressMissesListener,
                FaultKind::DropHealthIngress,
                FaultKind::ShortInstanceReplies,
                FaultKind::DropLbReplyIngress,
            ],
            StackKind::Nlb => &[
                FaultKind::TargetsAdmitOnlyVpc,
                FaultKind::TcpHealthCheckWithoutProtocol,
                FaultKind::DropLbEgress,
                FaultKind::ShortLbReplies,
                FaultKind::InstanceDenyShadowsApp,
                FaultKind::ShortInstanceReplies,
            ],
            StackKind::Ecs => &[
                FaultKind::TaskGroupAdmitsListenerPort,
                FaultKind::DropLbEgress,
                FaultKind::LbDenyShadowsListener,
                FaultKind::InstanceDenyShadowsApp,
                FaultKind::DropLbReplyIngress,
            ],
        }
    }
}

/// Parses `--kinds`: kinds separated by commas, each optionally with a weight
/// (`classic,alb=10`); a kind without one gets [`StackKind::default_weight`].
pub fn parse_kinds(text: &str) -> Result<Vec<(StackKind, u32)>, String> {
    let mut out: Vec<(StackKind, u32)> = Vec::new();
    for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (name, weight) = match item.split_once('=') {
            Some((n, w)) => (n.trim(), Some(w.trim())),
            None => (item, None),
        };
        let Some(kind) = StackKind::ALL.iter().copied().find(|k| k.name() == name) else {
            return Err(format!(
                "unknown stack kind `{name}` (kinds: classic, alb, nlb, ecs)"
            ));
        };
        let weight = match weight {
            None => kind.default_weight(),
            Some(w) => w
                .parse::<u32>()
                .map_err(|_| format!("the weight of {name} must be a whole number, not {w}"))?,
        };
        if out.iter().any(|(k, _)| *k == kind) {
            return Err(format!("stack kind `{name}` is given twice"));
        }
        out.push((kind, weight));
    }
    if out.iter().all(|(_, w)| *w == 0) {
        return Err("--kinds needs at least one kind with a weight above 0".to_string());
    }
    Ok(out)
}

/// The module every stack calls with [`GenOptions::shared_module`].
const TAGS_MODULE: &str = r#"# The tags every stack puts on its resources.

variable "service" {
  type = string
}

variable "environment" {
  type = string
}

variable "stack" {
  type = string
}

output "tags" {
  value = {
    Service     = var.service
    Environment = var.environment
    Stack       = var.stack
    ManagedBy   = "terraform"
  }
}
"#;

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// The instance group's `aws_security_group_rule` for the application port is missing.
    DropInstanceIngress,
    /// The LB group's inline egress rule towards the instances' port is missing.
    DropLbEgress,
    /// The LB group's client ingress forgets the first listener.
    LbIngressMissesListener,
    /// The public NACL's replies to clients cover only 32768-65535.
    ShortLbReplies,
    /// The application NACL's replies to the LB cover only 32768-65535.
    ShortInstanceReplies,
    /// A deny rule at 90 on the public NACL shadows the listener allow rule.
    LbDenyShadowsListener,
    /// A deny rule at 90 on the application NACL shadows the allow for the application port.
    InstanceDenyShadowsApp,
    /// The public NACL has no inbound rule for replies from the instances.
    DropLbReplyIngress,
    /// ALB: the listener rule for `/api/*` forwards to the `web` group instead of `api`, which
    /// nothing forwards to any more.
    RuleForwardsToWrongGroup,
    /// The targets' group has no rule for the health-check port of its own.
    DropHealthIngress,
    /// NLB (internet-facing, client IP preservation on): the targets' group admits the
    /// application port from the VPC CIDR only, as if the traffic came from the LB's nodes.
    TargetsAdmitOnlyVpc,
    /// NLB: the TCP target group's `health_check` block sets `interval` but no `protocol`.
    TcpHealthCheckWithoutProtocol,
    /// ECS: the tasks' group admits the listener port from the LB instead of the container port.
    TaskGroupAdmitsListenerPort,
}

impl FaultKind {
    /// The faults of Classic stacks, in the order the generator has always handed them out.
    pub const CLASSIC: [FaultKind; 8] = [
        FaultKind::DropInstanceIngress,
        FaultKind::DropLbEgress,
        FaultKind::LbIngressMissesListener,
        FaultKind::ShortLbReplies,
        FaultKind::ShortInstanceReplies,
        FaultKind::LbDenyShadowsListener,
        FaultKind::InstanceDenyShadowsApp,
        FaultKind::DropLbReplyIngress,
    ];

    pub const ALL: [FaultKind; 13] = [
        FaultKind::DropInstanceIngress,
        FaultKind::DropLbEgress,
        FaultKind::LbIngressMissesListener,
        FaultKind::ShortLbReplies,
        FaultKind::ShortInstanceReplies,
        FaultKind::LbDenyShadowsListener,
        FaultKind::InstanceDenyShadowsApp,
        FaultKind::DropLbReplyIngress,
        FaultKind::RuleForwardsToWrongGroup,
        FaultKind::DropHealthIngress,
        FaultKind::TargetsAdmitOnlyVpc,
        FaultKind::TcpHealthCheckWithoutProtocol,
        FaultKind::TaskGroupAdmitsListenerPort,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultKind::DropInstanceIngress => "drop-instance-ingress",
            FaultKind::DropLbEgress => "drop-lb-egress",
            FaultKind::LbIngressMissesListener => "lb-ingress-misses-listener",
            FaultKind::ShortLbReplies => "short-lb-replies",
            FaultKind::ShortInstanceReplies => "short-instance-replies",
            FaultKind::LbDenyShadowsListener => "lb-deny-shadows-listener",
            FaultKind::InstanceDenyShadowsApp => "instance-deny-shadows-app",
            FaultKind::DropLbReplyIngress => "drop-lb-reply-ingress",
            FaultKind::RuleForwardsToWrongGroup => "rule-forwards-to-wrong-group",
            FaultKind::DropHealthIngress => "drop-health-ingress",
            FaultKind::TargetsAdmitOnlyVpc => "targets-admit-only-vpc",
            FaultKind::TcpHealthCheckWithoutProtocol => "tcp-health-check-without-protocol",
            FaultKind::TaskGroupAdmitsListenerPort => "task-group-admits-listener-port",
        }
    }

    /// The codes this fault must produce (and no others).
    pub fn codes(self) -> &'static [&'static str] {
        match self {
            FaultKind::DropInstanceIngress => &["ELB004"],
            FaultKind::DropLbEgress => &["ELB002"],
            FaultKind::LbIngressMissesListener => &["ELB001"],
            FaultKind::ShortLbReplies => &["ELB011"],
            FaultKind::ShortInstanceReplies => &["ELB015"],
            FaultKind::LbDenyShadowsListener => &["ELB010"],
            FaultKind::InstanceDenyShadowsApp => &["ELB014"],
            FaultKind::DropLbReplyIngress => &["ELB013"],
            FaultKind::RuleForwardsToWrongGroup => &["ELB040"],
            FaultKind::DropHealthIngress => &["ELB005"],
            FaultKind::TargetsAdmitOnlyVpc => &["ELB004"],
            FaultKind::TcpHealthCheckWithoutProtocol => &["ELB041"],
            FaultKind::TaskGroupAdmitsListenerPort => &["ELB004"],
        }
    }
}

/// A faulty root and what it must produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The root relative to the output directory, with `/` separators.
    pub root: String,
    /// The kind of the faulty stack.
    pub stack: StackKind,
    pub kind: FaultKind,
    /// Where each code of [`FaultKind::codes`] must be reported (same order): a file of the
    /// root and the 1-based line of the finding's primary location.
    pub at: Vec<Location>,
}

impl Fault {
    /// The fault kind as `FAULTS.txt` names it: prefixed with the stack kind unless Classic.
    pub fn label(&self) -> String {
        match self.stack {
            StackKind::Classic => self.kind.name().to_string(),
            k => format!("{}/{}", k.name(), self.kind.name()),
        }
    }
}

/// Where a finding must point: a file of the root and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: &'static str,
    pub line: usize,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// Every root relative to the output directory, with `/` separators, in order.
    pub roots: Vec<String>,
    /// The kind of every root, in the same order.
    pub kinds: Vec<StackKind>,
    pub faults: Vec<Fault>,
    /// `.tf` files written (the manifest not counted).
    pub files: usize,
    /// Bytes of `.tf` written.
    pub bytes: u64,
}

/// SplitMix64: small, fast and good enough to vary the stacks deterministically.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// The relative directory of root `i`.
pub fn root_dir(i: usize) -> String {
    format!("team-{:02}/stack-{i:05}", i / 50)
}

/// The kind of every stack: each kind gets exactly its share of the stacks (largest
/// remainders round), and the seed spreads them over the roots.
fn kind_plan(opts: &GenOptions) -> Vec<StackKind> {
    let weights: Vec<(StackKind, u64)> = if opts.kinds.is_empty() {
        StackKind::classic_only()
    } else {
        opts.kinds.clone()
    }
    .into_iter()
    .map(|(k, w)| (k, u64::from(w)))
    .collect();
    let total: u64 = weights.iter().map(|(_, w)| w).sum::<u64>().max(1);
    let n = opts.stacks as u64;
    let mut counts: Vec<u64> = weights.iter().map(|(_, w)| n * w / total).collect();
    let mut by_remainder: Vec<usize> = (0..weights.len()).collect();
    // Stable: ties go to the kind listed first.
    by_remainder.sort_by_key(|&i| std::cmp::Reverse(n * weights[i].1 % total));
    let short = n - counts.iter().sum::<u64>();
    for &i in by_remainder.iter().take(short as usize) {
        counts[i] += 1;
    }
    let mut kinds: Vec<StackKind> = weights
        .iter()
        .zip(&counts)
        .flat_map(|((k, _), &c)| std::iter::repeat_n(*k, c as usize))
        .collect();
    if weights.len() > 1 {
        let mut rng = Rng::new(opts.seed ^ 0x6b17_d5ee_d000);
        for i in (1..kinds.len()).rev() {
            let j = rng.below(i + 1);
            kinds.swap(i, j);
        }
    }
    kinds
}

/// Which stacks are faulty, and how: exactly `round(stacks * rate)` of them, spread by the seed;
/// each kind of stack cycles through its own faults ([`StackKind::faults`]).
fn fault_plan(opts: &GenOptions, kinds: &[StackKind]) -> Vec<Option<FaultKind>> {
    let rate = opts.fault_rate.clamp(0.0, 1.0);
    let faulty = ((opts.stacks as f64) * rate).round() as usize;
    let mut order: Vec<usize> = (0..opts.stacks).collect();
    let mut rng = Rng::new(opts.seed ^ 0x5eed_fa17);
    for i in (1..order.len()).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    let mut plan = vec![None; opts.stacks];
    let mut handed = [0usize; 4];
    for &i in order.iter().take(faulty) {
        // Cycle through the kinds so that every kind of a stack kind appears once there are
        // as many faulty stacks of that kind as it has faults.
        let k = kinds[i];
        let list = k.faults();
        let n = &mut handed[k as usize];
        plan[i] = Some(list[*n % list.len()]);
        *n += 1;
    }
    plan
}

/// Writes the monorepo under `out` (created if needed) and its `FAULTS.txt`.
pub fn generate(out: &Path, opts: &GenOptions) -> std::io::Result<Generated> {
    std::fs::create_dir_all(out)?;
    let kinds = kind_plan(opts);
    let plan = fault_plan(opts, &kinds);
    let mut generated = Generated::default();
    if opts.shared_module {
        let dir = out.join("modules/tags");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("main.tf"), TAGS_MODULE)?;
        generated.files += 1;
        generated.bytes += TAGS_MODULE.len() as u64;
    }
    for (i, (fault, &kind)) in plan.iter().zip(&kinds).enumerate() {
        let rel = root_dir(i);
        let dir: PathBuf = out.join(&rel);
        std::fs::create_dir_all(&dir)?;
        let stack = Stack::new(kind, i, opts.seed, *fault);
        let files = stack.files(opts.shared_module);
        for (name, text) in &files {
            generated.bytes += text.len() as u64;
            generated.files += 1;
            std::fs::write(dir.join(name), text)?;
        }
        if let Some(f) = fault {
            generated.faults.push(Fault {
                root: rel.clone(),
                stack: kind,
                kind: *f,
                at: vec![stack.fault_location(*f, &files)],
            });
        }
        generated.roots.push(rel);
        generated.kinds.push(kind);
    }
    let mut manifest = String::new();
    let mix = if kinds.iter().all(|k| *k == StackKind::Classic) {
        String::new()
    } else {
        let counts: Vec<String> = StackKind::ALL
            .iter()
            .map(|k| (k, kinds.iter().filter(|x| *x == k).count()))
            .filter(|(_, c)| *c > 0)
            .map(|(k, c)| format!("{} {c}", k.name()))
            .collect();
        format!("\n# kinds: {}.", counts.join(", "))
    };
    let _ = writeln!(
        manifest,
        "# {} stacks, {} with one injected fault (seed {}, fault rate {}).{mix}\n\
         # root expected-codes fault-kind file:line (where each code is expected, in the root)",
        opts.stacks,
        generated.faults.len(),
        opts.seed,
        opts.fault_rate
    );
    for f in &generated.faults {
        let at: Vec<String> =
            f.at.iter()
                .map(|l| format!("{}:{}", l.file, l.line))
                .collect();
        let _ = writeln!(
            manifest,
            "{} {} {} {}",
            f.root,
            f.kind.codes().join(","),
            f.label(),
            at.join(",")
        );
    }
    std::fs::write(out.join("FAULTS.txt"), manifest)?;
    Ok(generated)
}

/// The 1-based line where `needle` starts in `text`.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.find(needle)
        .map(|at| text[..at].bytes().filter(|&b| b == b'\n').count() + 1)
}

/// Replaces every `@KEY@` of a template.
fn fill(template: &str, vars: &[(&str, String)]) -> String {
    let mut s = template.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("@{k}@"), v);
    }
    debug_assert!(!s.contains("@"), "unfilled placeholder in {s}");
    s
}

/// The choices that make one stack differ from the next.
struct Stack {
    kind: StackKind,
    index: usize,
    fault: Option<FaultKind>,
    team: String,
    service: String,
    env: &'static str,
    region: &'static str,
    azs: usize,
    internal: bool,
    /// Classic: (lb_port, lb_protocol, instance_protocol)
    listeners: Vec<(u16, &'static str, &'static str)>,
    app_port: u16,
    /// Health checks on a port of their own (app_port + 1) rather than the application port.
    separate_health: bool,
    subnets_for_each: bool,
    /// Classic: `dynamic` listener and ingress blocks; ELBv2: `dynamic` ingress blocks and
    /// `for_each` listeners (when they all forward).
    dynamic_blocks: bool,
    asg: bool,
    /// Classic: `aws_autoscaling_attachment` rather than `load_balancers`; ELBv2:
    /// `aws_autoscaling_attachment` rather than `target_group_arns`.
    asg_attachment: bool,
    vpc_second_octet: usize,
    /// The choices of ALB, NLB and ECS stacks.
    v2: V2,
}

/// How an ELBv2 stack is written.
#[derive(Default)]
struct V2 {
    /// (port, protocol, redirects to the next listener)
    listeners: Vec<(u16, &'static str, bool)>,
    /// The LB has security groups (always for an ALB).
    lb_groups: bool,
    /// Listeners forward with a `forward { target_group { arn } }` block.
    forward_block: bool,
    /// `load_balancer_type`, `target_type`, `port = "traffic-port"` written out although they
    /// are the defaults.
    explicit: bool,
    /// ALB: a second target group `api` that a listener rule for `/api/*` forwards to.
    api_rule: bool,
    /// Attachments give the target's `port` (the group's own).
    attach_port: bool,
    /// NLB: no `health_check` block (0), a TCP one (1) or an HTTP one (2).
    nlb_health: usize,
    /// NLB: `preserve_client_ip = true` written out.
    preserve_ip: bool,
    /// NLB: `enable_cross_zone_load_balancing = true`.
    cross_zone: bool,
    /// ECS: a Fargate Spot capacity provider strategy rather than `launch_type`.
    capacity_provider: bool,
}

const SERVICES: &[&str] = &[
    "billing",
    "search",
    "catalog",
    "checkout",
    "identity",
    "ledger",
    "media",
    "notify",
    "orders",
    "payments",
    "profile",
    "reports",
    "reviews",
    "shipping",
    "inventory",
    "pricing",
];
const ENVS: &[&str] = &["dev", "staging", "prod"];
const REGIONS: &[&str] = &["eu-west-1", "us-east-1", "ap-southeast-2"];
const APP_PORTS: &[u16] = &[8080, 8000, 3000, 9000, 5000, 8443];

impl Stack {
    fn new(kind: StackKind, index: usize, seed: u64, fault: Option<FaultKind>) -> Stack {
        let mut rng = Rng::new(seed.wrapping_mul(0x100_0000_01b3) ^ (index as u64) << 1);
        // A Classic stack draws exactly what it always has, in the same order.
        let shape = rng.below(if kind == StackKind::Classic { 3 } else { 4 });
        let listeners = match shape {
            0 => vec![(80, "http", "http")],
            1 => vec![(443, "https", "http")],
            _ => vec![(80, "http", "http"), (443, "https", "http")],
        };
        let mut stack = Stack {
            kind,
            index,
            fault,
            team: format!("team{:02}", index / 50),
            service: rng.pick(SERVICES).to_string(),
            env: rng.pick(ENVS),
            region: rng.pick(REGIONS),
            azs: 2 + rng.below(2),
            internal: rng.chance(20),
            listeners,
            app_port: rng.pick(APP_PORTS),
            separate_health: rng.chance(40),
            subnets_for_each: rng.chance(50),
            dynamic_blocks: rng.chance(50),
            asg: rng.chance(40),
            asg_attachment: rng.chance(50),
            vpc_second_octet: index % 250,
            v2: V2::default(),
        };
        if kind == StackKind::Classic {
            return stack;
        }
        stack.listeners.clear();
        let nlb = kind == StackKind::Nlb;
        stack.v2 = V2 {
            listeners: match (nlb, shape) {
                (false, 0) => vec![(80, "HTTP", false)],
                (false, 1) => vec![(443, "HTTPS", false)],
                (false, 2) => vec![(80, "HTTP", true), (443, "HTTPS", false)],
                (false, _) => vec![(80, "HTTP", false), (443, "HTTPS", false)],
                (true, 0) => vec![(80, "TCP", false)],
                (true, 1) => vec![(443, "TLS", false)],
                (true, 2) => vec![(443, "TCP", false)],
                (true, _) => vec![(80, "TCP", false), (443, "TLS", false)],
            },
            lb_groups: !nlb || rng.chance(50),
            forward_block: rng.chance(30),
            explicit: rng.chance(50),
            api_rule: kind == StackKind::Alb && rng.chance(40),
            attach_port: rng.chance(50),
            nlb_health: rng.below(3),
            preserve_ip: rng.chance(30),
            cross_zone: rng.chance(50),
            capacity_provider: rng.chance(30),
        };
        // A fault that needs something of the stack gets it.
        match fault {
            Some(FaultKind::RuleForwardsToWrongGroup) => stack.v2.api_rule = true,
            Some(FaultKind::DropHealthIngress) => stack.separate_health = true,
            // Clients of an internal NLB are the VPC: admitting it would be right.
            Some(FaultKind::TargetsAdmitOnlyVpc) => stack.internal = false,
            // See `fault_anchor`: with the VPC as clients, the checker points at another rule
            // than the one to widen.
            Some(FaultKind::ShortLbReplies) => stack.internal = false,
            Some(FaultKind::DropLbEgress) => stack.v2.lb_groups = true,
            _ => {}
        }
        if stack.separate_health && stack.v2.nlb_health == 0 {
            // A health-check port of its own needs a block that names it.
            stack.v2.nlb_health = 1;
        }
        stack
    }

    fn is(&self, kind: FaultKind) -> bool {
        self.fault == Some(kind)
    }

    fn files(&self, shared_module: bool) -> Vec<(&'static str, String)> {
        let mut files = vec![
            ("variables.tf", self.variables(shared_module)),
            ("network.tf", self.network()),
            ("nacl.tf", self.nacl()),
            ("security.tf", self.security()),
            (
                "compute.tf",
                match self.kind {
                    StackKind::Classic => self.compute(),
                    _ => self.compute_v2(),
                },
            ),
        ];
        if shared_module {
            files.push((
                "tags.tf",
                format!(
                    "module \"tags\" {{\n  source      = \"../../modules/tags\"\n  service     = \"{}\"\n  environment = \"{}\"\n  stack       = \"{}\"\n}}\n",
                    self.service, self.env, self.index
                ),
            ));
        }
        files
    }

    /// Where the finding of an injected fault must point: (file, text the line starts with).
    fn fault_anchor(&self, fault: FaultKind) -> (&'static str, &'static str) {
        match fault {
            FaultKind::DropInstanceIngress
            | FaultKind::DropHealthIngress
            | FaultKind::TargetsAdmitOnlyVpc
            | FaultKind::TaskGroupAdmitsListenerPort => {
                ("security.tf", "resource \"aws_security_group\" \"app\"")
            }
            FaultKind::DropLbEgress | FaultKind::LbIngressMissesListener => {
                ("security.tf", "resource \"aws_security_group\" \"lb\"")
            }
            // The rule that covers only part of the range. When the clients are the VPC
            // (internal LB), rule 100 (application and health-check ports to the VPC) covers
            // part of it too, and the checker points at that one, the first by number (rule
            // 120 is the one to widen; only Classic stacks are written so).
            FaultKind::ShortLbReplies if self.internal => {
                ("nacl.tf", "  egress {\n    rule_no    = 100")
            }
            FaultKind::ShortLbReplies => ("nacl.tf", "  egress {\n    rule_no    = 120"),
            FaultKind::ShortInstanceReplies => (
                "nacl.tf",
                "resource \"aws_network_acl_rule\" \"app_replies_to_",
            ),
            // The deciding deny rule.
            FaultKind::LbDenyShadowsListener => ("nacl.tf", "  ingress {\n    rule_no    = 90"),
            FaultKind::InstanceDenyShadowsApp => (
                "nacl.tf",
                "resource \"aws_network_acl_rule\" \"app_deny_app_port\"",
            ),
            // No rule allows the replies: the ACL itself.
            FaultKind::DropLbReplyIngress => ("nacl.tf", "resource \"aws_network_acl\" \"public\""),
            FaultKind::RuleForwardsToWrongGroup => {
                ("compute.tf", "resource \"aws_lb_target_group\" \"api\"")
            }
            FaultKind::TcpHealthCheckWithoutProtocol => ("compute.tf", "  health_check {"),
        }
    }

    /// The file and line where the finding of `fault` must point in this stack's `files`.
    fn fault_location(&self, fault: FaultKind, files: &[(&'static str, String)]) -> Location {
        let (file, needle) = self.fault_anchor(fault);
        let text = &files
            .iter()
            .find(|(n, _)| *n == file)
            .expect("the stack has the file")
            .1;
        let line = line_of(text, needle)
            .unwrap_or_else(|| panic!("`{needle}` is not in {file} of stack {}", self.index));
        Location { file, line }
    }

    /// The `tags` local (the lines of `@TAGS@`).
    fn tags_local(&self, shared_module: bool) -> String {
        if shared_module {
            return "  tags = module.tags.tags".to_string();
        }
        format!(
            "  tags = {{\n    Service     = \"{}\"\n    Environment = \"{}\"\n    Stack       = \"{}\"\n  }}",
            self.service, self.env, self.index
        )
    }

    fn azs_list(&self) -> String {
        let letters = ["a", "b", "c"];
        let items: Vec<String> = letters[..self.azs]
            .iter()
            .map(|l| format!("\"{}{l}\"", self.region))
            .collect();
        format!("[{}]", items.join(", "))
    }

    /// The expression listing the ids of a subnet resource (`public` or `app`).
    fn subnet_ids(&self, name: &str) -> String {
        if self.subnets_for_each {
            format!("[for s in aws_subnet.{name} : s.id]")
        } else {
            format!("aws_subnet.{name}[*].id")
        }
    }

    /// The provider, variables and locals; the tags come from `modules/tags` when
    /// `shared_module` is set, else they are a literal map.
    fn variables(&self, shared_module: bool) -> String {
        let mut listeners: Vec<String> = self
            .listeners
            .iter()
            .map(|(port, proto, iproto)| {
                format!(
                    "    {{ lb_port = {port}, lb_protocol = \"{proto}\", instance_protocol = \"{iproto}\" }},"
                )
            })
            .collect();
        listeners.extend(
            self.v2.listeners.iter().map(|(port, proto, _)| {
                format!("    {{ port = {port}, protocol = \"{proto}\" }},")
            }),
        );
        let (what, port_key) = match self.kind {
            StackKind::Classic => ("a Classic Load Balancer", "lb_port"),
            StackKind::Alb => ("an Application Load Balancer", "port"),
            StackKind::Nlb => ("a Network Load Balancer", "port"),
            StackKind::Ecs => ("an Application Load Balancer (ECS on Fargate)", "port"),
        };
        let extra_vars = if self.v2.listeners.iter().any(|l| is_secure(l.1)) {
            format!(
                "variable \"certificate_arn\" {{\n  type    = string\n  default = \"arn:aws:acm:{}:123456789012:certificate/0f0e0d0c-0b0a-4909-8807-0605040302{:02}\"\n}}\n\n",
                self.region,
                self.index % 100
            )
        } else {
            String::new()
        };
        let client_ports = if self.is(FaultKind::LbIngressMissesListener) {
            "[for p in local.listener_ports : p if p != local.listener_ports[0]]"
        } else {
            "local.listener_ports"
        };
        let health_port = if self.separate_health {
            "var.app_port + 1"
        } else {
            "var.app_port"
        };
        let subnet_locals = if self.subnets_for_each {
            "\n  # Subnets keyed by availability zone.\n  public_subnets = { for i, az in var.azs : az => cidrsubnet(var.vpc_cidr, 8, i) }\n  app_subnets    = { for i, az in var.azs : az => cidrsubnet(var.vpc_cidr, 8, 10 + i) }\n"
        } else {
            ""
        };
        fill(
            VARIABLES_TF,
            &[
                ("WHAT", what.to_string()),
                ("PORT_KEY", port_key.to_string()),
                ("EXTRA_VARS", extra_vars),
                ("REGION", self.region.to_string()),
                ("TEAM", self.team.clone()),
                ("SERVICE", self.service.clone()),
                ("ENV", self.env.to_string()),
                ("TAGS", self.tags_local(shared_module)),
                ("INDEX", self.index.to_string()),
                ("OCTET", self.vpc_second_octet.to_string()),
                ("AZS", self.azs_list()),
                ("APP_PORT", self.app_port.to_string()),
                ("INTERNAL", self.internal.to_string()),
                ("LISTENERS", listeners.join("\n")),
                ("CLIENT_PORTS", client_ports.to_string()),
                ("HEALTH_PORT", health_port.to_string()),
                ("SUBNET_LOCALS", subnet_locals.to_string()),
                (
                    "CLIENT_CIDR",
                    if self.internal {
                        "var.vpc_cidr".to_string()
                    } else {
                        "\"0.0.0.0/0\"".to_string()
                    },
                ),
            ],
        )
    }

    fn network(&self) -> String {
        let mut s = fill(NETWORK_VPC_TF, &[]);
        for (name, kind, offset) in [("public", "public", 0), ("app", "private", 10)] {
            if self.subnets_for_each {
                s.push_str(&fill(
                    SUBNET_FOR_EACH_TF,
                    &[
                        ("NAME", name.to_string()),
                        ("KIND", kind.to_string()),
                        ("PUBLIC", (name == "public").to_string()),
                    ],
                ));
            } else {
                s.push_str(&fill(
                    SUBNET_COUNT_TF,
                    &[
                        ("NAME", name.to_string()),
                        ("KIND", kind.to_string()),
                        ("OFFSET", offset.to_string()),
                        ("PUBLIC", (name == "public").to_string()),
                    ],
                ));
            }
        }
        let assoc = if self.subnets_for_each {
            ASSOC_FOR_EACH_TF
        } else {
            ASSOC_COUNT_TF
        };
        s.push_str(&fill(ROUTES_TF, &[]));
        // The application subnets keep the VPC's main route table: they are private.
        s.push_str(&fill(
            assoc,
            &[
                ("NAME", "public".to_string()),
                ("TABLE", "public".to_string()),
            ],
        ));
        s
    }

    fn nacl(&self) -> String {
        let mut public_rules = String::new();
        if self.is(FaultKind::LbDenyShadowsListener) {
            public_rules.push_str(&nacl_inline(
                "ingress",
                90,
                "deny",
                "\"0.0.0.0/0\"",
                "0",
                "1023",
            ));
        }
        for (n, port) in self.listener_ports().iter().enumerate() {
            public_rules.push_str(&nacl_inline(
                "ingress",
                100 + n as u16,
                "allow",
                "local.client_cidr",
                &port.to_string(),
                &port.to_string(),
            ));
        }
        if !self.is(FaultKind::DropLbReplyIngress) {
            public_rules.push_str(&nacl_inline(
                "ingress",
                120,
                "allow",
                "var.vpc_cidr",
                "local.ephemeral_from",
                "local.ephemeral_to",
            ));
        }
        public_rules.push_str(&nacl_inline(
            "egress",
            100,
            "allow",
            "var.vpc_cidr",
            "local.app_port",
            "local.health_port",
        ));
        let reply_from = if self.is(FaultKind::ShortLbReplies) {
            "32768"
        } else {
            "local.ephemeral_from"
        };
        public_rules.push_str(&nacl_inline(
            "egress",
            120,
            "allow",
            "local.client_cidr",
            reply_from,
            "local.ephemeral_to",
        ));
        let mut s = fill(
            NACL_PUBLIC_TF,
            &[
                ("SUBNETS", self.subnet_ids("public")),
                ("RULES", public_rules),
            ],
        );
        s.push_str(&fill(NACL_APP_TF, &[("SUBNETS", self.subnet_ids("app"))]));
        // An NLB's instance targets see the clients' own addresses (client IP preservation):
        // their ACL admits the clients and lets replies go back to them; the LB's health
        // checks come from the VPC, which the clients' range holds.
        let (peer, peer_name) = if self.kind == StackKind::Nlb {
            ("local.client_cidr", "clients")
        } else {
            ("var.vpc_cidr", "lb")
        };
        if self.is(FaultKind::InstanceDenyShadowsApp) {
            s.push_str(&nacl_standalone(
                "app_deny_app_port",
                90,
                false,
                "deny",
                peer,
                "local.app_port",
                "local.app_port",
            ));
        }
        s.push_str(&nacl_standalone(
            &format!("app_from_{peer_name}"),
            100,
            false,
            "allow",
            peer,
            "local.app_port",
            "local.health_port",
        ));
        let app_reply_from = if self.is(FaultKind::ShortInstanceReplies) {
            "32768"
        } else {
            "local.ephemeral_from"
        };
        s.push_str(&nacl_standalone(
            &format!("app_replies_to_{peer_name}"),
            100,
            true,
            "allow",
            peer,
            app_reply_from,
            "local.ephemeral_to",
        ));
        s
    }

    /// The listener ports, in order.
    fn listener_ports(&self) -> Vec<u16> {
        self.listeners
            .iter()
            .map(|l| l.0)
            .chain(self.v2.listeners.iter().map(|l| l.0))
            .collect()
    }

    fn security(&self) -> String {
        if self.kind == StackKind::Nlb && !self.v2.lb_groups {
            return self.security_without_lb_group();
        }
        let ingress = if self.dynamic_blocks {
            LB_INGRESS_DYNAMIC_TF.to_string()
        } else {
            let ports: Vec<u16> = if self.is(FaultKind::LbIngressMissesListener) {
                self.listener_ports().into_iter().skip(1).collect()
            } else {
                self.listener_ports()
            };
            ports
                .iter()
                .map(|p| fill(LB_INGRESS_STATIC_TF, &[("PORT", p.to_string())]))
                .collect()
        };
        let mut egress = String::new();
        if !self.is(FaultKind::DropLbEgress) {
            egress.push_str(&fill(
                LB_EGRESS_TF,
                &[
                    ("PORT", "local.app_port".into()),
                    ("WHAT", "Application port on the instances".into()),
                ],
            ));
        }
        if self.separate_health {
            egress.push_str(&fill(
                LB_EGRESS_TF,
                &[
                    ("PORT", "local.health_port".into()),
                    ("WHAT", "Health check on the instances".into()),
                ],
            ));
        }
        let (who, description) = match self.kind {
            StackKind::Ecs => ("tasks'", "Tasks"),
            _ => ("instances'", "Application servers"),
        };
        let mut s = fill(
            SECURITY_TF,
            &[
                ("INGRESS", ingress),
                ("EGRESS", egress),
                ("WHO", who.to_string()),
                ("DESCRIPTION", description.to_string()),
            ],
        );
        if self.is(FaultKind::TaskGroupAdmitsListenerPort) {
            // The listener port, where the container port was meant.
            s.push_str(&APP_SG_RULE_TF.replace("local.app_port", "local.listener_ports[0]"));
        } else if self.is(FaultKind::TargetsAdmitOnlyVpc) {
            // The NLB's nodes are in the VPC, but the clients' own addresses reach the targets.
            s.push_str(&fill(
                APP_CIDR_RULE_TF,
                &[
                    ("NAME", "app_from_lb".to_string()),
                    ("CIDR", "var.vpc_cidr".to_string()),
                ],
            ));
        } else if !self.is(FaultKind::DropInstanceIngress) {
            s.push_str(APP_SG_RULE_TF);
        }
        if self.separate_health && !self.is(FaultKind::DropHealthIngress) {
            s.push_str(APP_HEALTH_RULE_TF);
        }
        s.push_str(APP_VPC_RULES_TF);
        s
    }

    /// An NLB without security groups: nothing filters at the LB, and its instance targets
    /// see the clients' own addresses (client IP preservation), so their group admits the
    /// clients on the application port, and the LB's nodes (the VPC) on the health-check port.
    fn security_without_lb_group(&self) -> String {
        let mut s = APP_ONLY_SECURITY_TF.to_string();
        let cidr = if self.is(FaultKind::TargetsAdmitOnlyVpc) {
            "var.vpc_cidr"
        } else {
            "local.client_cidr"
        };
        s.push_str(&fill(
            APP_CIDR_RULE_TF,
            &[
                ("NAME", "app_from_clients".to_string()),
                ("CIDR", cidr.to_string()),
            ],
        ));
        if self.separate_health {
            s.push_str(APP_HEALTH_FROM_VPC_TF);
        }
        s.push_str(APP_VPC_RULES_TF);
        s
    }

    fn compute(&self) -> String {
        let listeners = if self.dynamic_blocks {
            LISTENER_DYNAMIC_TF.to_string()
        } else {
            (0..self.listeners.len())
                .map(|n| fill(LISTENER_STATIC_TF, &[("N", n.to_string())]))
                .collect()
        };
        let instances_attr = if self.asg {
            String::new()
        } else if self.subnets_for_each {
            "  instances       = [for i in aws_instance.web : i.id]\n".to_string()
        } else {
            "  instances       = aws_instance.web[*].id\n".to_string()
        };
        let mut s = fill(
            ELB_TF,
            &[
                ("SUBNETS", self.subnet_ids("public")),
                ("INSTANCES", instances_attr),
                ("LISTENERS", listeners),
            ],
        );
        if self.asg {
            let attach = if self.asg_attachment {
                ASG_ATTACHMENT_TF.to_string()
            } else {
                String::new()
            };
            let lbs = if self.asg_attachment {
                String::new()
            } else {
                "  load_balancers      = [aws_elb.web.name]\n".to_string()
            };
            s.push_str(&fill(
                ASG_TF,
                &[
                    ("SUBNETS", self.subnet_ids("app")),
                    ("LBS", lbs),
                    ("ATTACH", attach),
                    ("SIZE", self.azs.to_string()),
                ],
            ));
        } else if self.subnets_for_each {
            s.push_str(INSTANCES_FOR_EACH_TF);
        } else {
            s.push_str(INSTANCES_COUNT_TF);
        }
        s
    }

    /// `compute.tf` of an ALB, NLB or ECS stack: the load balancer, its target groups and
    /// listeners, and what is registered in the groups.
    fn compute_v2(&self) -> String {
        let nlb = self.kind == StackKind::Nlb;
        let ecs = self.kind == StackKind::Ecs;
        let v2 = &self.v2;
        let mut s = String::new();
        // The load balancer.
        let _ = write!(
            s,
            "resource \"aws_lb\" \"web\" {{\n  name               = local.name\n  internal           = var.internal\n"
        );
        if nlb {
            s.push_str("  load_balancer_type = \"network\"\n");
        } else if v2.explicit {
            s.push_str("  load_balancer_type = \"application\"\n");
        }
        if v2.lb_groups {
            s.push_str("  security_groups    = [aws_security_group.lb.id]\n");
        }
        let _ = writeln!(s, "  subnets            = {}", self.subnet_ids("public"));
        if nlb && v2.cross_zone {
            s.push_str("\n  enable_cross_zone_load_balancing = true\n");
        } else if !nlb {
            s.push_str("  idle_timeout       = 60\n");
        }
        s.push_str("\n  tags = merge(local.tags, { Name = local.name })\n}\n");

        // The target groups.
        s.push_str(&self.target_group("web"));
        if v2.api_rule {
            s.push_str(&self.target_group("api"));
        }

        // The listeners.
        let forwards_all = v2.listeners.iter().all(|l| !l.2);
        let main = if self.dynamic_blocks && forwards_all {
            let secure = v2.listeners.iter().map(|l| l.1).find(|p| is_secure(p));
            let tls = match secure {
                Some(p) => format!(
                    "  ssl_policy        = each.value.protocol == \"{p}\" ? \"{SSL_POLICY}\" : null\n  certificate_arn   = each.value.protocol == \"{p}\" ? var.certificate_arn : null\n"
                ),
                None => String::new(),
            };
            let _ = write!(
                s,
                "\nresource \"aws_lb_listener\" \"web\" {{\n  for_each          = {{ for l in local.listeners : l.protocol => l }}\n  load_balancer_arn = aws_lb.web.arn\n  port              = each.value.port\n  protocol          = each.value.protocol\n{tls}\n{}}}\n",
                self.forward_action("web")
            );
            let last = v2.listeners.last().expect("a listener").1;
            (
                format!("aws_lb_listener.web[\"{last}\"]"),
                "aws_lb_listener.web".to_string(),
            )
        } else {
            let mut main = String::new();
            for (n, (_, proto, redirect)) in v2.listeners.iter().enumerate() {
                let name = proto.to_ascii_lowercase();
                let tls = if is_secure(proto) {
                    format!("  ssl_policy        = \"{SSL_POLICY}\"\n  certificate_arn   = var.certificate_arn\n")
                } else {
                    String::new()
                };
                let action = if *redirect {
                    format!(
                        "  default_action {{\n    type = \"redirect\"\n\n    redirect {{\n      port        = tostring(local.listeners[{}].port)\n      protocol    = \"HTTPS\"\n      status_code = \"HTTP_301\"\n    }}\n  }}\n",
                        n + 1
                    )
                } else {
                    main = format!("aws_lb_listener.{name}");
                    self.forward_action("web")
                };
                let _ = write!(
                    s,
                    "\nresource \"aws_lb_listener\" \"{name}\" {{\n  load_balancer_arn = aws_lb.web.arn\n  port              = local.listeners[{n}].port\n  protocol          = local.listeners[{n}].protocol\n{tls}\n{action}}}\n"
                );
            }
            (main.clone(), main)
        };
        let (main_listener, depends_on) = main;
        if v2.api_rule {
            // The fault: a copy of the default action's group, so `api` receives nothing.
            let group = if self.is(FaultKind::RuleForwardsToWrongGroup) {
                "web"
            } else {
                "api"
            };
            s.push_str(&fill(
                API_RULE_TF,
                &[("LISTENER", main_listener), ("GROUP", group.to_string())],
            ));
        }

        // What the groups send to.
        let groups: &[&str] = if v2.api_rule {
            &["web", "api"]
        } else {
            &["web"]
        };
        if ecs {
            s.push_str(&self.ecs(&depends_on));
        } else if self.asg {
            let arns: Vec<String> = groups
                .iter()
                .map(|g| format!("aws_lb_target_group.{g}.arn"))
                .collect();
            let (lbs, attach) = if self.asg_attachment {
                let attach: String = groups
                    .iter()
                    .map(|g| fill(ASG_TG_ATTACHMENT_TF, &[("GROUP", g.to_string())]))
                    .collect();
                (String::new(), attach)
            } else {
                (
                    format!("  target_group_arns   = [{}]\n", arns.join(", ")),
                    String::new(),
                )
            };
            s.push_str(&fill(
                ASG_TF,
                &[
                    ("SUBNETS", self.subnet_ids("app")),
                    ("LBS", lbs),
                    ("ATTACH", attach),
                    ("SIZE", self.azs.to_string()),
                ],
            ));
        } else {
            s.push_str(if self.subnets_for_each {
                INSTANCES_FOR_EACH_TF
            } else {
                INSTANCES_COUNT_TF
            });
            for g in groups {
                let (each, target) = if self.subnets_for_each {
                    ("for_each         = aws_instance.web", "each.value.id")
                } else {
                    (
                        "count            = length(var.azs)",
                        "aws_instance.web[count.index].id",
                    )
                };
                let port = if v2.attach_port {
                    "  port             = local.app_port\n"
                } else {
                    ""
                };
                let _ = write!(
                    s,
                    "\nresource \"aws_lb_target_group_attachment\" \"{g}\" {{\n  {each}\n  target_group_arn = aws_lb_target_group.{g}.arn\n  target_id        = {target}\n{port}}}\n"
                );
            }
        }
        s
    }

    /// A listener's action that forwards to target group `group`.
    fn forward_action(&self, group: &str) -> String {
        if self.v2.forward_block {
            format!(
                "  default_action {{\n    type = \"forward\"\n\n    forward {{\n      target_group {{\n        arn = aws_lb_target_group.{group}.arn\n      }}\n    }}\n  }}\n"
            )
        } else {
            format!(
                "  default_action {{\n    type             = \"forward\"\n    target_group_arn = aws_lb_target_group.{group}.arn\n  }}\n"
            )
        }
    }

    /// Target group `name` (`web` or `api`) of the stack's LB.
    fn target_group(&self, name: &str) -> String {
        let v2 = &self.v2;
        let nlb = self.kind == StackKind::Nlb;
        let port = if self.separate_health {
            "local.health_port"
        } else {
            "\"traffic-port\""
        };
        let mut s = format!(
            "\nresource \"aws_lb_target_group\" \"{name}\" {{\n  name                 = \"${{local.name}}-{name}\"\n  port                 = local.app_port\n  protocol             = \"{}\"\n  vpc_id               = aws_vpc.main.id\n",
            if nlb { "TCP" } else { "HTTP" }
        );
        if self.kind == StackKind::Ecs {
            s.push_str("  target_type          = \"ip\"\n");
        } else if v2.explicit {
            s.push_str("  target_type          = \"instance\"\n");
        }
        if nlb && v2.preserve_ip {
            s.push_str("  preserve_client_ip   = true\n");
        }
        s.push_str("  deregistration_delay = 30\n");
        let path = if name == "api" {
            "/api/health"
        } else {
            "/health"
        };
        if nlb && self.is(FaultKind::TcpHealthCheckWithoutProtocol) {
            // The fault: Terraform fills in HTTP, not AWS's TCP default for a TCP group.
            s.push_str("\n  health_check {\n");
            if self.separate_health {
                let _ = writeln!(s, "    port     = {port}");
            }
            s.push_str("    interval = 10\n  }\n");
        } else if nlb {
            match v2.nlb_health {
                0 => {}
                1 => {
                    let _ = write!(
                        s,
                        "\n  health_check {{\n    protocol            = \"TCP\"\n    port                = {port}\n    interval            = 10\n    healthy_threshold   = 3\n    unhealthy_threshold = 3\n  }}\n"
                    );
                }
                _ => {
                    let _ = write!(
                        s,
                        "\n  health_check {{\n    protocol            = \"HTTP\"\n    path                = \"{path}\"\n    port                = {port}\n    matcher             = \"200-399\"\n    interval            = 10\n    healthy_threshold   = 3\n    unhealthy_threshold = 3\n  }}\n"
                    );
                }
            }
        } else {
            let port_line = if self.separate_health || v2.explicit {
                format!("    port                = {port}\n")
            } else {
                String::new()
            };
            let _ = write!(
                s,
                "\n  health_check {{\n    path                = \"{path}\"\n{port_line}    protocol            = \"HTTP\"\n    matcher             = \"200\"\n    interval            = 15\n    timeout             = 5\n    healthy_threshold   = 2\n    unhealthy_threshold = 3\n  }}\n"
            );
        }
        s.push_str("\n  tags = local.tags\n}\n");
        s
    }

    /// The ECS cluster, task definition and `awsvpc` service behind target group `web`.
    fn ecs(&self, depends_on: &str) -> String {
        let health_mapping = if self.separate_health {
            "\n        { containerPort = local.health_port, protocol = \"tcp\" },"
        } else {
            ""
        };
        let (providers, launch) = if self.v2.capacity_provider {
            (
                ECS_PROVIDERS_TF,
                "\n  capacity_provider_strategy {\n    capacity_provider = \"FARGATE_SPOT\"\n    weight            = 1\n  }\n",
            )
        } else {
            ("", "  launch_type     = \"FARGATE\"\n")
        };
        fill(
            ECS_TF,
            &[
                ("PROVIDERS", providers.to_string()),
                ("HEALTH_MAPPING", health_mapping.to_string()),
                ("LAUNCH", launch.to_string()),
                ("SUBNETS", self.subnet_ids("app")),
                ("DEPENDS_ON", depends_on.to_string()),
            ],
        )
    }
}

fn nacl_inline(dir: &str, rule_no: u16, action: &str, cidr: &str, from: &str, to: &str) -> String {
    format!(
        "
  {dir} {{
    rule_no    = {rule_no}
    action     = \"{action}\"
    protocol   = \"tcp\"
    cidr_block = {cidr}
    from_port  = {from}
    to_port    = {to}
  }}
"
    )
}

#[allow(clippy::too_many_arguments)]
fn nacl_standalone(
    name: &str,
    rule_no: u16,
    egress: bool,
    action: &str,
    cidr: &str,
    from: &str,
    to: &str,
) -> String {
    format!(
        "
resource \"aws_network_acl_rule\" \"{name}\" {{
  network_acl_id = aws_network_acl.app.id
  rule_number    = {rule_no}
  egress         = {egress}
  protocol       = \"tcp\"
  rule_action    = \"{action}\"
  cidr_block     = {cidr}
  from_port      = {from}
  to_port        = {to}
}}
"
    )
}

const VARIABLES_TF: &str = r#"# @TEAM@/@SERVICE@ (@ENV@): @WHAT@ in front of the @SERVICE@ service.
# Generated stack @INDEX@.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "@REGION@"
}

variable "vpc_cidr" {
  type    = string
  default = "10.@OCTET@.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = @AZS@
}

variable "app_port" {
  type    = number
  default = @APP_PORT@
}

variable "internal" {
  type    = bool
  default = @INTERNAL@
}

@EXTRA_VARS@locals {
  name = "@TEAM@-@SERVICE@-@ENV@"

@TAGS@

  listeners = [
@LISTENERS@
  ]

  listener_ports = [for l in local.listeners : l.@PORT_KEY@]
  client_ports   = @CLIENT_PORTS@
  client_cidr    = @CLIENT_CIDR@

  app_port    = var.app_port
  health_port = @HEALTH_PORT@

  ephemeral_from = 1024
  ephemeral_to   = 65535
@SUBNET_LOCALS@}
"#;

const NETWORK_VPC_TF: &str = r#"resource "aws_vpc" "main" {
  cidr_block           = var.vpc_cidr
  enable_dns_hostnames = true

  tags = merge(local.tags, { Name = "${local.name}-vpc" })
}

resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}
"#;

const SUBNET_COUNT_TF: &str = r#"
resource "aws_subnet" "@NAME@" {
  count                   = length(var.azs)
  vpc_id                  = aws_vpc.main.id
  cidr_block              = cidrsubnet(var.vpc_cidr, 8, @OFFSET@ + count.index)
  availability_zone       = var.azs[count.index]
  map_public_ip_on_launch = @PUBLIC@
}
"#;

const SUBNET_FOR_EACH_TF: &str = r#"
resource "aws_subnet" "@NAME@" {
  for_each                = local.@NAME@_subnets
  vpc_id                  = aws_vpc.main.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = @PUBLIC@
}
"#;

const ROUTES_TF: &str = r#"
resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id

  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}
"#;

const ASSOC_COUNT_TF: &str = r#"
resource "aws_route_table_association" "@NAME@" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.@NAME@[count.index].id
  route_table_id = aws_route_table.@TABLE@.id
}
"#;

const ASSOC_FOR_EACH_TF: &str = r#"
resource "aws_route_table_association" "@NAME@" {
  for_each       = aws_subnet.@NAME@
  subnet_id      = each.value.id
  route_table_id = aws_route_table.@TABLE@.id
}
"#;

const NACL_PUBLIC_TF: &str = r#"resource "aws_network_acl" "public" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = @SUBNETS@
@RULES@
}
"#;

const NACL_APP_TF: &str = r#"
resource "aws_network_acl" "app" {
  vpc_id     = aws_vpc.main.id
  subnet_ids = @SUBNETS@
}
"#;

const SECURITY_TF: &str = r#"# The load balancer's group keeps its rules inline.
resource "aws_security_group" "lb" {
  name        = "${local.name}-lb"
  description = "Load balancer of ${local.name}"
  vpc_id      = aws_vpc.main.id
@INGRESS@@EGRESS@}

# The @WHO@ group takes its rules from rule resources only.
resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "@DESCRIPTION@ of ${local.name}"
  vpc_id      = aws_vpc.main.id
}
"#;

const LB_INGRESS_DYNAMIC_TF: &str = r#"
  dynamic "ingress" {
    for_each = toset(local.client_ports)
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [local.client_cidr]
    }
  }
"#;

const LB_INGRESS_STATIC_TF: &str = r#"
  ingress {
    from_port   = @PORT@
    to_port     = @PORT@
    protocol    = "tcp"
    cidr_blocks = [local.client_cidr]
  }
"#;

const LB_EGRESS_TF: &str = r#"
  egress {
    from_port       = @PORT@
    to_port         = @PORT@
    protocol        = "tcp"
    security_groups = [aws_security_group.app.id]
  }
"#;

const APP_SG_RULE_TF: &str = r#"
resource "aws_security_group_rule" "app_from_lb" {
  type                     = "ingress"
  security_group_id        = aws_security_group.app.id
  from_port                = local.app_port
  to_port                  = local.app_port
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.lb.id
}
"#;

const APP_HEALTH_RULE_TF: &str = r#"
resource "aws_vpc_security_group_ingress_rule" "app_health_from_lb" {
  security_group_id            = aws_security_group.app.id
  ip_protocol                  = "tcp"
  from_port                    = local.health_port
  to_port                      = local.health_port
  referenced_security_group_id = aws_security_group.lb.id
}
"#;

const APP_CIDR_RULE_TF: &str = r#"
resource "aws_security_group_rule" "@NAME@" {
  type              = "ingress"
  security_group_id = aws_security_group.app.id
  from_port         = local.app_port
  to_port           = local.app_port
  protocol          = "tcp"
  cidr_blocks       = [@CIDR@]
}
"#;

const APP_HEALTH_FROM_VPC_TF: &str = r#"
resource "aws_vpc_security_group_ingress_rule" "app_health_from_lb" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "tcp"
  from_port         = local.health_port
  to_port           = local.health_port
  cidr_ipv4         = var.vpc_cidr
}
"#;

const APP_ONLY_SECURITY_TF: &str = r#"# The load balancer has no security group: nothing filters at the LB, and the instances
# see the clients' own addresses (client IP preservation).
resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "Application servers of ${local.name}"
  vpc_id      = aws_vpc.main.id
}
"#;

const APP_VPC_RULES_TF: &str = r#"
resource "aws_vpc_security_group_ingress_rule" "app_path_mtu" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "icmp"
  from_port         = 3
  to_port           = 4
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "app_https_out" {
  security_group_id = aws_security_group.app.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
"#;

const ELB_TF: &str = r#"resource "aws_elb" "web" {
  name            = local.name
  internal        = var.internal
  subnets         = @SUBNETS@
  security_groups = [aws_security_group.lb.id]
@INSTANCES@
  cross_zone_load_balancing   = true
  connection_draining         = true
@LISTENERS@
  health_check {
    target              = "HTTP:${local.health_port}/health"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = merge(local.tags, { Name = local.name })
}
"#;

const LISTENER_DYNAMIC_TF: &str = r#"
  dynamic "listener" {
    for_each = local.listeners
    content {
      lb_port           = listener.value.lb_port
      lb_protocol       = listener.value.lb_protocol
      instance_port     = local.app_port
      instance_protocol = listener.value.instance_protocol
    }
  }
"#;

const LISTENER_STATIC_TF: &str = r#"
  listener {
    lb_port           = local.listeners[@N@].lb_port
    lb_protocol       = local.listeners[@N@].lb_protocol
    instance_port     = local.app_port
    instance_protocol = local.listeners[@N@].instance_protocol
  }
"#;

const INSTANCES_COUNT_TF: &str = r#"
resource "aws_instance" "web" {
  count                  = length(var.azs)
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  subnet_id              = aws_subnet.app[count.index].id
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = merge(local.tags, { Name = "${local.name}-${count.index}" })
}
"#;

const INSTANCES_FOR_EACH_TF: &str = r#"
resource "aws_instance" "web" {
  for_each               = aws_subnet.app
  ami                    = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  subnet_id              = each.value.id
  vpc_security_group_ids = [aws_security_group.app.id]

  tags = merge(local.tags, { Name = "${local.name}-${each.key}" })
}
"#;

const ASG_TF: &str = r#"
resource "aws_launch_template" "web" {
  name_prefix            = "${local.name}-"
  image_id               = "ami-0123456789abcdef0"
  instance_type          = "t3.small"
  vpc_security_group_ids = [aws_security_group.app.id]
}

resource "aws_autoscaling_group" "web" {
  name                = local.name
  min_size            = @SIZE@
  max_size            = @SIZE@ * 2
  desired_capacity    = @SIZE@
  vpc_zone_identifier = @SUBNETS@
  health_check_type   = "ELB"
@LBS@
  launch_template {
    id      = aws_launch_template.web.id
    version = "$Latest"
  }
}
@ATTACH@"#;

const ASG_ATTACHMENT_TF: &str = r#"
resource "aws_autoscaling_attachment" "web" {
  autoscaling_group_name = aws_autoscaling_group.web.id
  elb                    = aws_elb.web.id
}
"#;

/// True for the listener protocols that terminate TLS (they need a certificate).
fn is_secure(protocol: &str) -> bool {
    matches!(protocol, "HTTPS" | "TLS")
}

const SSL_POLICY: &str = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const API_RULE_TF: &str = r#"
resource "aws_lb_listener_rule" "api" {
  listener_arn = @LISTENER@.arn
  priority     = 100

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.@GROUP@.arn
  }

  condition {
    path_pattern {
      values = ["/api/*"]
    }
  }
}
"#;

const ASG_TG_ATTACHMENT_TF: &str = r#"
resource "aws_autoscaling_attachment" "@GROUP@" {
  autoscaling_group_name = aws_autoscaling_group.web.id
  lb_target_group_arn    = aws_lb_target_group.@GROUP@.arn
}
"#;

const ECS_PROVIDERS_TF: &str = r#"
resource "aws_ecs_cluster_capacity_providers" "main" {
  cluster_name       = aws_ecs_cluster.main.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
}
"#;

const ECS_TF: &str = r#"
resource "aws_ecs_cluster" "main" {
  name = local.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}
@PROVIDERS@
resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  network_mode             = "awsvpc"
  requires_compatibilities = ["FARGATE"]
  cpu                      = 256
  memory                   = 512

  container_definitions = jsonencode([
    {
      name      = "app"
      image     = "public.ecr.aws/docker/library/nginx:1.27"
      essential = true
      portMappings = [
        { containerPort = local.app_port, protocol = "tcp" },@HEALTH_MAPPING@
      ]
    }
  ])
}

resource "aws_ecs_service" "app" {
  name            = local.name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  desired_count   = length(var.azs)
@LAUNCH@
  network_configuration {
    subnets          = @SUBNETS@
    security_groups  = [aws_security_group.app.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.web.arn
    container_name   = "app"
    container_port   = local.app_port
  }

  depends_on = [@DEPENDS_ON@]
}
"#;

//! A generator of synthetic Terraform monorepos for benchmarks and scale tests.
//!
//! [`generate`] writes `N` roots under an output directory. Every root is a realistic Classic
//! Load Balancer stack in five files:
//!
//! - `variables.tf`: the provider, input variables with defaults, and locals; every port goes
//!   through a variable and a local;
//! - `network.tf`: a VPC, public and application subnets (`count` or `for_each`), an internet
//!   gateway and route tables;
//! - `nacl.tf`: a custom network ACL with inline rules on the public subnets, and one with
//!   `aws_network_acl_rule` resources on the application subnets;
//! - `security.tf`: the LB's group with inline rules (static or `dynamic`), and the instances'
//!   group with `aws_security_group_rule` and `aws_vpc_security_group_ingress_rule` /
//!   `egress_rule` resources (the two groups never mix inline and standalone rules);
//! - `compute.tf`: the `aws_elb` with listeners and a health check, and either instances or an
//!   Auto Scaling group with a launch template.
//!
//! With [`GenOptions::shared_module`], every stack also has a `tags.tf` that calls a module
//! shared by all of them (`modules/tags`, written once) and takes its tags from it, as stacks
//! of a monorepo with shared modules do.
//!
//! Everything is known before apply, the instance groups admit ICMP type 3 code 4 and every LB
//! has a health check, so a clean stack produces no finding at all. A deterministic fraction of
//! the stacks carries one injected [`FaultKind`]; [`generate`] returns them and writes them to
//! `FAULTS.txt` (`root CODE[,CODE] kind`, one line per faulty root).
//!
//! The same seed and options always produce the same bytes. The file is shared by the
//! `gen_monorepo` example, the benchmarks and `tests/generated.rs` through `#[path]`.

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
}

impl Default for GenOptions {
    fn default() -> GenOptions {
        GenOptions {
            stacks: 100,
            fault_rate: 0.1,
            seed: 1,
            shared_module: false,
        }
    }
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl FaultKind {
    pub const ALL: [FaultKind; 8] = [
        FaultKind::DropInstanceIngress,
        FaultKind::DropLbEgress,
        FaultKind::LbIngressMissesListener,
        FaultKind::ShortLbReplies,
        FaultKind::ShortInstanceReplies,
        FaultKind::LbDenyShadowsListener,
        FaultKind::InstanceDenyShadowsApp,
        FaultKind::DropLbReplyIngress,
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
        }
    }
}

/// A faulty root and what it must produce.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The root relative to the output directory, with `/` separators.
    pub root: String,
    pub kind: FaultKind,
}

/// What was written.
#[derive(Debug, Clone, Default)]
pub struct Generated {
    /// Every root relative to the output directory, with `/` separators, in order.
    pub roots: Vec<String>,
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

/// Which stacks are faulty, and how: exactly `round(stacks * rate)` of them, spread by the seed.
fn fault_plan(opts: &GenOptions) -> Vec<Option<FaultKind>> {
    let rate = opts.fault_rate.clamp(0.0, 1.0);
    let faulty = ((opts.stacks as f64) * rate).round() as usize;
    let mut order: Vec<usize> = (0..opts.stacks).collect();
    let mut rng = Rng::new(opts.seed ^ 0x5eed_fa17);
    for i in (1..order.len()).rev() {
        let j = rng.below(i + 1);
        order.swap(i, j);
    }
    let mut plan = vec![None; opts.stacks];
    for (n, &i) in order.iter().take(faulty).enumerate() {
        // Cycle through the kinds so that every kind appears once there are eight faults.
        plan[i] = Some(FaultKind::ALL[n % FaultKind::ALL.len()]);
    }
    plan
}

/// Writes the monorepo under `out` (created if needed) and its `FAULTS.txt`.
pub fn generate(out: &Path, opts: &GenOptions) -> std::io::Result<Generated> {
    std::fs::create_dir_all(out)?;
    let plan = fault_plan(opts);
    let mut generated = Generated::default();
    if opts.shared_module {
        let dir = out.join("modules/tags");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("main.tf"), TAGS_MODULE)?;
        generated.files += 1;
        generated.bytes += TAGS_MODULE.len() as u64;
    }
    for (i, fault) in plan.iter().enumerate() {
        let rel = root_dir(i);
        let dir: PathBuf = out.join(&rel);
        std::fs::create_dir_all(&dir)?;
        let stack = Stack::new(i, opts.seed, *fault);
        for (name, text) in stack.files(opts.shared_module) {
            generated.bytes += text.len() as u64;
            generated.files += 1;
            std::fs::write(dir.join(name), text)?;
        }
        if let Some(kind) = fault {
            generated.faults.push(Fault {
                root: rel.clone(),
                kind: *kind,
            });
        }
        generated.roots.push(rel);
    }
    let mut manifest = String::new();
    let _ = writeln!(
        manifest,
        "# {} stacks, {} with one injected fault (seed {}, fault rate {}).\n\
         # root expected-codes fault-kind",
        opts.stacks,
        generated.faults.len(),
        opts.seed,
        opts.fault_rate
    );
    for f in &generated.faults {
        let _ = writeln!(
            manifest,
            "{} {} {}",
            f.root,
            f.kind.codes().join(","),
            f.kind.name()
        );
    }
    std::fs::write(out.join("FAULTS.txt"), manifest)?;
    Ok(generated)
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
    index: usize,
    fault: Option<FaultKind>,
    team: String,
    service: String,
    env: &'static str,
    region: &'static str,
    azs: usize,
    internal: bool,
    /// (lb_port, lb_protocol, instance_protocol)
    listeners: Vec<(u16, &'static str, &'static str)>,
    app_port: u16,
    /// Health checks on a port of their own (app_port + 1) rather than the application port.
    separate_health: bool,
    subnets_for_each: bool,
    dynamic_blocks: bool,
    asg: bool,
    asg_attachment: bool,
    vpc_second_octet: usize,
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
    fn new(index: usize, seed: u64, fault: Option<FaultKind>) -> Stack {
        let mut rng = Rng::new(seed.wrapping_mul(0x100_0000_01b3) ^ (index as u64) << 1);
        let listeners = match rng.below(3) {
            0 => vec![(80, "http", "http")],
            1 => vec![(443, "https", "http")],
            _ => vec![(80, "http", "http"), (443, "https", "http")],
        };
        Stack {
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
        }
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
            ("compute.tf", self.compute()),
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
        let listeners: Vec<String> = self
            .listeners
            .iter()
            .map(|(port, proto, iproto)| {
                format!(
                    "    {{ lb_port = {port}, lb_protocol = \"{proto}\", instance_protocol = \"{iproto}\" }},"
                )
            })
            .collect();
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
        for (n, (port, _, _)) in self.listeners.iter().enumerate() {
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
        if self.is(FaultKind::InstanceDenyShadowsApp) {
            s.push_str(&nacl_standalone(
                "app_deny_app_port",
                90,
                false,
                "deny",
                "var.vpc_cidr",
                "local.app_port",
                "local.app_port",
            ));
        }
        s.push_str(&nacl_standalone(
            "app_from_lb",
            100,
            false,
            "allow",
            "var.vpc_cidr",
            "local.app_port",
            "local.health_port",
        ));
        let app_reply_from = if self.is(FaultKind::ShortInstanceReplies) {
            "32768"
        } else {
            "local.ephemeral_from"
        };
        s.push_str(&nacl_standalone(
            "app_replies_to_lb",
            100,
            true,
            "allow",
            "var.vpc_cidr",
            app_reply_from,
            "local.ephemeral_to",
        ));
        s
    }

    fn security(&self) -> String {
        let ingress = if self.dynamic_blocks {
            LB_INGRESS_DYNAMIC_TF.to_string()
        } else {
            let ports: Vec<u16> = if self.is(FaultKind::LbIngressMissesListener) {
                self.listeners.iter().skip(1).map(|l| l.0).collect()
            } else {
                self.listeners.iter().map(|l| l.0).collect()
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
        let mut s = fill(SECURITY_TF, &[("INGRESS", ingress), ("EGRESS", egress)]);
        if !self.is(FaultKind::DropInstanceIngress) {
            s.push_str(APP_SG_RULE_TF);
        }
        if self.separate_health {
            s.push_str(APP_HEALTH_RULE_TF);
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

const VARIABLES_TF: &str = r#"# @TEAM@/@SERVICE@ (@ENV@): a Classic Load Balancer in front of the @SERVICE@ service.
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

locals {
  name = "@TEAM@-@SERVICE@-@ENV@"

@TAGS@

  listeners = [
@LISTENERS@
  ]

  listener_ports = [for l in local.listeners : l.lb_port]
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

# The instances' group takes its rules from rule resources only.
resource "aws_security_group" "app" {
  name        = "${local.name}-app"
  description = "Application servers of ${local.name}"
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

//! The typed AWS network built from evaluated resources: VPCs, subnets, security groups with
//! their rules from every rule style, network ACLs, load balancers (Classic, and Application and
//! Network with their listeners and target groups) and the targets registered with them. Every
//! field keeps the span it came from. It knows AWS and nothing of the rules.

mod build;
mod default_vpc;
mod elbv2;
mod filters;
mod ids;
mod routes;
mod targets;

pub use build::build;
pub use ids::{GroupId, Id, LbId, NaclId, SubnetId, Table, TgId, VpcId};

use crate::algebra::addrs::AddrSet;
use crate::algebra::ports::PortSet;
use crate::algebra::protocol::Protocol;
use crate::eval::Unknown;
use crate::source::Span;
use std::sync::Arc;

/// A value the model needs, or why it cannot be known before apply.
pub type Known<T> = Result<T, Unknown>;

/// The CIDR of every default VPC.
pub const DEFAULT_VPC_CIDR: &str = "172.31.0.0/16";

#[derive(Debug, Default)]
pub struct Network {
    pub vpcs: Table<VpcId, Vpc>,
    pub subnets: Table<SubnetId, Subnet>,
    pub groups: Table<GroupId, SecurityGroup>,
    pub nacls: Table<NaclId, Nacl>,
    pub lbs: Table<LbId, LoadBalancer>,
    /// ELBv2 target groups, whether or not a listener forwards to them.
    pub target_groups: Table<TgId, TargetGroup>,
    /// Why the network ACL of the default VPC's subnets ([`Placement::DefaultVpc`]) is not
    /// known: the configuration manages the default VPC's default ACL, or associates an ACL
    /// with subnets that may be the default VPC's. `None`: AWS's allow-all default ACL.
    pub default_vpc_nacl: Option<Unknown>,
    /// Auto Scaling groups that register with a Classic LB named by a value known only after
    /// apply (`load_balancers = [var.elb_name]`): the group, why the LB is unknown, and where.
    pub unknown_registrations: Vec<(Arc<str>, Unknown, Span)>,
}

#[derive(Debug)]
pub struct Vpc {
    pub address: Arc<str>,
    pub span: Span,
    /// All IPv4 CIDRs (primary and associations).
    pub cidrs: Known<AddrSet>,
    pub is_default: bool,
    /// The VPC's default security group (declared or synthesised with AWS's defaults).
    pub default_group: Option<GroupId>,
    /// `aws_default_network_acl` of this VPC, if declared; otherwise AWS's allow-all default.
    pub default_nacl: Option<NaclId>,
}

#[derive(Debug)]
pub struct Subnet {
    pub address: Arc<str>,
    pub span: Span,
    pub vpc: Option<VpcId>,
    pub cidr: Known<AddrSet>,
    pub az: Option<String>,
    /// The effective network ACL; `None` means AWS's default allow-all ACL.
    pub nacl: Option<NaclId>,
    /// Whether the effective route table reaches an internet gateway (`None`: unknown).
    pub public: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }
}

/// The other side of a security group rule.
#[derive(Debug, Clone)]
pub enum Peer {
    Cidr(AddrSet),
    Group(GroupId),
    /// `self = true`: the group itself.
    Myself,
    /// An IPv6 range: never satisfies a Classic LB requirement.
    Ipv6,
    /// The load balancer's source security group (`aws_elb.x.source_security_group_id`).
    LbSourceGroup(LbId),
    /// A prefix list, a group outside the configuration, or an unknown value.
    Unknown(Unknown),
}

#[derive(Debug, Clone)]
pub struct SgRule {
    pub direction: Direction,
    pub protocol: Known<Protocol>,
    /// Ports (all ports when the protocol ignores them). For ICMP: types as `from`.
    pub ports: Known<PortSet>,
    /// Raw from/to for ICMP checks.
    pub icmp: Option<(i64, i64)>,
    pub peers: Vec<Peer>,
    pub span: Span,
    /// Standalone rule resource address, or `None` for an inline block.
    pub standalone: Option<Arc<str>>,
    /// Where each group peer was written (the attribute's expression), so that a suggested
    /// fix can name the same group the way this module does.
    pub group_refs: Vec<(GroupId, Span)>,
}

#[derive(Debug)]
pub struct SecurityGroup {
    pub address: Arc<str>,
    pub span: Span,
    pub vpc: Option<VpcId>,
    pub name: Option<String>,
    pub rules: Vec<SgRule>,
    /// True for a VPC default group that Terraform does not manage (AWS's defaults apply).
    pub synthetic: bool,
    /// Rules from inline blocks exist.
    pub has_inline: bool,
    /// Set when the rule list may be incomplete (e.g. a rule resource whose group is unknown).
    pub incomplete: Option<Unknown>,
}

#[derive(Debug, Clone)]
pub struct NaclRule {
    pub number: i64,
    pub direction: Direction,
    pub allow: bool,
    pub protocol: Known<Protocol>,
    pub cidr: Known<Option<AddrSet>>,
    pub ports: Known<PortSet>,
    pub span: Span,
    /// An inline `ingress`/`egress` block (else an `aws_network_acl_rule`).
    pub inline: bool,
}

#[derive(Debug)]
pub struct Nacl {
    pub address: Arc<str>,
    pub span: Span,
    pub rules: Vec<NaclRule>,
    pub incomplete: Option<Unknown>,
    /// Set when the ACL itself may not exist (its `count`/`for_each` is unknown).
    pub uncertain: Option<Unknown>,
}

#[derive(Debug, Clone)]
pub struct Listener {
    pub lb_port: Known<u16>,
    /// A `UDP` listener of a Network Load Balancer: its traffic needs UDP rules.
    pub udp: bool,
    pub instance_port: Known<u16>,
    pub span: Span,
    pub lb_port_span: Span,
    pub instance_port_span: Span,
}

#[derive(Debug, Clone)]
pub enum HealthCheck {
    /// `health_check { target = "HTTP:8080/" }`.
    Port {
        port: u16,
        span: Span,
    },
    /// No `health_check` block: AWS uses `TCP:80`.
    Default,
    Malformed {
        text: String,
        span: Span,
    },
    /// `target = "HTTP:${var.port}/"`: the port is an unknown value, kept as a symbol that
    /// equals the same value on the listener or in a security group rule.
    Symbol {
        port: Unknown,
        span: Span,
    },
    Unknown(Unknown, Span),
}

/// The groups of an interface, or why they are unknown.
#[derive(Debug, Clone)]
pub enum Groups {
    Known(Vec<GroupId>),
    /// An LB in the default VPC without groups: AWS's `default_elb_*` group, not in Terraform.
    DefaultElb,
    /// A Network Load Balancer without security groups: nothing filters its traffic.
    Unfiltered,
    Unknown(Unknown),
}

/// Where an interface's addresses lie.
#[derive(Debug, Clone)]
pub enum Placement {
    Subnets(Vec<SubnetId>),
    /// Subnets of the default VPC (`172.31.0.0/16`): no subnet given, or subnets that a data
    /// source reads from the default VPC. Which subnets, and so which zones, is not known;
    /// their network ACL is AWS's default unless [`Network::default_vpc_nacl`] says otherwise.
    DefaultVpc,
    Unknown(Unknown),
}

#[derive(Debug, Clone)]
pub struct Target {
    /// `aws_instance.web[0]` or `aws_autoscaling_group.app`.
    pub address: Arc<str>,
    pub span: Span,
    /// Where it is registered with the LB.
    pub registered_at: Span,
    pub groups: Groups,
    pub placement: Placement,
    /// Availability zones given directly (`availability_zone` of an instance,
    /// `availability_zones` of an Auto Scaling group), when there are no subnets.
    pub azs: Vec<String>,
    /// The ports this target receives traffic on when they are not its target group's port:
    /// an attachment's `port`, an ECS container's host port (a dynamic host port is the
    /// range 32768-65535). `None` for the group's port (and for Classic instances).
    pub port: Option<Known<PortSet>>,
}

/// What kind of load balancer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LbKind {
    /// `aws_elb`.
    Classic,
    /// `aws_lb`/`aws_alb` of type `application` (the default).
    Application,
    /// `aws_lb`/`aws_alb` of type `network`.
    Network,
}

/// What an ELBv2 target group's targets are (`target_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetType {
    Instance,
    Ip,
    Lambda,
    Alb,
}

/// The port of an ELBv2 health check.
#[derive(Debug, Clone)]
pub enum HealthPort {
    /// `traffic-port` (the default): the port each target receives traffic on.
    Traffic,
    Port(u16),
    Unknown(Unknown),
}

/// A listener (or listener rule) that forwards to a target group.
#[derive(Debug, Clone)]
pub struct Forward {
    pub lb: LbId,
    /// The listener's port.
    pub port: Known<u16>,
    /// The listener's `port` attribute (or block).
    pub span: Span,
}

/// An ELBv2 target group.
#[derive(Debug)]
pub struct TargetGroup {
    pub address: Arc<str>,
    pub span: Span,
    pub call_sites: Vec<Span>,
    pub port: Known<u16>,
    /// The `port` attribute, else the block.
    pub port_span: Span,
    /// The target group's `protocol`, upper case (`HTTP`, `TCP`, `UDP`, …); `None` when unset
    /// or unknown.
    pub protocol: Option<String>,
    pub target_type: TargetType,
    pub health_port: HealthPort,
    /// The health check's protocol as AWS will use it (`HTTP`, `HTTPS` or `TCP`).
    pub health_protocol: String,
    /// The `health_check` block, and whether it gives a `protocol`.
    pub health_block: Option<(Span, bool)>,
    /// Where the health-check port is written (the `port` of the block), when it is.
    pub health_span: Option<Span>,
    /// Health checks are not disabled (`health_check.enabled = false`).
    pub health_enabled: bool,
    /// Whether targets see the clients' addresses (NLB client IP preservation, with AWS's
    /// defaults when unset).
    pub preserve_client_ip: Known<bool>,
    /// The listeners and listener rules that forward to this group.
    pub forwards: Vec<Forward>,
    /// A listener rule forwards to it from a listener that is not in this configuration.
    pub forwarded_elsewhere: bool,
    pub targets: Known<Vec<Target>>,
}

impl TargetGroup {
    /// True when the group carries UDP (`UDP`, `TCP_UDP`): its traffic needs UDP rules.
    pub fn carries_udp(&self) -> bool {
        matches!(self.protocol.as_deref(), Some("UDP" | "TCP_UDP"))
    }
}

#[derive(Debug)]
pub struct LoadBalancer {
    pub address: Arc<str>,
    pub span: Span,
    pub kind: LbKind,
    pub call_sites: Vec<Span>,
    pub internal: Known<bool>,
    pub listeners: Vec<Listener>,
    pub health: HealthCheck,
    pub groups: Groups,
    /// Span of `security_groups`, when set.
    pub groups_span: Option<Span>,
    pub placement: Placement,
    /// The LB's VPC when it is in the configuration; `None` for the default VPC, or when the
    /// VPC is not known ([`LoadBalancer::vpc_unknown`]).
    pub vpc: Option<VpcId>,
    /// Why the LB's VPC is not known (its subnets and groups do not say), if it is not.
    pub vpc_unknown: Option<Unknown>,
    /// Code written for EC2-Classic: availability zones only (no subnets), and an instance
    /// group rule admits the LB's source security group (`source_security_group[_id]`).
    /// EC2-Classic is retired, so such an LB lives in the default VPC like any other (SPEC
    /// §3.10); only the rule that reports its over-broad instance rules differs (ELB028).
    pub classic: bool,
    pub cross_zone: bool,
    pub azs: Vec<String>,
    /// The `subnets` attribute (or first `subnet_mapping` block), when set.
    pub subnets_span: Option<Span>,
    /// ELBv2: the `subnet_mapping` block of each mapped subnet.
    pub mapping_spans: Vec<(SubnetId, Span)>,
    /// Classic: the registered instances. ELBv2 LBs register targets in target groups.
    pub targets: Known<Vec<Target>>,
    /// ELBv2: the target groups its listeners forward to, in the order first forwarded to.
    pub target_groups: Vec<TgId>,
    /// ELBv2: forwards to target groups that are not in this configuration.
    pub unknown_forwards: Vec<Unknown>,
}

impl LoadBalancer {
    pub fn is_v2(&self) -> bool {
        self.kind != LbKind::Classic
    }

    /// How messages name the LB's kind.
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            LbKind::Classic => "load balancer",
            LbKind::Application => "application load balancer",
            LbKind::Network => "network load balancer",
        }
    }
}

impl Network {
    /// The CIDRs of an LB's VPC: its VPC's, the default VPC's, or unknown when the
    /// configuration does not say which VPC the LB is in.
    pub fn lb_vpc_cidrs(&self, lb: &LoadBalancer) -> Known<AddrSet> {
        if let Some(u) = &lb.vpc_unknown {
            return Err(u.clone());
        }
        match lb.vpc {
            Some(v) => self.vpcs[v].cidrs.clone(),
            None => Ok(AddrSet::parse_cidr(DEFAULT_VPC_CIDR).expect("valid CIDR")),
        }
    }
}

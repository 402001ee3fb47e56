//! Building the [`Network`] from a root's evaluated resources: VPCs, subnets, groups (inline
//! and standalone rules merged), NACLs (inline, standalone, associations, defaults) and LBs.

use super::{
    GroupId, Known, LbId, NaclId, Network, Subnet, SubnetId, Vpc, VpcId, DEFAULT_VPC_CIDR,
};
use crate::algebra::addrs::AddrSet;
use crate::diagnostic::codes::TF004;
use crate::diagnostic::Finding;
use crate::eval::Unknown;
use crate::eval::{EvalAttr, EvalBody, ResourceInstance, RootEval, Value};
use crate::source::Span;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::sync::Arc;

/// Reads an optional attribute as a value.
pub(super) fn attr<'a>(body: &'a EvalBody, name: &str) -> Option<&'a EvalAttr> {
    body.get(name).filter(|a| a.value != Value::Null)
}

pub(super) fn unknown_at(reason: impl Into<String>, span: Span) -> Unknown {
    Unknown::new(reason.into(), Some(span))
}

/// The elements of a list value (a single value counts as one element).
pub(super) fn elements(v: &Value) -> Vec<&Value> {
    match v {
        Value::List(items) => items.iter().flat_map(elements).collect(),
        Value::Null => vec![],
        other => vec![other],
    }
}

/// Converts a value to an unknown, if it is one (or contains one at the top level).
pub(super) fn as_unknown(v: &Value, span: Span) -> Option<Unknown> {
    match v {
        Value::Unknown(u) => Some(Unknown {
            origin: u.origin.or(Some(span)),
            ..u.clone()
        }),
        _ => None,
    }
}

pub(super) struct Builder<'a> {
    pub net: Network,
    pub findings: Vec<Finding>,
    pub by_address: HashMap<&'a str, &'a ResourceInstance>,
    /// Managed resources by type, in the order of the root's list: the builder asks for some
    /// thirty types, and a scan of every resource per type compared each type name each time.
    pub by_type: &'a HashMap<&'a str, Vec<&'a ResourceInstance>>,
    pub vpc_index: HashMap<Arc<str>, VpcId>,
    pub subnet_index: HashMap<Arc<str>, SubnetId>,
    pub group_index: HashMap<Arc<str>, GroupId>,
    pub nacl_index: HashMap<Arc<str>, NaclId>,
    pub lb_index: HashMap<Arc<str>, LbId>,
    /// The default VPC's default group, created on first use.
    pub default_vpc_group: Option<GroupId>,
    /// (LB, target address) pairs already registered.
    pub target_seen: HashSet<(LbId, Arc<str>)>,
}

/// Builds the network of one evaluated root. Wrong argument types are reported as TF004.
pub fn build(root: &RootEval) -> (Network, Vec<Finding>) {
    let by_type = by_type(root);
    let mut b = Builder {
        net: Network::default(),
        findings: Vec::new(),
        by_address: root
            .resources
            .iter()
            .map(|r| (r.address.as_ref(), r))
            .collect(),
        by_type: &by_type,
        vpc_index: HashMap::default(),
        subnet_index: HashMap::default(),
        group_index: HashMap::default(),
        nacl_index: HashMap::default(),
        lb_index: HashMap::default(),
        default_vpc_group: None,
        target_seen: HashSet::default(),
    };
    b.vpcs();
    b.subnets();
    b.index_lbs();
    b.groups();
    b.nacls();
    b.net.default_vpc_nacl = b.default_vpc_nacl();
    b.routes();
    b.lbs();
    b.targets();
    b.elbv2();
    (b.net, b.findings)
}

/// The managed resources of `root` by type, each list in the root's order.
fn by_type(root: &RootEval) -> HashMap<&str, Vec<&ResourceInstance>> {
    let mut out: HashMap<&str, Vec<&ResourceInstance>> = HashMap::default();
    for r in &root.resources {
        if r.mode == crate::eval::Mode::Managed {
            out.entry(r.rtype.as_str()).or_default().push(r);
        }
    }
    out
}

impl<'a> Builder<'a> {
    pub fn of_type(&self, t: &str) -> impl Iterator<Item = &'a ResourceInstance> + 'a {
        self.by_type
            .get(t)
            .map_or(&[][..], |list| &list[..])
            .iter()
            .copied()
    }

    /// The instance a reference value names, with the attribute read.
    pub fn reference(&self, v: &Value) -> Option<(&'a ResourceInstance, crate::syntax::Name)> {
        match v {
            Value::Reference(r) => {
                let inst = self.by_address.get(&*r.address)?;
                Some((inst, r.attribute.clone()))
            }
            _ => None,
        }
    }

    /// Why a value does not name a `what` of this configuration, in words: a data source is
    /// read when Terraform plans, an attribute of another resource is known after apply, and
    /// only anything else is not declared here.
    pub fn not_found(&self, what: &str, v: &Value) -> String {
        match v {
            Value::Reference(r)
                if r.address.starts_with("data.") || r.address.contains(".data.") =>
            {
                format!("{what} {v} comes from a data source, read only when Terraform plans")
            }
            Value::Reference(r) if self.by_address.contains_key(&*r.address) => format!(
                "{what} {v} is an attribute of {}, known only after apply",
                r.address
            ),
            Value::Reference(_) => format!("{what} {v} is not declared in this configuration"),
            Value::String(s) if s.is_empty() => format!(
                "the {what} id is the empty string: what gives it has no value here (e.g. a variable left at an empty default, set by the pipeline); give it with tfvars or --var"
            ),
            Value::String(s) => format!(
                "{what} `{s}` is given as an id: the {what} it names is not in this configuration"
            ),
            _ => format!("{what} {v} is not declared in this configuration"),
        }
    }

    /// The group a reference value names: a declared group, or a VPC's default group through
    /// `aws_vpc.x.default_security_group_id`.
    pub fn group_ref(&self, v: &Value) -> Option<GroupId> {
        let (r, attribute) = self.reference(v)?;
        if let Some(&id) = self.group_index.get(r.address.as_ref()) {
            return Some(id);
        }
        if r.rtype == "aws_vpc" && attribute == "default_security_group_id" {
            let vpc = self.vpc_index.get(r.address.as_ref()).copied()?;
            return self.net.vpcs[vpc].default_group;
        }
        None
    }

    fn vpc_of(&self, body: &EvalBody) -> Option<VpcId> {
        let a = attr(body, "vpc_id")?;
        let (r, _) = self.reference(&a.value)?;
        self.vpc_index.get(&r.address).copied()
    }

    /// A port number argument; wrong types are reported.
    pub fn port(&mut self, body: &EvalBody, name: &str, owner: Span) -> Known<i64> {
        let Some(a) = attr(body, name) else {
            return Err(unknown_at(format!("`{name}` is not set"), owner));
        };
        if let Some(u) = as_unknown(&a.value, a.span) {
            return Err(u);
        }
        if let Value::Reference(_) = &a.value {
            // `from_port = aws_db_instance.db.port`: a number known only after apply.
            return Err(unknown_at(
                format!("the value of {} is known only after apply", a.value),
                a.span,
            ));
        }
        match (a.value.as_i64(), &a.value) {
            (Some(n), _) => Ok(n),
            (None, Value::Number(n)) if n.is_finite() && n.fract() == 0.0 => {
                // A whole number too large for any integer type, e.g. `1e300`.
                let range = if name.ends_with("port") {
                    "the port range 0-65535"
                } else {
                    "the rule numbers 1-32766"
                };
                self.findings.push(Finding::new(
                    &TF004,
                    a.span,
                    format!("`{name}` is {n:e}, far outside {range}"),
                ));
                Err(unknown_at(format!("`{name}` is out of range"), a.span))
            }
            (None, _) => {
                self.findings.push(Finding::new(
                    &TF004,
                    a.span,
                    format!("`{name}` must be a whole number, but it is {}", a.value),
                ));
                Err(unknown_at(format!("`{name}` is not a number"), a.span))
            }
        }
    }

    pub(super) fn cidr(&mut self, a: &EvalAttr) -> Known<AddrSet> {
        if let Some(u) = as_unknown(&a.value, a.span) {
            return Err(u);
        }
        match a.value.as_str().and_then(AddrSet::parse_cidr) {
            Some(c) => Ok(c),
            None => Err(unknown_at(
                format!("{} is not an IPv4 CIDR block", a.value),
                a.span,
            )),
        }
    }

    fn vpcs(&mut self) {
        let mut list: Vec<(&ResourceInstance, bool)> =
            self.of_type("aws_vpc").map(|r| (r, false)).collect();
        list.extend(self.of_type("aws_default_vpc").map(|r| (r, true)));
        for (r, is_default) in list {
            let cidrs = if is_default {
                Ok(AddrSet::parse_cidr(DEFAULT_VPC_CIDR).expect("valid"))
            } else {
                match attr(&r.body, "cidr_block") {
                    Some(a) => self.cidr(a),
                    None => Err(unknown_at(
                        "the VPC's CIDR comes from IPAM at apply",
                        r.span,
                    )),
                }
            };
            self.vpc_index
                .insert(r.address.clone(), self.net.vpcs.next_id());
            self.net.vpcs.push(Vpc {
                address: r.address.clone(),
                span: r.span,
                cidrs,
                is_default,
                default_group: None,
                default_nacl: None,
            });
        }
        let assocs: Vec<&ResourceInstance> = self
            .of_type("aws_vpc_ipv4_cidr_block_association")
            .collect();
        for r in assocs {
            let Some(v) = self.vpc_of(&r.body) else {
                continue;
            };
            let extra = match attr(&r.body, "cidr_block") {
                Some(a) => self.cidr(a),
                None => Err(unknown_at(
                    "the associated CIDR comes from IPAM at apply",
                    r.span,
                )),
            };
            let vpc = &mut self.net.vpcs[v];
            vpc.cidrs = match (&vpc.cidrs, extra) {
                (Ok(a), Ok(b)) => Ok(a.union(&b)),
                (Err(u), _) => Err(u.clone()),
                (_, Err(u)) => Err(u),
            };
        }
    }

    fn subnets(&mut self) {
        let mut list: Vec<&ResourceInstance> = self.of_type("aws_subnet").collect();
        list.extend(self.of_type("aws_default_subnet"));
        for r in list {
            let is_default = r.rtype == "aws_default_subnet";
            let vpc = if is_default {
                self.net.vpcs.position(|v| v.is_default)
            } else {
                self.vpc_of(&r.body)
            };
            let cidr = match attr(&r.body, "cidr_block") {
                Some(a) => self.cidr(a),
                None => Err(unknown_at("the subnet's CIDR is assigned at apply", r.span)),
            };
            let az = attr(&r.body, "availability_zone")
                .and_then(|a| a.value.as_str().map(str::to_string));
            self.subnet_index
                .insert(r.address.clone(), self.net.subnets.next_id());
            self.net.subnets.push(Subnet {
                address: r.address.clone(),
                span: r.span,
                vpc,
                cidr,
                az,
                nacl: None,
                public: None,
            });
        }
    }

    /// The subnet a reference value names.
    pub fn subnet_ref(&self, v: &Value) -> Option<SubnetId> {
        let (r, _) = self.reference(v)?;
        self.subnet_index.get(&r.address).copied()
    }
}

/// The nested blocks of a kind, including the attribute form (`ingress = [{ … }]`) that
/// Terraform accepts for the same arguments. `Err` when the attribute form is unknown.
/// Each block comes with why it may not exist (a `dynamic` block over an unknown collection).
/// A nested rule block: borrowed from the resource when written as a block, built when written
/// as a list of objects (the attribute form).
pub(super) type Nested<'a> = (std::borrow::Cow<'a, EvalBody>, Span, Option<Unknown>);

pub(super) fn nested<'a>(body: &'a EvalBody, kind: &str) -> Result<Vec<Nested<'a>>, Unknown> {
    let mut out: Vec<Nested> = body
        .blocks
        .iter()
        .filter(|b| b.kind == kind)
        .map(|b| {
            (
                std::borrow::Cow::Borrowed(&b.body),
                b.span,
                b.uncertain.clone(),
            )
        })
        .collect();
    if let Some(a) = body.get(kind) {
        if let Some(u) = as_unknown(&a.value, a.span) {
            return Err(u);
        }
        for item in elements(&a.value) {
            match item {
                Value::Object(map) => {
                    let mut inner = EvalBody::default();
                    for (k, v) in map {
                        inner.insert(
                            k.as_str().into(),
                            EvalAttr {
                                value: v.clone(),
                                span: a.span,
                            },
                        );
                    }
                    out.push((std::borrow::Cow::Owned(inner), a.span, None));
                }
                other => {
                    return Err(as_unknown(other, a.span).unwrap_or_else(|| {
                        unknown_at(
                            format!("`{kind}` holds {}, not rule objects", other.type_name()),
                            a.span,
                        )
                    }))
                }
            }
        }
    }
    Ok(out)
}

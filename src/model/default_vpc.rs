//! The region's default VPC when the configuration only reads it: subnets that data sources
//! find in it (`data "aws_subnets"` filtered on the id of `data "aws_vpc"` with
//! `default = true`, the older `data "aws_subnet_ids"`, `data "aws_subnet"` with
//! `default_for_az = true`), and whether the network ACL of its subnets is AWS's allow-all
//! default or something this configuration manages.
//!
//! What AWS guarantees (Amazon VPC User Guide, "Default VPCs", and SPEC §3.10): the default
//! VPC is `172.31.0.0/16` with a default subnet in each Availability Zone, an internet gateway,
//! and a main route table that sends `0.0.0.0/0` to it; every subnet that is not associated with
//! another network ACL uses the VPC's default ACL, which allows all traffic until someone
//! changes it ("Control subnet traffic with network access control lists": "The default network
//! ACL is configured to allow all traffic to flow in and out of the subnets with which it is
//! associated"). Subnets found this way become [`Placement::DefaultVpc`](super::Placement):
//! their zones are not known, and a data source with any other filter or argument (tags, a
//! CIDR, an id) is left unknown, since it may select subnets someone set up differently.

use super::build::{attr, elements, unknown_at, Builder};
use crate::eval::{Mode, ResourceInstance, Unknown, Value};

/// Filters (`filter { name = … }`) that keep a data source within the default VPC's own
/// subnets: the VPC, default subnets, and zones.
const PLAIN_FILTERS: &[&str] = &[
    "vpc-id",
    "default-for-az",
    "availability-zone",
    "availability-zone-id",
    "state",
];

/// Arguments of a data source that say nothing about which subnets it reads.
const META: &[&str] = &["count", "for_each", "provider", "depends_on"];

impl<'a> Builder<'a> {
    /// True when `v` reads the default VPC: `data.aws_vpc.x.id` of a data source with
    /// `default = true`, or `aws_default_vpc.x.id`.
    fn is_default_vpc_id(&self, v: &Value) -> bool {
        let Some((r, attribute)) = self.reference(v) else {
            return false;
        };
        if attribute != "id" {
            return false;
        }
        match (r.mode, r.rtype.as_str()) {
            (Mode::Data, "aws_vpc") => {
                attr(&r.body, "default").and_then(|a| a.value.as_bool()) == Some(true)
            }
            (Mode::Managed, "aws_default_vpc") => true,
            _ => false,
        }
    }

    /// The `filter` blocks of a data source, when each is a plain one, with whether one of
    /// them pins the default VPC (its `vpc-id`, or `default-for-az = true`).
    fn plain_filters(&self, r: &ResourceInstance) -> Option<bool> {
        if r.body.get("filter").is_some() {
            return None;
        }
        let mut pinned = false;
        for f in r.body.blocks_of("filter") {
            if f.uncertain.is_some() {
                return None;
            }
            let name = attr(&f.body, "name")?.value.as_str()?.to_string();
            if !PLAIN_FILTERS.contains(&name.as_str()) {
                return None;
            }
            let values = attr(&f.body, "values")?;
            let values = elements(&values.value);
            if values.is_empty() {
                return None;
            }
            match name.as_str() {
                "vpc-id" => {
                    if !values.iter().all(|v| self.is_default_vpc_id(v)) {
                        return None;
                    }
                    pinned = true;
                }
                "default-for-az" => {
                    if values.iter().all(|v| v.as_str() == Some("true")) {
                        pinned = true;
                    } else {
                        return None;
                    }
                }
                _ => {
                    if values.iter().any(|v| v.as_str().is_none()) {
                        return None;
                    }
                }
            }
        }
        Some(pinned)
    }

    /// True when every argument of `r` is one of `allowed` (or a meta-argument).
    fn only_arguments(r: &ResourceInstance, allowed: &[&str]) -> bool {
        r.body
            .names()
            .all(|n| allowed.contains(&n) || META.contains(&n))
            && r.body.blocks.iter().all(|b| b.kind == "filter")
    }

    /// True when `v` names subnets of the default VPC through a data source read as above:
    /// `data.aws_subnets.x.ids`, `data.aws_subnet_ids.x.ids` or `data.aws_subnet.x.id`.
    pub(super) fn default_vpc_subnets(&self, v: &Value) -> bool {
        let Some((r, attribute)) = self.reference(v) else {
            return false;
        };
        if r.mode != Mode::Data {
            return false;
        }
        match (r.rtype.as_str(), attribute.as_str()) {
            ("aws_subnets", "ids") => {
                Self::only_arguments(r, &[]) && self.plain_filters(r) == Some(true)
            }
            ("aws_subnet_ids", "ids") => {
                Self::only_arguments(r, &["vpc_id"])
                    && attr(&r.body, "vpc_id").is_some_and(|a| self.is_default_vpc_id(&a.value))
                    && self.plain_filters(r).is_some()
            }
            ("aws_subnet", "id") => {
                let pinned = attr(&r.body, "default_for_az")
                    .is_some_and(|a| a.value.as_bool() == Some(true))
                    || attr(&r.body, "vpc_id").is_some_and(|a| self.is_default_vpc_id(&a.value));
                let zone_is_known = ["availability_zone", "availability_zone_id"]
                    .iter()
                    .all(|n| attr(&r.body, n).is_none_or(|a| a.value.as_str().is_some()));
                let filters = self.plain_filters(r);
                Self::only_arguments(
                    r,
                    &[
                        "vpc_id",
                        "default_for_az",
                        "availability_zone",
                        "availability_zone_id",
                        "state",
                    ],
                ) && zone_is_known
                    && filters.is_some()
                    && (pinned || filters == Some(true))
            }
            _ => false,
        }
    }

    /// Why the network ACL of the default VPC's subnets that this configuration does not
    /// declare is not known to be AWS's allow-all default: the configuration manages a default
    /// ACL that may be the default VPC's (`aws_default_network_acl` of `aws_default_vpc`, or of
    /// a VPC it cannot name), or associates an ACL with subnets that may be in the default VPC.
    /// Runs after [`Builder::nacls`](super::build::Builder).
    pub(super) fn default_vpc_nacl(&self) -> Option<Unknown> {
        // A subnet this configuration declares in a nondefault VPC.
        let elsewhere = |v: &Value| {
            self.subnet_ref(v)
                .and_then(|s| self.net.subnets[s].vpc)
                .is_some_and(|vpc| !self.net.vpcs[vpc].is_default)
        };
        // A VPC this configuration declares, other than the default one.
        let other_vpc = |v: &Value| {
            self.reference(v)
                .and_then(|(r, _)| self.vpc_index.get(r.address.as_ref()).copied())
                .is_some_and(|vpc| !self.net.vpcs[vpc].is_default)
        };
        for r in self.of_type("aws_default_network_acl") {
            let acl_id = attr(&r.body, "default_network_acl_id");
            if !acl_id.is_some_and(|a| other_vpc(&a.value)) {
                let managed = acl_id
                    .and_then(|a| self.reference(&a.value))
                    .is_some_and(|(v, _)| v.rtype == "aws_default_vpc");
                let why = if managed {
                    format!(
                        "{} manages the default VPC's default network ACL, and the subnets of the default VPC used here are not declared in this configuration",
                        r.address
                    )
                } else {
                    format!(
                        "{} manages a default network ACL whose VPC this configuration cannot name: it may be the default VPC's",
                        r.address
                    )
                };
                return Some(unknown_at(why, r.span));
            }
        }
        for r in self.of_type("aws_network_acl") {
            if attr(&r.body, "vpc_id").is_some_and(|a| other_vpc(&a.value)) {
                continue;
            }
            if let Some(a) = attr(&r.body, "subnet_ids") {
                if !elements(&a.value).into_iter().all(&elsewhere) {
                    return Some(unknown_at(
                        format!(
                            "{} is associated with subnets that may be in the default VPC",
                            r.address
                        ),
                        a.span,
                    ));
                }
            }
        }
        for r in self.of_type("aws_network_acl_association") {
            if let Some(a) = attr(&r.body, "subnet_id") {
                if !elsewhere(&a.value) {
                    return Some(unknown_at(
                        format!(
                            "{} associates a network ACL with a subnet that may be in the default VPC",
                            r.address
                        ),
                        a.span,
                    ));
                }
            }
        }
        None
    }
}

//! Route tables: whether a subnet is public, i.e. whether its effective route table (explicit
//! association, else the VPC's main table) has a route to an internet gateway.
//! `map_public_ip_on_launch` alone does not make a subnet public.

use super::build::{attr, elements, Builder};
use super::{SubnetId, VpcId};
use crate::eval::{EvalBody, ResourceInstance, Value};
use rustc_hash::FxHashMap as HashMap;

/// What a route table's routes say about the internet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Internet {
    Yes,
    No,
    Unknown,
}

impl<'a> Builder<'a> {
    fn route_to_igw(&self, body: &EvalBody) -> Internet {
        match attr(body, "gateway_id") {
            None => Internet::No,
            Some(a) => self.gateway(&a.value),
        }
    }

    fn gateway(&self, v: &Value) -> Internet {
        match v {
            Value::Null => Internet::No,
            Value::Unknown(_) => Internet::Unknown,
            v => match self.reference(v) {
                Some((r, _)) if r.rtype == "aws_internet_gateway" => Internet::Yes,
                Some(_) => Internet::No,
                None => match v.as_str() {
                    Some(s) if s.starts_with("igw-") => Internet::Yes,
                    Some("local") => Internet::No,
                    _ => Internet::Unknown,
                },
            },
        }
    }

    fn table_internet(&self, table: &ResourceInstance) -> Internet {
        let mut result = Internet::No;
        let mut routes: Vec<&EvalBody> = table.body.blocks_of("route").map(|b| &b.body).collect();
        if let Some(a) = attr(&table.body, "route") {
            // `route = [{ gateway_id = … }]` attribute syntax.
            for r in elements(&a.value) {
                let gw = match r {
                    Value::Object(map) => map.get("gateway_id").cloned().unwrap_or(Value::Null),
                    _ => Value::unknown("a route that is not an object", None),
                };
                match self.gateway(&gw) {
                    Internet::Yes => return Internet::Yes,
                    Internet::Unknown => result = Internet::Unknown,
                    Internet::No => {}
                }
            }
        }
        let standalone: Vec<&ResourceInstance> = self
            .of_type("aws_route")
            .filter(|r| {
                attr(&r.body, "route_table_id")
                    .and_then(|a| self.reference(&a.value))
                    .is_some_and(|(t, _)| t.address == table.address)
            })
            .collect();
        routes.extend(standalone.iter().map(|r| &r.body));
        for body in routes {
            match self.route_to_igw(body) {
                Internet::Yes => return Internet::Yes,
                Internet::Unknown => result = Internet::Unknown,
                Internet::No => {}
            }
        }
        result
    }

    pub(super) fn routes(&mut self) {
        let mut tables: HashMap<&str, Internet> = HashMap::default();
        for t in self
            .of_type("aws_route_table")
            .chain(self.of_type("aws_default_route_table"))
        {
            tables.insert(t.address.as_ref(), self.table_internet(t));
        }
        // The main table of each VPC.
        let mut main: HashMap<VpcId, Internet> = HashMap::default();
        for t in self.of_type("aws_default_route_table") {
            let vpc = attr(&t.body, "default_route_table_id")
                .and_then(|a| self.reference(&a.value))
                .and_then(|(v, _)| self.vpc_index.get(v.address.as_ref()).copied());
            if let Some(v) = vpc {
                main.insert(v, tables[t.address.as_ref()]);
            }
        }
        for a in self.of_type("aws_main_route_table_association") {
            let vpc = attr(&a.body, "vpc_id")
                .and_then(|x| self.reference(&x.value))
                .and_then(|(v, _)| self.vpc_index.get(v.address.as_ref()).copied());
            let table = attr(&a.body, "route_table_id")
                .and_then(|x| self.reference(&x.value))
                .and_then(|(t, _)| tables.get(t.address.as_ref()).copied());
            if let (Some(v), Some(t)) = (vpc, table) {
                main.insert(v, t);
            }
        }
        let managed: Vec<VpcId> = self
            .of_type("aws_route_table")
            .filter_map(|t| attr(&t.body, "vpc_id").and_then(|a| self.reference(&a.value)))
            .filter_map(|(v, _)| self.vpc_index.get(v.address.as_ref()).copied())
            .chain(main.keys().copied())
            .collect();
        let mut explicit: HashMap<SubnetId, Internet> = HashMap::default();
        for a in self.of_type("aws_route_table_association") {
            let Some(subnet) = attr(&a.body, "subnet_id").and_then(|x| self.subnet_ref(&x.value))
            else {
                continue;
            };
            let table = attr(&a.body, "route_table_id")
                .and_then(|x| self.reference(&x.value))
                .and_then(|(t, _)| tables.get(t.address.as_ref()).copied())
                .unwrap_or(Internet::Unknown);
            explicit.insert(subnet, table);
        }
        for s in self.net.subnets.ids() {
            let sub = &self.net.subnets[s];
            let internet = match explicit.get(&s) {
                Some(i) => *i,
                None => match sub.vpc {
                    Some(v) if self.net.vpcs[v].is_default => Internet::Yes,
                    // AWS's own main table has only the local route; but when this
                    // configuration manages no route table of the VPC, its routing is
                    // managed elsewhere and unknown here.
                    Some(v) if managed.contains(&v) => {
                        main.get(&v).copied().unwrap_or(Internet::No)
                    }
                    Some(_) => Internet::Unknown,
                    None => Internet::Unknown,
                },
            };
            self.net.subnets[s].public = match internet {
                Internet::Yes => Some(true),
                Internet::No => Some(false),
                Internet::Unknown => None,
            };
        }
    }
}

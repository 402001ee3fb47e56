//! ELB029: an internet-facing load balancer needs public subnets.

use crate::checks::context::Context;
use crate::diagnostic::Finding;
use crate::model::Placement;

crate::declare_rule! {
    /// ## What it checks
    /// That every subnet of an internet-facing load balancer (any kind: `internal` unset or
    /// false) has a route table with a route to an internet gateway. A subnet whose route
    /// table is not in the configuration, or whose routes are not known, is not reported.
    ///
    /// ## Why it matters
    /// The LB has a node in each of its subnets. In a subnet without a route to an internet
    /// gateway, clients on the internet cannot reach that node, and replies cannot leave it:
    /// AWS's troubleshooting guide says "You must specify public subnets for your load
    /// balancer".
    ///
    /// ## Example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   subnets = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    /// }
    /// ```
    ///
    /// Use instead: public subnets (associated with a route table that routes `0.0.0.0/0`
    /// to an `aws_internet_gateway`), or `internal = true` for a load balancer only the VPC
    /// uses.
    pub(super) static RULE = {
        code: "ELB029",
        name: "internet-facing-private-subnet",
        severity: Error,
        summary: "an internet-facing load balancer has a subnet with no route to an internet gateway",
    }
}

pub(super) fn check(cx: &Context, out: &mut Vec<Finding>) {
    let net = cx.net;
    for lb in &net.lbs {
        if !matches!(lb.internal, Ok(false)) {
            continue;
        }
        let Placement::Subnets(ids) = &lb.placement else {
            continue;
        };
        let private: Vec<_> = ids
            .iter()
            .filter(|s| net.subnets[**s].public == Some(false))
            .collect();
        if private.is_empty() {
            continue;
        }
        let names: Vec<&str> = private
            .iter()
            .map(|s| net.subnets[**s].address.as_ref())
            .collect();
        // The mapping of the first such subnet, else the `subnets` list.
        let at = lb
            .mapping_spans
            .iter()
            .find(|(s, _)| private.contains(&s))
            .map(|(_, span)| *span)
            .or(lb.subnets_span)
            .unwrap_or(lb.span);
        let mut f = Finding::new(
            &RULE,
            at,
            format!(
                "the internet-facing {} {} has a node in {}, whose route table has no route to an internet gateway: clients cannot reach it there",
                lb.kind_name(),
                lb.address,
                names.join(", ")
            ),
        );
        let mut labelled = Vec::new();
        for s in private {
            // Subnets made by one `count` share their block: label it once.
            let span = net.subnets[*s].span;
            if !labelled.contains(&span) {
                labelled.push(span);
                f = f.label(span, "no route to an internet gateway");
            }
        }
        out.push(f.help(
            "use public subnets (a route 0.0.0.0/0 to an internet gateway), or set internal = true",
        ));
    }
}

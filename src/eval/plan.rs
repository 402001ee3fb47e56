//! Values from a Terraform plan (`terraform show -json PLANFILE`, or `tofu show -json`): a
//! second input to evaluation, next to the HCL.
//!
//! The plan's `planned_values` (root and child modules, one entry per `count`/`for_each`
//! instance) and the data sources read while planning (`prior_state`) are indexed by resource
//! address. Once a root is evaluated, [`Plan::fill`] replaces what the evaluation left unknown
//! with the plan's value, when the plan knows it (the value is present and not marked in the
//! change's `after_unknown`):
//!
//! - an argument (or part of one, or of a nested block, matched by kind and position) whose
//!   evaluated value is unknown: a variable given only to `terraform plan`, a module output
//!   built from one;
//! - a reference to a data source's attribute (`data.aws_vpc.main.cidr_block`), which the plan
//!   read.
//!
//! References to managed resources are kept as they are: `aws_security_group.lb.id` names that
//! group whatever its id. A resource the evaluation did not produce (its module is not
//! installed) is not added; [`Plan::unmatched`] lists those, so the run can say so.

use super::value::Value;
use super::{EvalBody, ResourceInstance};
use serde_json::Value as Json;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

/// The values of one resource instance in the plan.
#[derive(Debug)]
struct Planned {
    /// `planned_values` (unknown leaves left out or null) or, for a data source read while
    /// planning, its state.
    values: Json,
    /// The change's `after_unknown`: `true` at each unknown leaf.
    unknown: Json,
    /// A managed resource (not a data source).
    managed: bool,
}

/// A plan read from `terraform show -json`, indexed by resource instance address.
#[derive(Debug)]
pub struct Plan {
    resources: HashMap<String, Planned>,
    /// The addresses some evaluated instance matched (shared by the roots of a run).
    matched: Mutex<BTreeSet<String>>,
}

impl Plan {
    /// Reads the JSON text of a plan. The error says why the text is not a usable plan: not
    /// JSON (a truncated file), a format of another major version, the JSON of a state rather
    /// than of a plan.
    pub fn parse(text: &str) -> Result<Plan, String> {
        let json: Json = serde_json::from_str(text).map_err(|e| {
            if e.is_eof() {
                format!("the JSON ends early (truncated file?): {e}")
            } else {
                format!("not valid JSON: {e}")
            }
        })?;
        let Some(top) = json.as_object() else {
            return Err("not the JSON of a plan: the top level is not an object".into());
        };
        let version = top
            .get("format_version")
            .and_then(Json::as_str)
            .ok_or("not the JSON of a plan: no `format_version` (expected the output of `terraform show -json PLANFILE`)")?;
        let major = version.split('.').next().unwrap_or_default();
        if major != "0" && major != "1" {
            return Err(format!(
                "plan format_version {version} is not supported: this version reads format 1.x \
                 (Terraform 1.1 and later, OpenTofu)"
            ));
        }
        let Some(planned) = top.get("planned_values") else {
            if top.contains_key("values") {
                return Err(
                    "this is the JSON of a state (`values`, no `planned_values`), not of \
                            a plan: save a plan with `terraform plan -out PLANFILE` and give \
                            the output of `terraform show -json PLANFILE`"
                        .into(),
                );
            }
            return Err("not the JSON of a plan: no `planned_values`".into());
        };
        let mut unknowns: HashMap<&str, &Json> = HashMap::new();
        for change in top
            .get("resource_changes")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(address), Some(u)) = (
                change.get("address").and_then(Json::as_str),
                change.get("change").and_then(|c| c.get("after_unknown")),
            ) {
                unknowns.insert(address, u);
            }
        }
        let mut plan = Plan {
            resources: HashMap::new(),
            matched: Mutex::default(),
        };
        if let Some(root) = planned.get("root_module") {
            plan.add_module(root, &unknowns, 0);
        }
        // Data sources read while planning, and resources that already exist, are in the prior
        // state; the planned values win where both have an address.
        if let Some(root) = top
            .get("prior_state")
            .and_then(|s| s.get("values"))
            .and_then(|v| v.get("root_module"))
        {
            plan.add_module(root, &HashMap::new(), 0);
        }
        Ok(plan)
    }

    /// Adds the resources of a module of the values representation, and of its children.
    fn add_module(&mut self, module: &Json, unknowns: &HashMap<&str, &Json>, depth: usize) {
        // Module nesting in a plan is as deep as the configuration's; this bounds a hostile
        // file.
        if depth > 100 {
            return;
        }
        for r in module
            .get("resources")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(address) = r.get("address").and_then(Json::as_str) else {
                continue;
            };
            if self.resources.contains_key(address) {
                continue;
            }
            let managed = r.get("mode").and_then(Json::as_str) != Some("data");
            self.resources.insert(
                address.to_string(),
                Planned {
                    values: r.get("values").cloned().unwrap_or(Json::Null),
                    unknown: unknowns.get(address).map_or(Json::Null, |u| (*u).clone()),
                    managed,
                },
            );
        }
        for child in module
            .get("child_modules")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            self.add_module(child, unknowns, depth + 1);
        }
    }

    /// How many managed resource instances the plan has.
    pub fn managed_count(&self) -> usize {
        self.resources.values().filter(|p| p.managed).count()
    }

    /// The managed resource instances of the plan that no evaluated instance matched, sorted.
    pub fn unmatched(&self) -> Vec<String> {
        let matched = self.matched.lock().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<String> = self
            .resources
            .iter()
            .filter(|(a, p)| p.managed && !matched.contains(*a))
            .map(|(a, _)| a.clone())
            .collect();
        out.sort();
        out
    }

    /// Fills what the evaluation of `resources` left unknown with the plan's values.
    pub fn fill(&self, resources: &mut [ResourceInstance]) {
        let mut matched = Vec::new();
        for r in resources.iter_mut() {
            let planned = self.resources.get(&*r.address);
            if planned.is_some() {
                matched.push(r.address.to_string());
            }
            self.fill_body(&mut r.body, planned.map(|p| (&p.values, &p.unknown)));
        }
        self.matched
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(matched);
    }

    /// Fills `body` from an object of planned values and its `after_unknown` (nothing planned:
    /// only references to data sources are filled).
    fn fill_body(&self, body: &mut EvalBody, planned: Option<(&Json, &Json)>) {
        for (name, attr) in body.attributes.iter_mut() {
            let p = planned.map(|(v, u)| (v.get(name.as_str()), u.get(name.as_str())));
            self.fill_value(&mut attr.value, p.and_then(|p| p.0), p.and_then(|p| p.1));
        }
        let mut seen: HashMap<String, usize> = HashMap::new();
        for block in body.blocks.iter_mut() {
            if block.uncertain.is_some() {
                // A `dynamic` block of unknown length stands for any number of blocks: which
                // planned block it is cannot be told.
                self.fill_body(&mut block.body, None);
                continue;
            }
            let i = seen.entry(block.kind.to_string()).or_default();
            let p = planned.and_then(|(v, u)| {
                let v = v.get(block.kind.as_str())?.get(*i)?;
                let u = u.get(block.kind.as_str()).and_then(|u| u.get(*i));
                Some((v, u.unwrap_or(&Json::Null)))
            });
            *i += 1;
            self.fill_body(&mut block.body, p);
        }
    }

    /// Fills `value` from the planned value `planned` (absent: unknown in the plan) unless
    /// `unknown` marks it unknown.
    fn fill_value(&self, value: &mut Value, planned: Option<&Json>, unknown: Option<&Json>) {
        if unknown == Some(&Json::Bool(true)) {
            return;
        }
        match value {
            Value::Unknown(_) => {
                if let Some(p) = planned {
                    *value = from_json(p, 0);
                }
            }
            Value::List(items) => {
                let p = planned
                    .and_then(Json::as_array)
                    .filter(|p| p.len() == items.len());
                for (i, item) in items.iter_mut().enumerate() {
                    let u = unknown.and_then(|u| u.get(i));
                    self.fill_value(item, p.map(|p| &p[i]), u);
                }
            }
            Value::Object(map) => {
                for (k, item) in map.iter_mut() {
                    let p = planned.and_then(|p| p.get(k.as_str()));
                    let u = unknown.and_then(|u| u.get(k.as_str()));
                    self.fill_value(item, p, u);
                }
            }
            Value::Reference(r) => {
                if let Some(known) = self.data_attribute(&r.address, &r.attribute) {
                    *value = known;
                }
            }
            _ => {}
        }
    }

    /// The known value of attribute `attribute` of data source `address`, when the plan read it.
    fn data_attribute(&self, address: &str, attribute: &str) -> Option<Value> {
        let p = self.resources.get(address).filter(|p| !p.managed)?;
        if attribute.is_empty() || p.unknown.get(attribute) == Some(&Json::Bool(true)) {
            return None;
        }
        let v = p.values.get(attribute)?;
        (!v.is_null()).then(|| from_json(v, 0))
    }
}

/// The evaluator's value of a JSON value (nesting bounded, for a hostile file).
fn from_json(json: &Json, depth: usize) -> Value {
    if depth > 64 {
        return Value::unknown("the plan's value is nested too deeply", None);
    }
    match json {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n.as_f64().map_or(Value::Null, Value::Number),
        Json::String(s) => Value::String(s.clone()),
        Json::Array(items) => Value::List(items.iter().map(|i| from_json(i, depth + 1)).collect()),
        Json::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), from_json(v, depth + 1)))
                .collect(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::Plan;

    #[test]
    fn bad_input_says_why() {
        let e = Plan::parse(r#"{"format_version": "1.2", "planned_"#).unwrap_err();
        assert!(e.contains("truncated"), "{e}");
        let e = Plan::parse(r#"{"format_version": "2.0", "planned_values": {}}"#).unwrap_err();
        assert!(e.contains("2.0 is not supported"), "{e}");
        let e = Plan::parse(r#"{"format_version": "1.0", "values": {}}"#).unwrap_err();
        assert!(e.contains("state"), "{e}");
        let e = Plan::parse("[]").unwrap_err();
        assert!(e.contains("not an object"), "{e}");
    }

    #[test]
    fn data_sources_come_from_the_prior_state() {
        let plan = Plan::parse(
            r#"{"format_version": "1.2", "planned_values": {"root_module": {}},
                "prior_state": {"values": {"root_module": {"resources": [
                  {"address": "data.aws_vpc.main", "mode": "data",
                   "values": {"cidr_block": "10.1.0.0/16"}}]}}}}"#,
        )
        .unwrap();
        assert_eq!(
            plan.data_attribute("data.aws_vpc.main", "cidr_block"),
            Some(super::Value::string("10.1.0.0/16"))
        );
        assert_eq!(plan.managed_count(), 0);
    }
}

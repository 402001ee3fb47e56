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
//! group whatever its id.
//!
//! The resources of a module whose source the evaluation could not read (a registry module not
//! installed) come from the plan alone ([`Plan::instances_under`]); they point into the plan
//! file. Other resources of the plan that match no evaluated instance are not used;
//! [`Plan::unmatched`] lists them, so the run can say so.

use super::value::{Reference, Value};
use super::{EvalAttr, EvalBlock, EvalBody, Mode, ResourceInstance};
use crate::source::{FileId, Span};
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
    rtype: String,
    name: String,
}

/// A plan read from `terraform show -json`, indexed by resource instance address.
#[derive(Debug)]
pub struct Plan {
    resources: HashMap<String, Planned>,
    /// The addresses some evaluated instance matched (shared by the roots of a run).
    matched: Mutex<BTreeSet<String>>,
    /// The plan file in the source table, when the run added it: the location of resources
    /// known only from the plan.
    file: Option<FileId>,
    /// Byte range of the first `"address": "…"` of each address in the plan's text.
    spans: HashMap<String, (usize, usize)>,
    /// `configuration`: for each resource (module path without instance keys, e.g.
    /// `module.lb.aws_lb.this`), the resources each argument refers to.
    references: HashMap<String, HashMap<String, Vec<String>>>,
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
            file: None,
            spans: HashMap::new(),
            references: HashMap::new(),
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
        if let Some(root) = top.get("configuration").and_then(|c| c.get("root_module")) {
            plan.add_references(root, "", 0);
        }
        plan.spans = address_spans(text);
        Ok(plan)
    }

    /// Records where findings about resources known only from the plan point: the plan file,
    /// once the run has added it to the source table.
    pub fn set_file(&mut self, file: FileId) {
        self.file = Some(file);
    }

    /// The plan file in the source table, when the run added it.
    pub fn file(&self) -> Option<FileId> {
        self.file
    }

    /// Adds the references of each argument of the resources of a module of `configuration`,
    /// and of the modules it calls.
    fn add_references(&mut self, module: &Json, prefix: &str, depth: usize) {
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
            let mut args = HashMap::new();
            for (name, e) in r
                .get("expressions")
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
            {
                let refs: Vec<String> = e
                    .get("references")
                    .and_then(Json::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect();
                if !refs.is_empty() {
                    args.insert(name.clone(), refs);
                }
                // A nested block: a list of objects of expressions, e.g. `default_action.0.
                // target_group_arn`.
                for (i, block) in e.as_array().into_iter().flatten().enumerate() {
                    for (arg, e) in block.as_object().into_iter().flatten() {
                        let refs: Vec<String> = e
                            .get("references")
                            .and_then(Json::as_array)
                            .into_iter()
                            .flatten()
                            .filter_map(Json::as_str)
                            .map(str::to_string)
                            .collect();
                        if !refs.is_empty() {
                            args.insert(format!("{name}.{i}.{arg}"), refs);
                        }
                    }
                }
            }
            self.references.insert(format!("{prefix}{address}"), args);
        }
        for (name, call) in module
            .get("module_calls")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(m) = call.get("module") {
                self.add_references(m, &format!("{prefix}module.{name}."), depth + 1);
            }
        }
    }

    /// Resource instances the plan has under the module instances whose source the evaluation
    /// could not read (`missing`: address prefixes such as `module.alb.`), built from the
    /// plan's values. They point into the plan file; an argument the plan does not know is
    /// unknown, or a reference when the configuration names exactly one resource of the same
    /// module instance for it.
    pub fn instances_under(&self, missing: &[&str]) -> Vec<ResourceInstance> {
        let Some(file) = self.file else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (address, p) in &self.resources {
            if !p.managed
                || !missing
                    .iter()
                    .any(|m| !m.is_empty() && address.starts_with(m))
            {
                continue;
            }
            let Some((prefix, base)) = split_address(address, &p.rtype, &p.name) else {
                continue;
            };
            let (start, end) = self.spans.get(address).copied().unwrap_or((0, 0));
            let span = Span::new(file, start, end);
            let refs = self.references.get(&strip_keys(&base));
            let mut body = body_of(&p.values, &p.unknown, span, 0);
            for (arg, targets) in refs.into_iter().flatten() {
                // `arg`, or `kind.i.arg` for an argument of the i-th nested block of a kind.
                let (target, arg) = match arg.splitn(3, '.').collect::<Vec<_>>().as_slice() {
                    [kind, i, arg] => {
                        let i: usize = i.parse().unwrap_or(usize::MAX);
                        let block = body.blocks.iter_mut().filter(|b| b.kind == *kind).nth(i);
                        match block {
                            Some(b) => (&mut b.body, *arg),
                            None => continue,
                        }
                    }
                    _ => (&mut body, arg.as_str()),
                };
                let unknown = target.get(arg).is_some_and(|a| a.value.is_unknown());
                if !unknown {
                    continue;
                }
                if let Some(r) = self.one_reference(prefix, targets) {
                    let value = if LIST_ARGS.contains(&arg) {
                        Value::List(vec![r])
                    } else {
                        r
                    };
                    target.insert(arg.into(), EvalAttr { value, span });
                }
            }
            out.push(ResourceInstance {
                address: address.as_str().into(),
                resource: base.as_str().into(),
                mode: Mode::Managed,
                rtype: p.rtype.as_str().into(),
                name: p.name.as_str().into(),
                body,
                span,
                call_sites: Vec::new(),
                uncertain: None,
            });
            self.matched
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(address.clone());
        }
        out.sort_by(|a, b| a.address.cmp(&b.address));
        out
    }

    /// The reference the configuration's `targets` (`aws_security_group.lb.id`,
    /// `aws_security_group.lb`) make, when they name exactly one attribute of one resource the
    /// plan has (without `count`/`for_each`) in module instance `prefix`.
    fn one_reference(&self, prefix: &str, targets: &[String]) -> Option<Value> {
        let mut found: Option<(String, String)> = None;
        for t in targets {
            if t.contains('[') {
                return None;
            }
            let parts: Vec<&str> = t.split('.').collect();
            let resource = match parts.as_slice() {
                [first, ..]
                    if matches!(
                        *first,
                        "var" | "local" | "module" | "data" | "each" | "count" | "path" | "self"
                    ) =>
                {
                    return None
                }
                // The resource itself, listed after its attribute.
                [_, _] => continue,
                [rtype, name, attribute] => {
                    (format!("{prefix}{rtype}.{name}"), attribute.to_string())
                }
                _ => return None,
            };
            if !self.resources.get(&resource.0).is_some_and(|p| p.managed) {
                return None;
            }
            match &found {
                Some(f) if *f != resource => return None,
                _ => found = Some(resource),
            }
        }
        let (address, attribute) = found?;
        Some(Value::Reference(Reference {
            address: address.into(),
            attribute: attribute.as_str().into(),
        }))
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
                    rtype: str_of(r, "type"),
                    name: str_of(r, "name"),
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

    /// Fills what the evaluation of `resources` left unknown with the plan's values. An
    /// instance standing for a resource (or module) whose `count`/`for_each` the evaluation
    /// could not tell (`aws_x.y[*]`) becomes the instances the plan has, each filled from its
    /// own values; with none in the plan it stays as it is.
    pub fn fill(&self, resources: &mut Vec<ResourceInstance>) {
        if resources
            .iter()
            .any(|r| r.uncertain.is_some() && r.address.contains("[*]"))
        {
            let mut expanded = Vec::with_capacity(resources.len());
            for r in resources.drain(..) {
                let mut keyed: Vec<&String> = if r.uncertain.is_some() && r.address.contains("[*]")
                {
                    self.resources
                        .keys()
                        .filter(|a| matches_any_key(&r.address, a))
                        .collect()
                } else {
                    Vec::new()
                };
                if keyed.is_empty() {
                    expanded.push(r);
                    continue;
                }
                keyed.sort();
                for a in keyed {
                    let mut one = r.clone();
                    one.resource = match r.address.ends_with("[*]") {
                        true => a[..a.rfind('[').unwrap_or(a.len())].into(),
                        false => a.as_str().into(),
                    };
                    one.address = a.as_str().into();
                    one.uncertain = None;
                    expanded.push(one);
                }
            }
            expanded.sort_by(|a, b| a.address.cmp(&b.address));
            *resources = expanded;
        }
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
        if let Some((values, unknown)) = planned {
            self.expand_dynamic(body, values, unknown);
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

    /// A `dynamic` block of unknown length that is the only block of its kind becomes the
    /// blocks the plan lists for that kind (the plan knows how many there are): each a copy of
    /// the dynamic block's content, which the caller then fills from its planned block.
    /// Arguments the content gives without the iterator (a reference to a group) stay as
    /// written.
    fn expand_dynamic(&self, body: &mut EvalBody, values: &Json, unknown: &Json) {
        let mut i = 0;
        while i < body.blocks.len() {
            let block = &body.blocks[i];
            let kind = block.kind.clone();
            let alone = body.blocks.iter().filter(|b| b.kind == kind).count() == 1;
            let planned = values.get(kind.as_str()).and_then(Json::as_array);
            let list_known = unknown.get(kind.as_str()) != Some(&Json::Bool(true));
            let (true, Some(items), true, true) =
                (block.uncertain.is_some(), planned, alone, list_known)
            else {
                i += 1;
                continue;
            };
            // Copies of the content; the planned blocks fill them by position ([`Plan::fill_body`]).
            let template = EvalBlock {
                uncertain: None,
                ..body.blocks[i].clone()
            };
            body.blocks
                .splice(i..=i, std::iter::repeat_n(template, items.len()));
            i += items.len();
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

/// Arguments that hold a list of references (`security_groups = [aws_security_group.lb.id]`).
const LIST_ARGS: &[&str] = &[
    "security_groups",
    "vpc_security_group_ids",
    "subnets",
    "instances",
    "cidr_blocks",
];

fn str_of(r: &Json, key: &str) -> String {
    r.get(key)
        .and_then(Json::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `module.a["x"].aws_lb.this[0]` → (`module.a["x"].`, `module.a["x"].aws_lb.this`).
fn split_address<'a>(address: &'a str, rtype: &str, name: &str) -> Option<(&'a str, String)> {
    let local = format!("{rtype}.{name}");
    let at = address.rfind(&local)?;
    let prefix = &address[..at];
    (prefix.is_empty() || prefix.ends_with('.')).then(|| (prefix, format!("{prefix}{local}")))
}

/// An address without its instance keys: `module.a["x"].aws_lb.this` → `module.a.aws_lb.this`.
fn strip_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut quoted = false;
    for c in address.chars() {
        match c {
            '"' if depth > 0 => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `address` is `pattern` with each `[*]` replaced by one instance key (`[0]`,
/// `["a"]`).
fn matches_any_key(pattern: &str, address: &str) -> bool {
    let mut rest = address;
    let mut pieces = pattern.split("[*]").peekable();
    while let Some(piece) = pieces.next() {
        let Some(after) = rest.strip_prefix(piece) else {
            return false;
        };
        rest = after;
        if pieces.peek().is_none() {
            return rest.is_empty();
        }
        // One key: `[digits]` or `["string"]`.
        let Some(key) = rest.strip_prefix('[') else {
            return false;
        };
        let end = if let Some(quoted) = key.strip_prefix('"') {
            let mut escaped = false;
            let close = quoted.char_indices().find(|&(_, c)| {
                let done = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                done
            });
            match close {
                Some((i, _)) if quoted[i + 1..].starts_with(']') => 1 + i + 2,
                _ => return false,
            }
        } else {
            match key.find(']') {
                Some(i) if i > 0 && key[..i].bytes().all(|b| b.is_ascii_digit()) => i + 1,
                _ => return false,
            }
        };
        rest = &key[end..];
    }
    rest.is_empty()
}

/// The byte range of the first `"address": "…"` of each address in a plan's text.
fn address_spans(text: &str) -> HashMap<String, (usize, usize)> {
    let mut out = HashMap::new();
    let key = "\"address\"";
    let mut from = 0;
    while let Some(i) = text[from..].find(key) {
        let start = from + i;
        from = start + key.len();
        let rest = text[from..].trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let value_start = text.len() - rest.trim_start().len();
        let mut de = serde_json::Deserializer::from_str(&text[value_start..]).into_iter::<String>();
        if let Some(Ok(address)) = de.next() {
            let end = value_start + de.byte_offset();
            out.entry(address).or_insert((start, end));
        }
    }
    out
}

/// A body of evaluated arguments from a resource's planned values: arrays of objects become
/// nested blocks; what `after_unknown` marks unknown is unknown.
fn body_of(values: &Json, unknown: &Json, span: Span, depth: usize) -> EvalBody {
    let mut body = EvalBody::default();
    if depth > 32 {
        return body;
    }
    let empty = serde_json::Map::new();
    let values = values.as_object().unwrap_or(&empty);
    for (k, v) in values {
        let u = unknown.get(k);
        match v.as_array() {
            Some(items) if !items.is_empty() && items.iter().all(Json::is_object) => {
                for (i, item) in items.iter().enumerate() {
                    let u = u.and_then(|u| u.get(i)).unwrap_or(&Json::Null);
                    body.blocks.push(EvalBlock {
                        kind: k.as_str().into(),
                        body: body_of(item, u, span, depth + 1),
                        span,
                        uncertain: None,
                    });
                }
            }
            _ => body.insert(
                k.as_str().into(),
                EvalAttr {
                    value: with_unknowns(v, u, span, 0),
                    span,
                },
            ),
        }
    }
    for (k, u) in unknown.as_object().into_iter().flatten() {
        if u == &Json::Bool(true) && !values.contains_key(k) {
            body.insert(
                k.as_str().into(),
                EvalAttr {
                    value: known_after_apply(span),
                    span,
                },
            );
        }
    }
    body
}

fn known_after_apply(span: Span) -> Value {
    Value::unknown("known only after apply (from the plan)", Some(span))
}

/// A planned value with the leaves `unknown` marks made unknown.
fn with_unknowns(v: &Json, unknown: Option<&Json>, span: Span, depth: usize) -> Value {
    match unknown {
        Some(Json::Bool(true)) => known_after_apply(span),
        Some(u @ (Json::Array(_) | Json::Object(_))) if depth < 64 => match v {
            Json::Array(items) => Value::List(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, item)| with_unknowns(item, u.get(i), span, depth + 1))
                    .collect(),
            ),
            Json::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, item)| (k.clone(), with_unknowns(item, u.get(k), span, depth + 1)))
                    .collect(),
            ),
            _ => from_json(v, depth),
        },
        _ => from_json(v, depth),
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
    fn unknown_keys_match_any_key() {
        use super::matches_any_key as m;
        assert!(m("aws_x.y[*]", "aws_x.y[0]"));
        assert!(m("aws_x.y[*]", r#"aws_x.y["a]b"]"#));
        assert!(m("module.m[*].aws_x.y", r#"module.m["k"].aws_x.y"#));
        assert!(m("module.m[*].aws_x.y[*]", "module.m[1].aws_x.y[2]"));
        assert!(!m("aws_x.y[*]", "aws_x.y"));
        assert!(!m("aws_x.y[*]", "aws_x.yz[0]"));
        assert!(!m("aws_x.y[*]", "aws_x.y[0].z"));
        assert!(!m("aws_x.y", "aws_x.y[0]"));
    }

    #[test]
    fn addresses_are_split_and_located() {
        assert_eq!(
            super::strip_keys(r#"module.a["x.y"].aws_lb.this[0]"#),
            "module.a.aws_lb.this"
        );
        assert_eq!(
            super::split_address(r#"module.a["k"].aws_lb.this[0]"#, "aws_lb", "this"),
            Some((
                r#"module.a["k"]."#,
                r#"module.a["k"].aws_lb.this"#.to_string()
            ))
        );
        let text = r#"{"a": {"address" :  "aws_lb.x"}, "b": {"address": "aws_lb.x"}}"#;
        let spans = super::address_spans(text);
        let (start, end) = spans["aws_lb.x"];
        assert_eq!(&text[start..end], r#""address" :  "aws_lb.x""#);
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

//! Evaluation features end to end: each test writes a small root, loads it, and asserts the
//! values the evaluator produced.

use std::path::Path;
use tf_elbcheck::eval::{RootEval, Value};
use tf_elbcheck::run::{load, Options};
use tf_elbcheck::source::SourceTable;

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

fn eval_with(files: &[(&str, &str)], options: Options) -> (Vec<RootEval>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let mut sources = SourceTable::new();
    let options = Options {
        paths: vec![dir.path().to_path_buf()],
        ..options
    };
    let loaded = load(&options, &Default::default(), &mut sources);
    let mut codes: Vec<String> = loaded
        .findings
        .iter()
        .map(|f| f.code().to_string())
        .collect();
    for r in &loaded.roots {
        codes.extend(r.findings.iter().map(|f| f.code().to_string()));
    }
    (loaded.roots, codes)
}

fn eval(files: &[(&str, &str)]) -> (Vec<RootEval>, Vec<String>) {
    eval_with(files, Options::default())
}

fn attr(roots: &[RootEval], address: &str, name: &str) -> Value {
    let r = roots
        .iter()
        .find_map(|r| r.resource(address))
        .unwrap_or_else(|| panic!("no {address}"));
    r.body
        .get(name)
        .unwrap_or_else(|| panic!("no {name} on {address}"))
        .value
        .clone()
}

fn s(v: &str) -> Value {
    Value::String(v.into())
}

#[test]
fn variables_follow_terraform_precedence() {
    let files = [
        ("main.tf", "variable \"a\" { default = 1 }\nvariable \"b\" { default = 1 }\nvariable \"c\" { default = 1 }\nvariable \"d\" { default = 1 }\nvariable \"e\" { type = number }\nresource \"x\" \"y\" {\n a = var.a\n b = var.b\n c = var.c\n d = var.d\n e = var.e\n}\n"),
        ("terraform.tfvars", "b = 2\nc = 2\nd = 2\n"),
        ("x.auto.tfvars", "c = 3\nd = 3\n"),
    ];
    let options = Options {
        vars: vec![("d".into(), "4".into())],
        env_vars: vec![("e".into(), "5".into()), ("b".into(), "9".into())],
        ..Options::default()
    };
    let (roots, codes) = eval_with(&files, options);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "a"), Value::Number(1.0));
    assert_eq!(
        attr(&roots, "x.y", "b"),
        Value::Number(2.0),
        "tfvars beats TF_VAR_"
    );
    assert_eq!(
        attr(&roots, "x.y", "c"),
        Value::Number(3.0),
        "auto.tfvars beats terraform.tfvars"
    );
    assert_eq!(
        attr(&roots, "x.y", "d"),
        s("4"),
        "--var beats files (untyped stays a string)"
    );
    assert_eq!(
        attr(&roots, "x.y", "e"),
        Value::Number(5.0),
        "TF_VAR_ converted to number"
    );
}

#[test]
fn variable_without_value_is_unknown_with_origin() {
    let (roots, _) = eval(&[(
        "main.tf",
        "variable \"port\" {}\nresource \"x\" \"y\" { p = var.port }\n",
    )]);
    match attr(&roots, "x.y", "p") {
        Value::Unknown(u) => {
            assert!(u.reason.contains("has no default"), "{}", u.reason);
            assert!(u.origin.is_some());
        }
        other => panic!("expected unknown, got {other}"),
    }
}

#[test]
fn locals_conditionals_for_splat_templates_heredoc() {
    let (roots, codes) = eval(&[(
        "main.tf",
        r#"
locals {
  ports = [80, 443]
  names = { a = "x", b = "y" }
  doubled = [for p in local.ports : p * 2 if p > 100]
  keyed = { for k, v in local.names : v => k }
  on = true
}
resource "x" "y" {
  cond  = local.on ? "yes" : "no"
  dbl   = local.doubled
  keyed = local.keyed
  tmpl  = "port-${local.ports[1]}"
  legacy = "${local.ports}"
  doc   = <<-EOT
    hello ${local.names["a"]}
    EOT
  dir   = "%{ for p in local.ports }${p},%{ endfor }"
}
resource "x" "z" {
  count = 2
  v     = count.index
}
resource "x" "s" {
  all = x.z[*].v
  old = x.z.*.v
}
"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "cond"), s("yes"));
    assert_eq!(
        attr(&roots, "x.y", "dbl"),
        Value::List(vec![Value::Number(886.0)]),
        "443 doubled; 80 filtered"
    );
    assert_eq!(attr(&roots, "x.y", "tmpl"), s("port-443"));
    assert_eq!(
        attr(&roots, "x.y", "legacy"),
        Value::List(vec![Value::Number(80.0), Value::Number(443.0)])
    );
    assert_eq!(attr(&roots, "x.y", "doc"), s("hello x\n"));
    assert_eq!(attr(&roots, "x.y", "dir"), s("80,443,"));
    assert_eq!(
        attr(&roots, "x.s", "all"),
        Value::List(vec![Value::Number(0.0), Value::Number(1.0)])
    );
    assert_eq!(
        attr(&roots, "x.s", "old"),
        Value::List(vec![Value::Number(0.0), Value::Number(1.0)])
    );
    let keyed = attr(&roots, "x.y", "keyed");
    assert_eq!(keyed.as_object().unwrap().get("y"), Some(&s("b")));
}

#[test]
fn count_for_each_and_references_are_symbols() {
    let (roots, codes) = eval(&[(
        "main.tf",
        r#"
resource "aws_security_group" "g" {
  for_each = toset(["a", "b"])
  name     = "sg-${each.key}"
}
resource "aws_instance" "i" {
  count                  = 3
  vpc_security_group_ids = [aws_security_group.g["a"].id]
  tag                    = "n${count.index}"
}
resource "x" "y" {
  ids   = aws_instance.i[*].id
  name  = aws_security_group.g["b"].name
}
"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    let roots0 = &roots[0];
    assert!(roots0.resource("aws_instance.i[2]").is_some());
    assert_eq!(attr(&roots, "aws_instance.i[1]", "tag"), s("n1"));
    assert_eq!(
        attr(&roots, "aws_security_group.g[\"b\"]", "name"),
        s("sg-b")
    );
    assert_eq!(attr(&roots, "x.y", "name"), s("sg-b"));
    match attr(&roots, "aws_instance.i[0]", "vpc_security_group_ids") {
        Value::List(items) => match &items[0] {
            Value::Reference(r) => {
                assert_eq!(&*r.address, "aws_security_group.g[\"a\"]");
                assert_eq!(r.attribute, "id");
            }
            other => panic!("{other}"),
        },
        other => panic!("{other}"),
    }
    assert_eq!(attr(&roots, "x.y", "ids").as_list().unwrap().len(), 3);
}

#[test]
fn dynamic_blocks_expand() {
    let (roots, codes) = eval(&[(
        "main.tf",
        r#"
variable "ports" { default = [80, 443] }
resource "aws_security_group" "g" {
  dynamic "ingress" {
    for_each = var.ports
    iterator = p
    content {
      from_port = p.value
      to_port   = p.value
      protocol  = "tcp"
    }
  }
}
"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    let r = roots[0].resource("aws_security_group.g").unwrap();
    let ports: Vec<Value> = r
        .body
        .blocks_of("ingress")
        .map(|b| b.body.get("from_port").unwrap().value.clone())
        .collect();
    assert_eq!(ports, vec![Value::Number(80.0), Value::Number(443.0)]);
}

#[test]
fn nested_local_modules_pass_inputs_and_outputs() {
    let (roots, codes) = eval(&[
        ("root/main.tf", "module \"net\" {\n source = \"../modules/net\"\n base = \"10.0.0.0/16\"\n}\nresource \"x\" \"y\" { cidr = module.net.subnet }\n"),
        ("modules/net/main.tf", "variable \"base\" {}\nmodule \"inner\" {\n source = \"../inner\"\n cidr = cidrsubnet(var.base, 8, 2)\n}\noutput \"subnet\" { value = module.inner.cidr }\n"),
        ("modules/inner/main.tf", "variable \"cidr\" {}\nresource \"aws_subnet\" \"s\" { cidr_block = var.cidr }\noutput \"cidr\" { value = aws_subnet.s.cidr_block }\n"),
    ]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(roots.len(), 1, "only the root that nobody calls");
    assert_eq!(attr(&roots, "x.y", "cidr"), s("10.0.2.0/24"));
    assert!(roots[0]
        .resource("module.net.module.inner.aws_subnet.s")
        .is_some());
    assert!(roots[0]
        .graph
        .contains("module.net.module.inner.aws_subnet.s"));
}

#[test]
fn undeclared_references_cycles_and_self_calls_are_reported() {
    let (_, codes) = eval(&[(
        "main.tf",
        "locals {\n a = local.b\n b = local.a\n}\nresource \"x\" \"y\" { v = var.nope }\n",
    )]);
    assert!(codes.contains(&"TF003".to_string()), "{codes:?}");
    assert!(codes.contains(&"TF002".to_string()), "{codes:?}");
    let (_, codes) = eval(&[("main.tf", "module \"me\" { source = \"./\" }\n")]);
    assert!(codes.contains(&"TF003".to_string()), "{codes:?}");
}

#[test]
fn count_limit_is_an_error_not_an_allocation() {
    let (roots, codes) = eval(&[("main.tf", "resource \"x\" \"y\" { count = 1e9 }\n")]);
    assert_eq!(codes, vec!["TF004".to_string()]);
    assert_eq!(roots[0].resources.len(), 1, "one representative instance");
}

#[test]
fn json_syntax_is_read() {
    let (roots, codes) = eval(&[(
        "main.tf.json",
        r#"{"variable": {"p": {"default": 8080}}, "resource": {"aws_security_group": {"g": {"ingress": [{"from_port": "${var.p}", "to_port": 8080, "protocol": "tcp"}]}}}}"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    let r = roots[0].resource("aws_security_group.g").unwrap();
    let b = r.body.blocks_of("ingress").next().unwrap();
    assert_eq!(
        b.body.get("from_port").unwrap().value,
        Value::Number(8080.0)
    );
}

#[test]
fn syntax_errors_are_located_and_other_roots_still_load() {
    let (roots, codes) = eval(&[
        ("bad/main.tf", "resource \"x\" \"y\" {\n"),
        ("good/main.tf", "resource \"x\" \"y\" { a = 1 }\n"),
    ]);
    assert_eq!(codes, vec!["TF001".to_string()]);
    assert_eq!(attr(&roots, "x.y", "a"), Value::Number(1.0));
}

#[test]
fn installed_remote_modules_are_read_and_missing_ones_noted() {
    let (roots, codes) = eval(&[
        ("main.tf", "module \"vpc\" {\n source = \"terraform-aws-modules/vpc/aws\"\n cidr = \"10.1.0.0/16\"\n}\nmodule \"gone\" {\n source = \"terraform-aws-modules/s3-bucket/aws\"\n}\nresource \"x\" \"y\" {\n cidr = module.vpc.cidr\n other = module.gone.id\n}\n"),
        (".terraform/modules/modules.json", r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Dir":".terraform/modules/vpc"}]}"#),
        (".terraform/modules/vpc/main.tf", "variable \"cidr\" {}\nresource \"aws_vpc\" \"this\" { cidr_block = var.cidr }\noutput \"cidr\" { value = aws_vpc.this.cidr_block }\n"),
    ]);
    assert_eq!(
        roots.len(),
        1,
        "the installed module is not a root of its own"
    );
    assert_eq!(attr(&roots, "x.y", "cidr"), s("10.1.0.0/16"));
    assert!(roots[0].resource("module.vpc.aws_vpc.this").is_some());
    match attr(&roots, "x.y", "other") {
        Value::Unknown(u) => assert!(u.reason.contains("not installed locally"), "{}", u.reason),
        other => panic!("expected unknown, got {other}"),
    }
    assert_eq!(codes, vec!["TF005".to_string()]);
}

#[test]
fn try_can_directives_and_special_names() {
    let (roots, codes) = eval(&[(
        "main.tf",
        r#"
variable "unset" {}
locals {
  m = { a = 1 }
}
resource "x" "y" {
  t1   = try(local.m.b, "fallback")
  t2   = try(local.m.a, 0)
  c1   = can(local.m.b)
  c2   = can(local.m.a)
  iff  = "%{ if local.m.a == 1 }one%{ else }other%{ endif }"
  ws   = terraform.workspace
  mod  = path.module
  cond = var.unset ? "same" : "same"
  diff = var.unset ? "a" : "b"
  neg  = -local.m.a
  num  = "${local.m.a + 1}"
}
"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "t1"), s("fallback"));
    assert_eq!(attr(&roots, "x.y", "t2"), Value::Number(1.0));
    assert_eq!(attr(&roots, "x.y", "c1"), Value::Bool(false));
    assert_eq!(attr(&roots, "x.y", "c2"), Value::Bool(true));
    assert_eq!(attr(&roots, "x.y", "iff"), s("one"));
    assert_eq!(attr(&roots, "x.y", "ws"), s("default"));
    assert_eq!(
        attr(&roots, "x.y", "cond"),
        s("same"),
        "both branches agree, so the unknown condition does not matter"
    );
    assert!(attr(&roots, "x.y", "diff").is_unknown());
    assert_eq!(attr(&roots, "x.y", "neg"), Value::Number(-1.0));
    assert_eq!(attr(&roots, "x.y", "num"), Value::Number(2.0));
    assert!(matches!(attr(&roots, "x.y", "mod"), Value::String(_)));
}

#[test]
fn module_count_and_for_each_instances() {
    let (roots, codes) = eval(&[
        ("main.tf", "module \"m\" {\n source = \"./m\"\n count = 2\n n = count.index\n}\nmodule \"f\" {\n source = \"./m\"\n for_each = { a = 10, b = 20 }\n n = each.value\n}\nresource \"x\" \"y\" {\n first = module.m[1].out\n all = module.m[*].out\n keyed = module.f[\"b\"].out\n}\n"),
        ("m/main.tf", "variable \"n\" {}\nresource \"aws_subnet\" \"s\" { cidr_block = cidrsubnet(\"10.0.0.0/16\", 8, var.n) }\noutput \"out\" { value = aws_subnet.s.cidr_block }\n"),
    ]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "first"), s("10.0.1.0/24"));
    assert_eq!(
        attr(&roots, "x.y", "all"),
        Value::List(vec![s("10.0.0.0/24"), s("10.0.1.0/24")])
    );
    assert_eq!(attr(&roots, "x.y", "keyed"), s("10.0.20.0/24"));
    assert!(roots[0].resource("module.f[\"a\"].aws_subnet.s").is_some());
}

#[test]
fn legacy_quoted_types_and_list_interpolation() {
    let (roots, codes) = eval(&[(
        "main.tf",
        r#"
variable "azs" {
  type    = "list"
  default = ["a", "b"]
}
variable "ports" {
  type    = "map"
  default = { web = "8080" }
}
resource "x" "y" {
  n    = "${length(var.azs)}"
  port = "${lookup(var.ports, "web")}"
  el   = "${element(var.azs, 3)}"
}
"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "n"), Value::Number(2.0));
    assert_eq!(attr(&roots, "x.y", "port"), s("8080"));
    assert_eq!(attr(&roots, "x.y", "el"), s("b"), "element wraps around");
}

#[test]
fn terraform_0_11_bool_count_converts_to_one_or_zero() {
    let (roots, codes) = eval(&[(
        "main.tf",
        r#"
variable "monitoring" { default = false }
variable "enabled" { default = true }
variable "flag" { default = "true" }
resource "x" "off" { count = "${var.monitoring}" }
resource "x" "on" { count = "${var.enabled}" }
resource "x" "typed" { count = var.enabled }
resource "x" "string" { count = var.flag }
"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    let addresses: Vec<&str> = roots[0].resources.iter().map(|r| &*r.address).collect();
    assert_eq!(addresses, ["x.on[0]", "x.string[0]", "x.typed[0]"]);
}

#[test]
fn blocks_of_older_terraform_are_notes_not_parse_errors() {
    let (roots, codes) = eval(&[
        (
            "main.tf",
            r#"
atlas {
  name = "hashicorp/best-practices"
}
resource "terraform_remote_state" "vpc" {
  backend = "atlas"
}
resource "template_file" "user_data" {
  template = "x"
}
resource "x" "y" {
  vpc = terraform_remote_state.vpc.output.vpc_id
  data = template_file.user_data.rendered
}
"#,
        ),
        ("legacy.tf.json", r#"{"atlas": {"name": "a/b"}}"#),
    ]);
    assert_eq!(codes, ["TF006", "TF006", "TF006", "TF006"], "{codes:?}");
    assert!(
        attr(&roots, "x.y", "vpc").is_unknown()
            || matches!(attr(&roots, "x.y", "vpc"), Value::Reference(_))
    );
}

#[test]
fn opentofu_files_are_read_and_replace_the_tf_file_of_their_name() {
    let (roots, codes) = eval(&[
        ("main.tf", "resource \"x\" \"y\" { v = \"terraform\" }\n"),
        ("main.tofu", "resource \"x\" \"y\" { v = \"tofu\" }\n"),
        ("extra.tofu", "resource \"x\" \"z\" { v = local.j }\n"),
        ("j.tf.json", r#"{"locals": {"j": "tf.json"}}"#),
        ("j.tofu.json", r#"{"locals": {"j": "tofu.json"}}"#),
        ("override.tofu", "resource \"x\" \"z\" { w = 1 }\n"),
    ]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "v"), s("tofu"));
    assert_eq!(attr(&roots, "x.z", "v"), s("tofu.json"));
    assert_eq!(attr(&roots, "x.z", "w"), Value::Number(1.0));
    // A directory holding only OpenTofu files is a module too.
    let (roots, codes) = eval(&[("only.tofu", "resource \"x\" \"y\" { v = 1 }\n")]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "v"), Value::Number(1.0));
}

#[test]
fn a_conditional_gives_its_branches_one_type_without_failing_on_the_other_branch() {
    let (roots, codes) = eval(&[(
        "main.tf",
        r#"
locals {
  empty = []
}
resource "x" "y" {
  guarded = length(local.empty) > 0 ? local.empty[0] : 0
  mixed   = false ? "a" : 1
  port    = true ? 80 : 443
}
"#,
    )]);
    assert!(codes.is_empty(), "{codes:?}");
    assert_eq!(attr(&roots, "x.y", "guarded"), Value::Number(0.0));
    assert_eq!(attr(&roots, "x.y", "mixed"), s("1"));
    assert_eq!(attr(&roots, "x.y", "port"), Value::Number(80.0));
}

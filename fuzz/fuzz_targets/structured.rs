//! Structure-aware fuzzing: an `arbitrary`-derived syntax tree of the Terraform this tool reads
//! (VPCs, subnets, security groups with inline, dynamic and standalone rules, network ACLs,
//! load balancers, instances, autoscaling groups, route tables, locals, variables, tfvars,
//! outputs, a local module and an override file), rendered as valid-looking HCL and run
//! through the pipeline.
//!
//! Byte-level mutation rarely gets past the parser into the model and the checks; this target
//! starts there. Names come from a small pool so that references usually resolve, and ports,
//! CIDRs, protocols and counts mix ordinary values with edge cases (-1, 65536, /33, 1e9).

#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use std::fmt::Write;

#[path = "common.rs"]
mod common;

#[derive(Arbitrary, Debug)]
struct Config {
    items: Vec<Item>,
    tfvars: Vec<(Name, Expr)>,
    module: Vec<Item>,
    /// Blocks of an override file, merged into (or failing to match) those of `main.tf`.
    overrides: Vec<Item>,
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Name {
    A,
    B,
    C,
    Web,
    Lb,
}

impl Name {
    fn s(self) -> &'static str {
        match self {
            Name::A => "a",
            Name::B => "b",
            Name::C => "c",
            Name::Web => "web",
            Name::Lb => "lb",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Item {
    Vpc(Name, Cidr),
    CidrAssoc(Name, Name, Cidr),
    Subnet {
        name: Name,
        vpc: Name,
        cidr: Cidr,
        az: u8,
        count: Option<Count>,
    },
    SecurityGroup {
        name: Name,
        vpc: Option<Name>,
        ingress: Vec<SgRule>,
        egress: Vec<SgRule>,
        dynamic: Option<(bool, Vec<Port>)>,
    },
    DefaultSecurityGroup(Name, Vec<SgRule>),
    SgRuleResource {
        name: Name,
        group: Name,
        egress: bool,
        rule: SgRule,
        style: u8,
    },
    Nacl {
        name: Name,
        vpc: Name,
        subnets: Vec<Name>,
        rules: Vec<NaclRule>,
    },
    NaclRuleResource(Name, Name, NaclRule),
    NaclAssoc(Name, Name, Name),
    DefaultNacl(Name, Vec<NaclRule>),
    Elb {
        name: Name,
        subnets: Vec<Name>,
        groups: Option<Vec<Name>>,
        listeners: Vec<Listener>,
        health: Option<Health>,
        instances: Vec<Name>,
        internal: Option<bool>,
        cross_zone: Option<bool>,
        zones: Option<Vec<u8>>,
    },
    ElbAttachment(Name, Name, Name),
    Instance {
        name: Name,
        subnet: Option<Name>,
        groups: Vec<Name>,
        count: Option<Count>,
    },
    LaunchConfiguration(Name, Vec<Name>),
    Asg {
        name: Name,
        lc: Name,
        subnets: Vec<Name>,
        elbs: Vec<Name>,
    },
    RouteTable {
        name: Name,
        vpc: Name,
        igw: Option<Name>,
        subnets: Vec<Name>,
    },
    Igw(Name, Name),
    Local(Name, Expr),
    Variable {
        name: Name,
        ty: Option<Ty>,
        default: Option<Expr>,
    },
    Output(Name, Expr),
    Module {
        name: Name,
        local: bool,
        inputs: Vec<(Name, Expr)>,
        count: Option<Count>,
    },
    Suppression(Name, u8, bool),
}

#[derive(Arbitrary, Debug)]
enum Cidr {
    Vpc(u8),
    Sub(u8, u8),
    Any,
    Raw(u8, u8, u8, u8, u8),
    Expr(Box<Expr>),
}

#[derive(Arbitrary, Debug)]
enum Port {
    Common(u8),
    Raw(i32),
    Expr(Box<Expr>),
}

#[derive(Arbitrary, Debug)]
enum Proto {
    Tcp,
    Udp,
    Icmp,
    All,
    Six,
    Upper,
    Other(u8),
}

#[derive(Arbitrary, Debug)]
enum Peer {
    Cidrs(Vec<Cidr>),
    Groups(Vec<Name>),
    SelfRef,
    Ipv6,
}

#[derive(Arbitrary, Debug)]
struct SgRule {
    from: Port,
    to: Option<Port>,
    proto: Proto,
    peer: Peer,
}

#[derive(Arbitrary, Debug)]
struct NaclRule {
    egress: bool,
    number: u16,
    allow: bool,
    proto: Proto,
    from: Port,
    to: Port,
    cidr: Cidr,
}

#[derive(Arbitrary, Debug)]
struct Listener {
    lb_port: Port,
    instance_port: Port,
    proto: u8,
}

#[derive(Arbitrary, Debug)]
enum Health {
    Target(u8, Port, bool),
    Raw(String),
}

#[derive(Arbitrary, Debug)]
enum Count {
    Small(u8),
    Huge,
    Expr(Box<Expr>),
    ForEach(Vec<Name>),
}

#[derive(Arbitrary, Debug)]
enum Ty {
    Number,
    String,
    Bool,
    ListString,
    MapNumber,
    Object,
    Any,
}

#[derive(Arbitrary, Debug)]
enum Expr {
    Num(i32),
    Str(Name),
    Bool(bool),
    Null,
    Var(Name),
    Local(Name),
    Attr(ResKind, Name, Attr),
    Index(Box<Expr>, Box<Expr>),
    ModuleOut(Name, Name),
    EachValue,
    CountIndex,
    List(Vec<Expr>),
    Object(Vec<(Name, Expr)>),
    Call(Func, Vec<Expr>),
    Binary(Op, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    For(Name, Box<Expr>, Box<Expr>, bool),
    Template(Vec<Expr>),
    Splat(ResKind, Name),
    /// A format string: flags, width, precision and verb, e.g. `%-08.3f`.
    Format(u8, Option<u32>, Option<u32>, u8),
    /// Any number, including ones that do not fit an integer.
    Float(f64),
    /// Text with awkward characters (escaped for HCL).
    Text(String),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum ResKind {
    Vpc,
    Subnet,
    Sg,
    Instance,
    Elb,
    Nacl,
}

impl ResKind {
    fn s(self) -> &'static str {
        match self {
            ResKind::Vpc => "aws_vpc",
            ResKind::Subnet => "aws_subnet",
            ResKind::Sg => "aws_security_group",
            ResKind::Instance => "aws_instance",
            ResKind::Elb => "aws_elb",
            ResKind::Nacl => "aws_network_acl",
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Attr {
    Id,
    CidrBlock,
    VpcId,
    Listener,
    Ingress,
}

#[derive(Arbitrary, Debug)]
enum Func {
    Cidrsubnet,
    Cidrhost,
    Concat,
    Flatten,
    Lookup,
    Element,
    Merge,
    Tolist,
    Toset,
    Format,
    Join,
    Split,
    Range,
    Length,
    Keys,
    Values,
    Zipmap,
    Try,
    Coalesce,
    Distinct,
    Setunion,
    Setintersection,
    Replace,
    Jsonencode,
    Jsondecode,
    Formatlist,
    Cidrsubnets,
    File,
    Unknown,
}

#[derive(Arbitrary, Debug)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Eq,
    Lt,
    And,
    Or,
}

/// Renders the tree as HCL.
struct Out {
    text: String,
    /// Guards against trees deep enough to exceed the parser's nesting limit everywhere.
    depth: usize,
}

impl Out {
    fn expr(&mut self, e: &Expr) {
        if self.depth > 40 {
            self.text.push('1');
            return;
        }
        self.depth += 1;
        let t = &mut self.text;
        match e {
            Expr::Num(n) => write!(t, "{n}").unwrap(),
            Expr::Str(n) => write!(t, "\"{}\"", n.s()).unwrap(),
            Expr::Bool(b) => write!(t, "{b}").unwrap(),
            Expr::Null => t.push_str("null"),
            Expr::Var(n) => write!(t, "var.{}", n.s()).unwrap(),
            Expr::Local(n) => write!(t, "local.{}", n.s()).unwrap(),
            Expr::Attr(k, n, a) => {
                let a = match a {
                    Attr::Id => "id",
                    Attr::CidrBlock => "cidr_block",
                    Attr::VpcId => "vpc_id",
                    Attr::Listener => "listener",
                    Attr::Ingress => "ingress",
                };
                write!(t, "{}.{}.{a}", k.s(), n.s()).unwrap()
            }
            Expr::Index(a, b) => {
                self.text.push('(');
                self.expr(a);
                self.text.push_str(")[");
                self.expr(b);
                self.text.push(']');
            }
            Expr::ModuleOut(m, o) => write!(t, "module.{}.{}", m.s(), o.s()).unwrap(),
            Expr::EachValue => t.push_str("each.value"),
            Expr::CountIndex => t.push_str("count.index"),
            Expr::List(items) => {
                self.text.push('[');
                for (i, x) in items.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(", ");
                    }
                    self.expr(x);
                }
                self.text.push(']');
            }
            Expr::Object(items) => {
                self.text.push('{');
                for (k, v) in items {
                    write!(self.text, " {} = ", k.s()).unwrap();
                    self.expr(v);
                    self.text.push(',');
                }
                self.text.push('}');
            }
            Expr::Call(f, args) => {
                let name = match f {
                    Func::Cidrsubnet => "cidrsubnet",
                    Func::Cidrhost => "cidrhost",
                    Func::Concat => "concat",
                    Func::Flatten => "flatten",
                    Func::Lookup => "lookup",
                    Func::Element => "element",
                    Func::Merge => "merge",
                    Func::Tolist => "tolist",
                    Func::Toset => "toset",
                    Func::Format => "format",
                    Func::Join => "join",
                    Func::Split => "split",
                    Func::Range => "range",
                    Func::Length => "length",
                    Func::Keys => "keys",
                    Func::Values => "values",
                    Func::Zipmap => "zipmap",
                    Func::Try => "try",
                    Func::Coalesce => "coalesce",
                    Func::Distinct => "distinct",
                    Func::Setunion => "setunion",
                    Func::Setintersection => "setintersection",
                    Func::Replace => "replace",
                    Func::Jsonencode => "jsonencode",
                    Func::Jsondecode => "jsondecode",
                    Func::Formatlist => "formatlist",
                    Func::Cidrsubnets => "cidrsubnets",
                    Func::File => "file",
                    Func::Unknown => "nosuchfunction",
                };
                write!(self.text, "{name}(").unwrap();
                for (i, x) in args.iter().enumerate() {
                    if i > 0 {
                        self.text.push_str(", ");
                    }
                    self.expr(x);
                }
                self.text.push(')');
            }
            Expr::Binary(op, a, b) => {
                let op = match op {
                    Op::Add => "+",
                    Op::Sub => "-",
                    Op::Mul => "*",
                    Op::Div => "/",
                    Op::Mod => "%",
                    Op::Eq => "==",
                    Op::Lt => "<",
                    Op::And => "&&",
                    Op::Or => "||",
                };
                self.text.push('(');
                self.expr(a);
                write!(self.text, " {op} ").unwrap();
                self.expr(b);
                self.text.push(')');
            }
            Expr::Cond(c, a, b) => {
                self.text.push('(');
                self.expr(c);
                self.text.push_str(" ? ");
                self.expr(a);
                self.text.push_str(" : ");
                self.expr(b);
                self.text.push(')');
            }
            Expr::For(v, coll, body, object) => {
                let v = v.s();
                if *object {
                    write!(self.text, "{{for k, {v} in ").unwrap();
                    self.expr(coll);
                    write!(self.text, " : k => ").unwrap();
                    self.expr(body);
                    self.text.push('}');
                } else {
                    write!(self.text, "[for {v} in ").unwrap();
                    self.expr(coll);
                    self.text.push_str(" : ");
                    self.expr(body);
                    self.text.push(']');
                }
            }
            Expr::Template(parts) => {
                self.text.push('"');
                for p in parts {
                    self.text.push_str("x${");
                    self.expr(p);
                    self.text.push('}');
                }
                self.text.push('"');
            }
            Expr::Splat(k, n) => write!(t, "{}.{}[*].id", k.s(), n.s()).unwrap(),
            Expr::Format(flags, width, prec, verb) => {
                let flag = ["", "-", "+", "0", " ", "#"][*flags as usize % 6];
                let verb = [
                    'd', 's', 'v', 'f', 'e', 'g', 'x', 'X', 'o', 'b', 'q', 't', 'E', 'G',
                ][*verb as usize % 14];
                t.push_str("\"%");
                t.push_str(flag);
                if let Some(w) = width {
                    write!(t, "{}", w % 200_000).unwrap();
                }
                if let Some(p) = prec {
                    write!(t, ".{}", p % 200_000).unwrap();
                }
                write!(t, "{verb} %[1]v\"").unwrap();
            }
            Expr::Float(f) if f.is_finite() => write!(t, "{f:e}").unwrap(),
            Expr::Float(_) => t.push_str("(1e308 * 10)"),
            Expr::Text(s) => {
                t.push('"');
                for c in s.chars() {
                    match c {
                        '"' => t.push_str("\\\""),
                        '\\' => t.push_str("\\\\"),
                        '\n' => t.push_str("\\n"),
                        '$' => t.push_str("$$"),
                        '%' => t.push_str("%%"),
                        c if c.is_control() => write!(t, "\\u{:04x}", c as u32 & 0xffff).unwrap(),
                        c => t.push(c),
                    }
                }
                t.push('"');
            }
        }
        self.depth -= 1;
    }

    fn cidr(&mut self, c: &Cidr) {
        match c {
            Cidr::Vpc(x) => write!(self.text, "\"10.{x}.0.0/16\"").unwrap(),
            Cidr::Sub(x, y) => write!(self.text, "\"10.{x}.{y}.0/24\"").unwrap(),
            Cidr::Any => self.text.push_str("\"0.0.0.0/0\""),
            Cidr::Raw(a, b, c, d, p) => {
                write!(self.text, "\"{a}.{b}.{c}.{d}/{}\"", p % 40).unwrap()
            }
            Cidr::Expr(e) => self.expr(e),
        }
    }

    fn port(&mut self, p: &Port) {
        match p {
            Port::Common(i) => {
                let v = [80, 443, 8080, 22, 0, -1, 1024, 65535, 65536, 3306][*i as usize % 10];
                write!(self.text, "{v}").unwrap()
            }
            Port::Raw(n) => write!(self.text, "{n}").unwrap(),
            Port::Expr(e) => self.expr(e),
        }
    }

    fn proto(&mut self, p: &Proto) {
        let s = match p {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
            Proto::Icmp => "icmp",
            Proto::All => "-1",
            Proto::Six => "6",
            Proto::Upper => "TCP",
            Proto::Other(n) => return write!(self.text, "\"{n}\"").unwrap(),
        };
        write!(self.text, "\"{s}\"").unwrap();
    }

    fn names(&mut self, kind: &str, names: &[Name], attr: &str) {
        self.text.push('[');
        for (i, n) in names.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            write!(self.text, "{kind}.{}.{attr}", n.s()).unwrap();
        }
        self.text.push(']');
    }

    fn count(&mut self, c: &Option<Count>) {
        match c {
            None => {}
            Some(Count::Small(n)) => writeln!(self.text, "  count = {}", n % 5).unwrap(),
            Some(Count::Huge) => self.text.push_str("  count = 1e9\n"),
            Some(Count::Expr(e)) => {
                self.text.push_str("  count = ");
                self.expr(e);
                self.text.push('\n');
            }
            Some(Count::ForEach(keys)) => {
                self.text.push_str("  for_each = toset([");
                for k in keys {
                    write!(self.text, "\"{}\", ", k.s()).unwrap();
                }
                self.text.push_str("])\n");
            }
        }
    }

    fn sg_rule(&mut self, kind: &str, r: &SgRule) {
        writeln!(self.text, "  {kind} {{").unwrap();
        self.text.push_str("    from_port = ");
        self.port(&r.from);
        self.text.push_str("\n    to_port = ");
        self.port(r.to.as_ref().unwrap_or(&r.from));
        self.text.push_str("\n    protocol = ");
        self.proto(&r.proto);
        self.text.push('\n');
        self.peer(&r.peer, "cidr_blocks", "security_groups");
        self.text.push_str("  }\n");
    }

    fn peer(&mut self, p: &Peer, cidrs: &str, groups: &str) {
        match p {
            Peer::Cidrs(list) => {
                write!(self.text, "    {cidrs} = [").unwrap();
                for c in list {
                    self.cidr(c);
                    self.text.push_str(", ");
                }
                self.text.push_str("]\n");
            }
            Peer::Groups(list) => {
                write!(self.text, "    {groups} = ").unwrap();
                self.names("aws_security_group", list, "id");
                self.text.push('\n');
            }
            Peer::SelfRef => self.text.push_str("    self = true\n"),
            Peer::Ipv6 => self.text.push_str("    ipv6_cidr_blocks = [\"::/0\"]\n"),
        }
    }

    fn nacl_rule(&mut self, r: &NaclRule, inline: bool) {
        let (num, action) = if inline {
            ("rule_no", "action")
        } else {
            ("rule_number", "rule_action")
        };
        write!(
            self.text,
            "    {num} = {}\n    {action} = \"{}\"\n    protocol = ",
            r.number % 400,
            if r.allow { "allow" } else { "deny" }
        )
        .unwrap();
        self.proto(&r.proto);
        self.text.push_str("\n    from_port = ");
        self.port(&r.from);
        self.text.push_str("\n    to_port = ");
        self.port(&r.to);
        self.text.push_str("\n    cidr_block = ");
        self.cidr(&r.cidr);
        self.text.push('\n');
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Vpc(n, c) => {
                write!(self.text, "resource \"aws_vpc\" \"{}\" {{\n  cidr_block = ", n.s()).unwrap();
                self.cidr(c);
                self.text.push_str("\n}\n");
            }
            Item::CidrAssoc(n, vpc, c) => {
                write!(
                    self.text,
                    "resource \"aws_vpc_ipv4_cidr_block_association\" \"{}\" {{\n  vpc_id = aws_vpc.{}.id\n  cidr_block = ",
                    n.s(),
                    vpc.s()
                )
                .unwrap();
                self.cidr(c);
                self.text.push_str("\n}\n");
            }
            Item::Subnet {
                name,
                vpc,
                cidr,
                az,
                count,
            } => {
                writeln!(self.text, "resource \"aws_subnet\" \"{}\" {{", name.s()).unwrap();
                self.count(count);
                write!(
                    self.text,
                    "  vpc_id = aws_vpc.{}.id\n  availability_zone = \"eu-west-1{}\"\n  cidr_block = ",
                    vpc.s(),
                    (b'a' + az % 3) as char
                )
                .unwrap();
                self.cidr(cidr);
                self.text.push_str("\n}\n");
            }
            Item::SecurityGroup {
                name,
                vpc,
                ingress,
                egress,
                dynamic,
            } => {
                writeln!(self.text, "resource \"aws_security_group\" \"{}\" {{", name.s()).unwrap();
                if let Some(v) = vpc {
                    writeln!(self.text, "  vpc_id = aws_vpc.{}.id", v.s()).unwrap();
                }
                for r in ingress {
                    self.sg_rule("ingress", r);
                }
                for r in egress {
                    self.sg_rule("egress", r);
                }
                if let Some((eg, ports)) = dynamic {
                    let kind = if *eg { "egress" } else { "ingress" };
                    write!(self.text, "  dynamic \"{kind}\" {{\n    for_each = [").unwrap();
                    for p in ports {
                        self.port(p);
                        self.text.push_str(", ");
                    }
                    write!(
                        self.text,
                        "]\n    content {{\n      from_port = {kind}.value\n      to_port = {kind}.value\n      protocol = \"tcp\"\n      cidr_blocks = [\"10.0.0.0/8\"]\n    }}\n  }}\n"
                    )
                    .unwrap();
                }
                self.text.push_str("}\n");
            }
            Item::DefaultSecurityGroup(vpc, rules) => {
                write!(
                    self.text,
                    "resource \"aws_default_security_group\" \"{}\" {{\n  vpc_id = aws_vpc.{}.id\n",
                    vpc.s(),
                    vpc.s()
                )
                .unwrap();
                for r in rules {
                    self.sg_rule("ingress", r);
                }
                self.text.push_str("}\n");
            }
            Item::SgRuleResource {
                name,
                group,
                egress,
                rule,
                style,
            } => {
                let kind = if *egress { "egress" } else { "ingress" };
                if style % 2 == 0 {
                    write!(
                        self.text,
                        "resource \"aws_security_group_rule\" \"{}\" {{\n  type = \"{kind}\"\n  security_group_id = aws_security_group.{}.id\n  from_port = ",
                        name.s(),
                        group.s()
                    )
                    .unwrap();
                    self.port(&rule.from);
                    self.text.push_str("\n  to_port = ");
                    self.port(rule.to.as_ref().unwrap_or(&rule.from));
                    self.text.push_str("\n  protocol = ");
                    self.proto(&rule.proto);
                    self.text.push('\n');
                    match &rule.peer {
                        Peer::Groups(g) if !g.is_empty() => writeln!(
                            self.text,
                            "  source_security_group_id = aws_security_group.{}.id",
                            g[0].s()
                        )
                        .unwrap(),
                        p => self.peer(p, "cidr_blocks", "security_groups"),
                    }
                } else {
                    write!(
                        self.text,
                        "resource \"aws_vpc_security_group_{kind}_rule\" \"{}\" {{\n  security_group_id = aws_security_group.{}.id\n  ip_protocol = ",
                        name.s(),
                        group.s()
                    )
                    .unwrap();
                    self.proto(&rule.proto);
                    self.text.push_str("\n  from_port = ");
                    self.port(&rule.from);
                    self.text.push_str("\n  to_port = ");
                    self.port(rule.to.as_ref().unwrap_or(&rule.from));
                    self.text.push('\n');
                    match &rule.peer {
                        Peer::Groups(g) if !g.is_empty() => writeln!(
                            self.text,
                            "  referenced_security_group_id = aws_security_group.{}.id",
                            g[0].s()
                        )
                        .unwrap(),
                        Peer::Cidrs(c) if !c.is_empty() => {
                            self.text.push_str("  cidr_ipv4 = ");
                            self.cidr(&c[0]);
                            self.text.push('\n');
                        }
                        _ => {}
                    }
                }
                self.text.push_str("}\n");
            }
            Item::Nacl {
                name,
                vpc,
                subnets,
                rules,
            } => {
                write!(
                    self.text,
                    "resource \"aws_network_acl\" \"{}\" {{\n  vpc_id = aws_vpc.{}.id\n  subnet_ids = ",
                    name.s(),
                    vpc.s()
                )
                .unwrap();
                self.names("aws_subnet", subnets, "id");
                self.text.push('\n');
                for r in rules {
                    writeln!(self.text, "  {} {{", if r.egress { "egress" } else { "ingress" })
                        .unwrap();
                    self.nacl_rule(r, true);
                    self.text.push_str("  }\n");
                }
                self.text.push_str("}\n");
            }
            Item::NaclRuleResource(name, nacl, r) => {
                write!(
                    self.text,
                    "resource \"aws_network_acl_rule\" \"{}\" {{\n  network_acl_id = aws_network_acl.{}.id\n  egress = {}\n",
                    name.s(),
                    nacl.s(),
                    r.egress
                )
                .unwrap();
                self.nacl_rule(r, false);
                self.text.push_str("}\n");
            }
            Item::NaclAssoc(name, nacl, subnet) => writeln!(
                self.text,
                "resource \"aws_network_acl_association\" \"{}\" {{\n  network_acl_id = aws_network_acl.{}.id\n  subnet_id = aws_subnet.{}.id\n}}",
                name.s(),
                nacl.s(),
                subnet.s()
            )
            .unwrap(),
            Item::DefaultNacl(vpc, rules) => {
                write!(
                    self.text,
                    "resource \"aws_default_network_acl\" \"{}\" {{\n  default_network_acl_id = aws_vpc.{}.default_network_acl_id\n",
                    vpc.s(),
                    vpc.s()
                )
                .unwrap();
                for r in rules {
                    writeln!(self.text, "  {} {{", if r.egress { "egress" } else { "ingress" })
                        .unwrap();
                    self.nacl_rule(r, true);
                    self.text.push_str("  }\n");
                }
                self.text.push_str("}\n");
            }
            Item::Elb {
                name,
                subnets,
                groups,
                listeners,
                health,
                instances,
                internal,
                cross_zone,
                zones,
            } => {
                writeln!(self.text, "resource \"aws_elb\" \"{}\" {{", name.s()).unwrap();
                if !subnets.is_empty() {
                    self.text.push_str("  subnets = ");
                    self.names("aws_subnet", subnets, "id");
                    self.text.push('\n');
                }
                if let Some(g) = groups {
                    self.text.push_str("  security_groups = ");
                    self.names("aws_security_group", g, "id");
                    self.text.push('\n');
                }
                if let Some(z) = zones {
                    self.text.push_str("  availability_zones = [");
                    for a in z {
                        write!(self.text, "\"eu-west-1{}\", ", (b'a' + a % 3) as char).unwrap();
                    }
                    self.text.push_str("]\n");
                }
                if !instances.is_empty() {
                    self.text.push_str("  instances = ");
                    self.names("aws_instance", instances, "id");
                    self.text.push('\n');
                }
                if let Some(i) = internal {
                    writeln!(self.text, "  internal = {i}").unwrap();
                }
                if let Some(c) = cross_zone {
                    writeln!(self.text, "  cross_zone_load_balancing = {c}").unwrap();
                }
                for l in listeners {
                    let p = ["http", "https", "tcp", "ssl", "udp"][l.proto as usize % 5];
                    self.text.push_str("  listener {\n    lb_port = ");
                    self.port(&l.lb_port);
                    write!(self.text, "\n    lb_protocol = \"{p}\"\n    instance_port = ").unwrap();
                    self.port(&l.instance_port);
                    write!(self.text, "\n    instance_protocol = \"{p}\"\n  }}\n").unwrap();
                }
                match health {
                    None => {}
                    Some(Health::Target(proto, port, path)) => {
                        let p = ["TCP", "HTTP", "HTTPS", "SSL", "FTP"][*proto as usize % 5];
                        write!(self.text, "  health_check {{\n    target = \"{p}:").unwrap();
                        match port {
                            Port::Expr(e) => {
                                self.text.push_str("${");
                                self.expr(e);
                                self.text.push('}');
                            }
                            other => self.port(other),
                        }
                        if *path {
                            self.text.push_str("/health");
                        }
                        self.text.push_str("\"\n    healthy_threshold = 2\n    unhealthy_threshold = 2\n    timeout = 3\n    interval = 30\n  }\n");
                    }
                    Some(Health::Raw(s)) => {
                        let s: String = s
                            .chars()
                            .filter(|c| !matches!(c, '"' | '\\' | '$' | '%' | '\n'))
                            .collect();
                        writeln!(self.text, "  health_check {{\n    target = \"{s}\"\n  }}")
                            .unwrap();
                    }
                }
                self.text.push_str("}\n");
            }
            Item::ElbAttachment(name, elb, inst) => writeln!(
                self.text,
                "resource \"aws_elb_attachment\" \"{}\" {{\n  elb = aws_elb.{}.id\n  instance = aws_instance.{}.id\n}}",
                name.s(),
                elb.s(),
                inst.s()
            )
            .unwrap(),
            Item::Instance {
                name,
                subnet,
                groups,
                count,
            } => {
                writeln!(self.text, "resource \"aws_instance\" \"{}\" {{", name.s()).unwrap();
                self.count(count);
                if let Some(s) = subnet {
                    writeln!(self.text, "  subnet_id = aws_subnet.{}.id", s.s()).unwrap();
                }
                self.text.push_str("  vpc_security_group_ids = ");
                self.names("aws_security_group", groups, "id");
                self.text.push_str("\n}\n");
            }
            Item::LaunchConfiguration(name, groups) => {
                write!(
                    self.text,
                    "resource \"aws_launch_configuration\" \"{}\" {{\n  security_groups = ",
                    name.s()
                )
                .unwrap();
                self.names("aws_security_group", groups, "id");
                self.text.push_str("\n}\n");
            }
            Item::Asg {
                name,
                lc,
                subnets,
                elbs,
            } => {
                write!(
                    self.text,
                    "resource \"aws_autoscaling_group\" \"{}\" {{\n  launch_configuration = aws_launch_configuration.{}.name\n  vpc_zone_identifier = ",
                    name.s(),
                    lc.s()
                )
                .unwrap();
                self.names("aws_subnet", subnets, "id");
                self.text.push_str("\n  load_balancers = ");
                self.names("aws_elb", elbs, "name");
                self.text.push_str("\n}\n");
            }
            Item::RouteTable {
                name,
                vpc,
                igw,
                subnets,
            } => {
                write!(
                    self.text,
                    "resource \"aws_route_table\" \"{}\" {{\n  vpc_id = aws_vpc.{}.id\n",
                    name.s(),
                    vpc.s()
                )
                .unwrap();
                if let Some(g) = igw {
                    writeln!(
                        self.text,
                        "  route {{\n    cidr_block = \"0.0.0.0/0\"\n    gateway_id = aws_internet_gateway.{}.id\n  }}",
                        g.s()
                    )
                    .unwrap();
                }
                self.text.push_str("}\n");
                for s in subnets {
                    writeln!(
                        self.text,
                        "resource \"aws_route_table_association\" \"{}_{}\" {{\n  subnet_id = aws_subnet.{}.id\n  route_table_id = aws_route_table.{}.id\n}}",
                        name.s(),
                        s.s(),
                        s.s(),
                        name.s()
                    )
                    .unwrap();
                }
            }
            Item::Igw(name, vpc) => writeln!(
                self.text,
                "resource \"aws_internet_gateway\" \"{}\" {{\n  vpc_id = aws_vpc.{}.id\n}}",
                name.s(),
                vpc.s()
            )
            .unwrap(),
            Item::Local(n, e) => {
                write!(self.text, "locals {{\n  {} = ", n.s()).unwrap();
                self.expr(e);
                self.text.push_str("\n}\n");
            }
            Item::Variable { name, ty, default } => {
                writeln!(self.text, "variable \"{}\" {{", name.s()).unwrap();
                if let Some(t) = ty {
                    let t = match t {
                        Ty::Number => "number",
                        Ty::String => "string",
                        Ty::Bool => "bool",
                        Ty::ListString => "list(string)",
                        Ty::MapNumber => "map(number)",
                        Ty::Object => "object({ port = number, cidr = optional(string) })",
                        Ty::Any => "any",
                    };
                    writeln!(self.text, "  type = {t}").unwrap();
                }
                if let Some(d) = default {
                    self.text.push_str("  default = ");
                    self.expr(d);
                    self.text.push('\n');
                }
                self.text.push_str("}\n");
            }
            Item::Output(n, e) => {
                write!(self.text, "output \"{}\" {{\n  value = ", n.s()).unwrap();
                self.expr(e);
                self.text.push_str("\n}\n");
            }
            Item::Module {
                name,
                local,
                inputs,
                count,
            } => {
                writeln!(self.text, "module \"{}\" {{", name.s()).unwrap();
                if *local {
                    self.text.push_str("  source = \"./modules/m\"\n");
                } else {
                    self.text
                        .push_str("  source = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.0.0\"\n");
                }
                self.count(count);
                for (k, v) in inputs {
                    write!(self.text, "  {} = ", k.s()).unwrap();
                    self.expr(v);
                    self.text.push('\n');
                }
                self.text.push_str("}\n");
            }
            Item::Suppression(n, code, reason) => {
                let code = ["ELB001", "ELB004", "ELB010", "ELB900", "TF001"][*code as usize % 5];
                let reason = if *reason { " -- fuzz" } else { "" };
                writeln!(
                    self.text,
                    "# tf-elbcheck:ignore {code}{reason}\nresource \"aws_security_group\" \"{}\" {{}}",
                    n.s()
                )
                .unwrap();
            }
        }
    }
}

fn render(items: &[Item]) -> String {
    let mut out = Out {
        text: String::new(),
        depth: 0,
    };
    for item in items {
        out.item(item);
    }
    out.text
}

fuzz_target!(|config: Config| {
    let mut files = vec![("main.tf".to_string(), render(&config.items).into_bytes())];
    if !config.module.is_empty() {
        files.push((
            "modules/m/main.tf".to_string(),
            render(&config.module).into_bytes(),
        ));
    }
    if !config.overrides.is_empty() {
        files.push((
            "main_override.tf".to_string(),
            render(&config.overrides).into_bytes(),
        ));
    }
    if !config.tfvars.is_empty() {
        let mut out = Out {
            text: String::new(),
            depth: 0,
        };
        for (k, v) in &config.tfvars {
            write!(out.text, "{} = ", k.s()).unwrap();
            out.expr(v);
            out.text.push('\n');
        }
        files.push(("terraform.tfvars".to_string(), out.text.into_bytes()));
    }
    if std::env::var_os("TF_ELBCHECK_FUZZ_PRINT").is_some() {
        for (name, text) in &files {
            eprintln!("--- {name}\n{}", String::from_utf8_lossy(text));
        }
    }
    common::run(&files);
});

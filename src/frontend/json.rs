//! Terraform's JSON syntax (`.tf.json`, `.tfvars.json`): a small span-keeping JSON reader and its
//! lowering into the same syntax tree as native HCL. Strings are templates (`"${var.x}"`), parsed
//! with `hcl-edit` at their offset in the file.

use super::lower::Lowerer;
use crate::diagnostic::{Finding, Severity};
use crate::source::{FileId, SourceTable, Span};
use crate::syntax::{Attribute, Block, Body, Expr, ExprKind, ObjectKey, TemplatePart};

/// A JSON value with its byte range.
#[derive(Debug, Clone)]
struct JValue {
    kind: JKind,
    start: usize,
    end: usize,
}

#[derive(Debug, Clone)]
enum JKind {
    Null,
    Bool(bool),
    Number(f64),
    /// The decoded string and the byte offset where its content starts.
    String(String, usize),
    Array(Vec<JValue>),
    Object(Vec<(String, usize, JValue)>),
}

const MAX_DEPTH: usize = 64;

struct Reader<'a> {
    text: &'a [u8],
    pos: usize,
    depth: usize,
}

type ReadResult<T> = Result<T, (usize, String)>;

impl Reader<'_> {
    fn ws(&mut self) {
        while self.pos < self.text.len() && self.text[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> ReadResult<JValue> {
        self.ws();
        let start = self.pos;
        let Some(&c) = self.text.get(self.pos) else {
            return Err((self.pos, "unexpected end of file".into()));
        };
        let kind = match c {
            b'{' => {
                self.enter()?;
                self.pos += 1;
                let mut members = Vec::new();
                self.ws();
                if self.text.get(self.pos) == Some(&b'}') {
                    self.pos += 1;
                } else {
                    loop {
                        self.ws();
                        let key_at = self.pos;
                        let JKind::String(key, _) = self.value()?.kind else {
                            return Err((key_at, "expected a string key".into()));
                        };
                        self.ws();
                        self.expect(b':')?;
                        let v = self.value()?;
                        members.push((key, key_at, v));
                        self.ws();
                        match self.text.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err((self.pos, "expected ',' or '}'".into())),
                        }
                    }
                }
                self.depth -= 1;
                JKind::Object(members)
            }
            b'[' => {
                self.enter()?;
                self.pos += 1;
                let mut items = Vec::new();
                self.ws();
                if self.text.get(self.pos) == Some(&b']') {
                    self.pos += 1;
                } else {
                    loop {
                        items.push(self.value()?);
                        self.ws();
                        match self.text.get(self.pos) {
                            Some(b',') => self.pos += 1,
                            Some(b']') => {
                                self.pos += 1;
                                break;
                            }
                            _ => return Err((self.pos, "expected ',' or ']'".into())),
                        }
                    }
                }
                self.depth -= 1;
                JKind::Array(items)
            }
            b'"' => self.string()?,
            b't' => self.word("true", JKind::Bool(true))?,
            b'f' => self.word("false", JKind::Bool(false))?,
            b'n' => self.word("null", JKind::Null)?,
            b'-' | b'0'..=b'9' => {
                while self.pos < self.text.len()
                    && matches!(
                        self.text[self.pos],
                        b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
                    )
                {
                    self.pos += 1;
                }
                let s = std::str::from_utf8(&self.text[start..self.pos]).unwrap_or("");
                JKind::Number(
                    s.parse()
                        .map_err(|_| (start, format!("invalid number {s:?}")))?,
                )
            }
            _ => return Err((self.pos, "expected a JSON value".into())),
        };
        Ok(JValue {
            kind,
            start,
            end: self.pos,
        })
    }

    fn enter(&mut self) -> ReadResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err((self.pos, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    fn expect(&mut self, b: u8) -> ReadResult<()> {
        if self.text.get(self.pos) == Some(&b) {
            self.pos += 1;
            Ok(())
        } else {
            Err((self.pos, format!("expected '{}'", b as char)))
        }
    }

    fn word(&mut self, w: &str, kind: JKind) -> ReadResult<JKind> {
        if self.text[self.pos..].starts_with(w.as_bytes()) {
            self.pos += w.len();
            Ok(kind)
        } else {
            Err((self.pos, "expected a JSON value".into()))
        }
    }

    fn string(&mut self) -> ReadResult<JKind> {
        let open = self.pos;
        self.pos += 1;
        let content = self.pos;
        let mut out = String::new();
        loop {
            let Some(&c) = self.text.get(self.pos) else {
                return Err((open, "unterminated string".into()));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(JKind::String(out, content));
                }
                b'\\' => {
                    let e = *self
                        .text
                        .get(self.pos + 1)
                        .ok_or((self.pos, "bad escape".into()))?;
                    self.pos += 2;
                    match e {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'u' => {
                            let hex = self
                                .text
                                .get(self.pos..self.pos + 4)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .ok_or((self.pos, "bad \\u escape".to_string()))?;
                            self.pos += 4;
                            out.push(char::from_u32(hex).unwrap_or('\u{fffd}'));
                        }
                        other => out.push(other as char),
                    }
                }
                _ => {
                    let rest = std::str::from_utf8(&self.text[self.pos..]).unwrap_or("");
                    let ch = rest.chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.pos += ch.len_utf8().max(1);
                }
            }
        }
    }
}

/// Parses a `.tf.json` or `.tfvars.json` file of the source table.
pub fn parse_json(id: FileId, sources: &SourceTable) -> Result<Body, Finding> {
    parse_json_text(id, &sources.get(id).text)
}

/// Parses JSON `text`, the text of file `id`.
pub fn parse_json_text(id: FileId, text: &str) -> Result<Body, Finding> {
    let mut reader = Reader {
        text: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let err = |(at, msg): (usize, String)| {
        Finding::new(
            "TF001",
            Severity::Error,
            Span::new(id, at, at),
            format!("JSON syntax error: {msg}"),
        )
    };
    let root = reader.value().map_err(err)?;
    reader.ws();
    if reader.pos != text.len() {
        return Err(err((
            reader.pos,
            "unexpected content after the JSON value".into(),
        )));
    }
    let JKind::Object(members) = &root.kind else {
        return Err(err((
            root.start,
            "the top level must be a JSON object".into(),
        )));
    };
    let l = JsonLowerer {
        low: Lowerer { file: id, base: 0 },
    };
    Ok(l.top(members))
}

/// Nested block types of the resources this tool reads; other object keys are attributes.
const BLOCK_KEYS: &[&str] = &[
    "ingress",
    "egress",
    "listener",
    "health_check",
    "access_logs",
    "lifecycle",
    "timeouts",
    "network_interfaces",
    "mixed_instances_policy",
    "launch_template",
    "launch_template_specification",
    "override",
    "instances_distribution",
    "filter",
    "tag",
    "provisioner",
    "connection",
    "root_block_device",
    "ebs_block_device",
    "content",
];

struct JsonLowerer {
    low: Lowerer,
}

impl JsonLowerer {
    fn span(&self, s: usize, e: usize) -> Span {
        Span::new(self.low.file, s, e)
    }

    fn top(&self, members: &[(String, usize, JValue)]) -> Body {
        let mut body = Body::default();
        for (key, key_at, value) in members {
            match key.as_str() {
                "resource" | "data" => {
                    for (rtype, _, names) in objects(value) {
                        for (name, name_at, inner) in objects(names) {
                            for inner in as_object_list(inner) {
                                body.blocks.push(self.block(
                                    key,
                                    vec![rtype.clone(), name.clone()],
                                    name_at,
                                    inner,
                                ));
                            }
                        }
                    }
                }
                "variable" | "output" | "module" | "provider" => {
                    for (name, name_at, inner) in objects(value) {
                        for inner in as_object_list(inner) {
                            body.blocks
                                .push(self.block(key, vec![name.clone()], name_at, inner));
                        }
                    }
                }
                "locals" | "terraform" => {
                    for inner in as_object_list(value) {
                        body.blocks.push(self.block(key, vec![], *key_at, inner));
                    }
                }
                "//" => {}
                _ => body.attributes.push(self.attribute(key, *key_at, value)),
            }
        }
        body
    }

    fn block(&self, kind: &str, labels: Vec<String>, header_at: usize, value: &JValue) -> Block {
        Block {
            kind: kind.into(),
            labels: labels.into_iter().map(Into::into).collect(),
            body: self.body(kind, value),
            header_span: self.span(header_at, header_at),
            span: self.span(value.start, value.end),
        }
    }

    fn body(&self, kind: &str, value: &JValue) -> Body {
        let mut body = Body::default();
        for (key, key_at, v) in objects(value) {
            let nested = kind != "locals" && kind != "variable" && kind != "output";
            if key == "//" {
                continue;
            }
            if nested && key == "dynamic" {
                for (label, label_at, inner) in objects(v) {
                    for inner in as_object_list(inner) {
                        body.blocks.push(Block {
                            kind: "dynamic".into(),
                            labels: vec![label.as_str().into()],
                            body: self.body("dynamic", inner),
                            header_span: self.span(label_at, label_at),
                            span: self.span(inner.start, inner.end),
                        });
                    }
                }
            } else if nested && BLOCK_KEYS.contains(&key.as_str()) && is_object_or_list(v) {
                for inner in as_object_list(v) {
                    body.blocks.push(Block {
                        kind: key.as_str().into(),
                        labels: vec![],
                        body: self.body(&key, inner),
                        header_span: self.span(key_at, key_at),
                        span: self.span(inner.start, inner.end),
                    });
                }
            } else {
                body.attributes.push(self.attribute(&key, key_at, v));
            }
        }
        body
    }

    fn attribute(&self, key: &str, key_at: usize, value: &JValue) -> Attribute {
        let expr = if key == "type" {
            // A variable's type is an expression written as a string.
            match &value.kind {
                JKind::String(s, at) => hcl_edit::parser::parse_expr(s)
                    .map(|e| {
                        Lowerer {
                            file: self.low.file,
                            base: *at,
                        }
                        .expr(&e)
                    })
                    .unwrap_or_else(|_| self.expr(value)),
                _ => self.expr(value),
            }
        } else {
            self.expr(value)
        };
        Attribute {
            name: key.into(),
            name_span: self.span(key_at, key_at + key.len() + 2),
            expr,
            span: self.span(key_at, value.end),
        }
    }

    fn expr(&self, value: &JValue) -> Expr {
        let span = self.span(value.start, value.end);
        let kind = match &value.kind {
            JKind::Null => ExprKind::Null,
            JKind::Bool(b) => ExprKind::Bool(*b),
            JKind::Number(n) => ExprKind::Number(*n),
            JKind::String(s, at) => {
                if s.contains("${") || s.contains("%{") {
                    match hcl_edit::parser::parse_template(s) {
                        Ok(t) => {
                            let low = Lowerer {
                                file: self.low.file,
                                base: *at,
                            };
                            let parts = low.template_parts(t.iter());
                            match parts.as_slice() {
                                [TemplatePart::Literal(s)] => ExprKind::String(s.clone()),
                                _ => ExprKind::Template(parts),
                            }
                        }
                        Err(_) => ExprKind::String(s.clone()),
                    }
                } else {
                    ExprKind::String(s.clone())
                }
            }
            JKind::Array(items) => ExprKind::Tuple(items.iter().map(|i| self.expr(i)).collect()),
            JKind::Object(members) => ExprKind::Object(
                members
                    .iter()
                    .map(|(k, _, v)| (ObjectKey::Ident(k.clone()), self.expr(v)))
                    .collect(),
            ),
        };
        Expr { kind, span }
    }
}

fn objects(value: &JValue) -> Vec<(String, usize, &JValue)> {
    match &value.kind {
        JKind::Object(m) => m.iter().map(|(k, at, v)| (k.clone(), *at, v)).collect(),
        JKind::Array(items) => items.iter().flat_map(objects).collect(),
        _ => vec![],
    }
}

fn as_object_list(value: &JValue) -> Vec<&JValue> {
    match &value.kind {
        JKind::Array(items) => items.iter().collect(),
        _ => vec![value],
    }
}

fn is_object_or_list(value: &JValue) -> bool {
    match &value.kind {
        JKind::Object(_) => true,
        JKind::Array(items) => items.iter().all(|i| matches!(i.kind, JKind::Object(_))),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (SourceTable, Result<Body, Finding>) {
        let mut sources = SourceTable::new();
        let id = sources.add("main.tf.json".into(), text.to_string());
        let r = parse_json(id, &sources);
        (sources, r)
    }

    #[test]
    fn resources_blocks_and_templates() {
        let (_s, body) = parse(
            r#"{"resource": {"aws_security_group": {"web": {
                "name": "web",
                "vpc_id": "${aws_vpc.main.id}",
                "ingress": [{"from_port": 80, "to_port": 80, "protocol": "tcp"}]
            }}}}"#,
        );
        let body = body.unwrap();
        let b = &body.blocks[0];
        assert_eq!(b.kind, "resource");
        assert_eq!(b.labels, vec!["aws_security_group", "web"]);
        assert_eq!(b.body.blocks_of("ingress").count(), 1);
        let vpc = b.body.attribute("vpc_id").unwrap();
        assert!(matches!(vpc.expr.kind, ExprKind::Template(_)));
        let name = b.body.attribute("name").unwrap();
        assert!(matches!(&name.expr.kind, ExprKind::String(s) if s == "web"));
    }

    #[test]
    fn syntax_errors_are_located() {
        let (sources, r) = parse("{\n  \"resource\": [1,\n}");
        let f = r.unwrap_err();
        assert_eq!(f.code, "TF001");
        let (pos, _) = sources.range(f.span);
        assert_eq!(pos.line, 3);
    }

    #[test]
    fn deep_nesting_is_an_error() {
        let text = format!("{{\"a\": {}{}}}", "[".repeat(200), "]".repeat(200));
        let (_s, r) = parse(&text);
        assert!(r.unwrap_err().message.contains("nesting"));
    }
}

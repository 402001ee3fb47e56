//! The stdio transport: `Content-Length` framed JSON-RPC messages on stdin and stdout, read
//! and written on threads of their own, exchanged with the server as `lsp-server` messages.
//!
//! `lsp-server`'s own stdio transport stops at the first message that is not valid JSON-RPC.
//! This one answers such a message as JSON-RPC asks (a parse error, or an invalid request with
//! the message's id when it has one) and goes on reading. Only a broken frame (a header
//! without `Content-Length`, a length that is not a number, a header line that never ends)
//! stops it, since the next message cannot be found; so does stdin closing, even inside a
//! message. Either way the server sees its connection close and ends.

use crossbeam_channel::{select, Receiver, Sender};
use lsp_server::{Connection, ErrorCode, Message};
use std::io::{self, BufRead, Read, Write};
use std::thread::JoinHandle;
use std::time::Duration;

/// Largest message read; a larger one is skipped and answered with an error. A buffer at the
/// file size limit (16 MiB) with every character escaped still fits.
const MAX_MESSAGE: usize = 128 * 1024 * 1024;

/// Longest header line.
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// Something for the writer besides the server's messages.
enum Control {
    /// A message already serialised (an error answer without a request id).
    Raw(String),
    /// Write every message sent so far, then say so.
    Flush(Sender<()>),
}

/// The connection over stdin and stdout, and the threads that serve it.
pub struct Stdio {
    pub connection: Connection,
    control: Sender<Control>,
    writer: JoinHandle<()>,
}

impl Stdio {
    /// Starts reading stdin and writing stdout.
    pub fn start() -> Stdio {
        transport(io::stdin(), io::stdout())
    }

    /// Waits (a little) until every message sent so far is written, then lets the threads go:
    /// the reader may be blocked on stdin forever, and the process ends without it.
    pub fn finish(self) {
        let (ack, done) = crossbeam_channel::bounded(1);
        if self.control.send(Control::Flush(ack)).is_ok() {
            let _ = done.recv_timeout(Duration::from_secs(5));
        }
        drop(self.connection);
        drop(self.control);
        if self.writer.is_finished() {
            let _ = self.writer.join();
        }
    }
}

/// A transport over any reader and writer (tests use pipes).
pub fn transport<R, W>(input: R, output: W) -> Stdio
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let (to_server, from_client) = crossbeam_channel::unbounded::<Message>();
    let (to_client, outgoing) = crossbeam_channel::unbounded::<Message>();
    let (control, control_rx) = crossbeam_channel::unbounded::<Control>();
    let reader_control = control.clone();
    let writer = std::thread::Builder::new()
        .name("lsp-writer".into())
        .spawn(move || write_loop(output, outgoing, control_rx))
        .expect("a writer thread");
    std::thread::Builder::new()
        .name("lsp-reader".into())
        .spawn(move || read_loop(io::BufReader::new(input), to_server, reader_control))
        .expect("a reader thread");
    Stdio {
        connection: Connection {
            sender: to_client,
            receiver: from_client,
        },
        control,
        writer,
    }
}

fn write_loop<W: Write>(output: W, messages: Receiver<Message>, control: Receiver<Control>) {
    let mut out = io::BufWriter::new(output);
    let mut control_open = true;
    loop {
        let result = if control_open {
            select! {
                recv(messages) -> m => match m {
                    Ok(m) => {
                        // An error answer the reader queued before the server said `m` goes
                        // first: answers keep the order of the messages they answer.
                        let mut flush = None;
                        let mut result = Ok(());
                        while let Ok(c) = control.try_recv() {
                            match c {
                                Control::Raw(text) => result = result.and(write_raw(&mut out, &text)),
                                Control::Flush(ack) => flush = Some(ack),
                            }
                        }
                        result = result.and(write_message(&mut out, m, &messages));
                        if let Some(ack) = flush {
                            result = result.and(flush_all(&mut out, &messages));
                            let _ = ack.send(());
                        }
                        result
                    }
                    Err(_) => break,
                },
                recv(control) -> c => match c {
                    Ok(Control::Raw(text)) => write_raw(&mut out, &text),
                    Ok(Control::Flush(ack)) => {
                        let written = flush_all(&mut out, &messages);
                        let _ = ack.send(());
                        written
                    }
                    Err(_) => {
                        control_open = false;
                        Ok(())
                    }
                },
            }
        } else {
            match messages.recv() {
                Ok(m) => write_message(&mut out, m, &messages),
                Err(_) => break,
            }
        };
        if result.is_err() {
            // The client is gone: nothing more can be said.
            break;
        }
    }
    let _ = out.flush();
}

/// Writes `m`, flushing only when no other message is queued: a burst of messages (the
/// diagnostics of every file of the workspace) leaves in a few large writes instead of one
/// write each.
fn write_message<W: Write>(
    out: &mut io::BufWriter<W>,
    m: Message,
    messages: &Receiver<Message>,
) -> io::Result<()> {
    // `Message::write` flushes its writer: a buffer of our own keeps it from flushing ours.
    let mut frame = Vec::new();
    m.write(&mut frame)?;
    out.write_all(&frame)?;
    if messages.is_empty() {
        out.flush()?;
    }
    Ok(())
}

/// Writes every message queued so far.
fn flush_all(out: &mut impl Write, messages: &Receiver<Message>) -> io::Result<()> {
    messages
        .try_iter()
        .try_for_each(|m| m.write(&mut *out))
        .and_then(|()| out.flush())
}

fn write_raw(out: &mut impl Write, text: &str) -> io::Result<()> {
    write!(out, "Content-Length: {}\r\n\r\n{text}", text.len())?;
    out.flush()
}

/// One frame read.
enum Frame {
    Body(Vec<u8>),
    /// A body longer than [`MAX_MESSAGE`], skipped.
    TooLarge(usize),
}

fn read_loop(mut input: impl BufRead, to_server: Sender<Message>, control: Sender<Control>) {
    loop {
        let body = match read_frame(&mut input) {
            Ok(Some(Frame::Body(body))) => body,
            Ok(Some(Frame::TooLarge(len))) => {
                let text = error_response(
                    &serde_json::Value::Null,
                    ErrorCode::InvalidRequest,
                    &format!("message of {len} bytes is larger than the limit of {MAX_MESSAGE} bytes; it was skipped"),
                );
                let _ = control.send(Control::Raw(text));
                continue;
            }
            Ok(None) => return,
            Err(e) => {
                eprintln!("tf-elbcheck lsp: cannot read the next message: {e}");
                return;
            }
        };
        match serde_json::from_slice::<Message>(&body) {
            Ok(message) => {
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if to_server.send(message).is_err() || exit {
                    return;
                }
            }
            Err(e) => {
                let text = match serde_json::from_slice::<serde_json::Value>(&body) {
                    Err(_) => error_response(
                        &serde_json::Value::Null,
                        ErrorCode::ParseError,
                        &format!("parse error: {e}"),
                    ),
                    Ok(value) => {
                        let id = value
                            .get("id")
                            .filter(|id| id.is_string() || id.is_number())
                            .cloned()
                            .unwrap_or(serde_json::Value::Null);
                        error_response(
                            &id,
                            ErrorCode::InvalidRequest,
                            &format!("not a JSON-RPC request, response or notification: {e}"),
                        )
                    }
                };
                let _ = control.send(Control::Raw(text));
            }
        }
    }
}

/// A JSON-RPC error response to request `id` (`null` when it is not known).
fn error_response(id: &serde_json::Value, code: ErrorCode, message: &str) -> String {
    serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": code as i32, "message": message },
    })
    .to_string()
}

/// Reads one frame: headers up to an empty line, then `Content-Length` bytes. `None` when the
/// input ends between messages.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut headers = 0;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            if headers == 0 {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "stdin closed inside a message header",
            ));
        }
        if !line.ends_with(b"\n") {
            return Err(invalid("a header line is too long or unterminated"));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if headers == 0 {
                // Blank lines between messages.
                continue;
            }
            break;
        }
        headers += 1;
        let (name, value) = text
            .split_once(':')
            .ok_or_else(|| invalid(&format!("malformed header {text:?}")))?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            length = Some(
                value
                    .parse()
                    .map_err(|_| invalid(&format!("bad Content-Length {value:?}")))?,
            );
        }
    }
    let length = length.ok_or_else(|| invalid("a message without Content-Length"))?;
    if length > MAX_MESSAGE {
        let skipped = io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        if skipped < length as u64 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "stdin closed inside a message",
            ));
        }
        return Ok(Some(Frame::TooLarge(length)));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body).map_err(|e| {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "stdin closed inside a message",
            )
        } else {
            e
        }
    })?;
    Ok(Some(Frame::Body(body)))
}

fn invalid(message: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    /// Runs the transport over `input`; returns what the server got and what was written.
    fn run(input: String) -> (Vec<Message>, String) {
        let (out_tx, out_rx) = std::sync::mpsc::channel::<Vec<u8>>();
        struct Out(std::sync::mpsc::Sender<Vec<u8>>);
        impl Write for Out {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                let _ = self.0.send(b.to_vec());
                Ok(b.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let stdio = transport(io::Cursor::new(input.into_bytes()), Out(out_tx));
        let got: Vec<Message> = stdio.connection.receiver.iter().collect();
        stdio.finish();
        let written: Vec<u8> = out_rx.try_iter().flatten().collect();
        (got, String::from_utf8(written).unwrap())
    }

    #[test]
    fn bad_messages_are_answered_and_reading_goes_on() {
        let input = [
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"#),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            frame(r#"[1,2]"#),
            "\r\n".to_string(),
            frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"never read"}"#),
        ]
        .concat();
        let (got, written) = run(input);
        let methods: Vec<String> = got
            .iter()
            .map(|m| match m {
                Message::Notification(n) => n.method.clone(),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(methods, ["initialized", "exit"]);
        assert!(written.contains(r#""id":null"#) && written.contains("-32700"));
        assert!(written.contains(r#""id":7"#) && written.contains("-32600"));
        assert_eq!(written.matches("Content-Length").count(), 3);
    }

    #[test]
    fn input_ending_inside_a_message_ends_the_connection() {
        for input in [
            "Content-Length: 50\r\n\r\n{\"jsonrpc\"".to_string(),
            "Content-Length: 5".to_string(),
            "Content-Type: x\r\n\r\n".to_string(),
            "Content-Length: many\r\n\r\n".to_string(),
        ] {
            let (got, _) = run(input);
            assert!(got.is_empty());
        }
    }
}

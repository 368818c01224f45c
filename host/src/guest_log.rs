//! A guest's stdout and stderr, as host log lines tagged with the component id and the
//! request id, so that an operator reads one stream instead of one per component.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};

/// A line longer than this is logged in pieces, so a guest cannot grow host memory by
/// writing without newlines. 16 KiB is far above any sensible log line.
const MAX_LINE: usize = 16 * 1024;

/// One of a guest's output streams.
#[derive(Clone)]
pub struct GuestLog {
    component: Arc<str>,
    request_id: Arc<str>,
    stream: &'static str,
}

impl GuestLog {
    /// The guest's stdout.
    pub fn stdout(component: &Arc<str>, request_id: &Arc<str>) -> Self {
        Self {
            component: component.clone(),
            request_id: request_id.clone(),
            stream: "stdout",
        }
    }

    /// The guest's stderr.
    pub fn stderr(component: &Arc<str>, request_id: &Arc<str>) -> Self {
        Self {
            component: component.clone(),
            request_id: request_id.clone(),
            stream: "stderr",
        }
    }
}

impl IsTerminal for GuestLog {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for GuestLog {
    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(LineWriter {
            log: self.clone(),
            buf: Vec::new(),
        })
    }
}

struct LineWriter {
    log: GuestLog,
    buf: Vec<u8>,
}

impl LineWriter {
    fn emit(&mut self, line: &[u8]) {
        let text = String::from_utf8_lossy(line);
        tracing::info!(
            target: "guest",
            component = %self.log.component,
            request_id = %self.log.request_id,
            stream = self.log.stream,
            "{}",
            text.trim_end_matches('\r')
        );
    }

    fn flush_partial(&mut self) {
        if !self.buf.is_empty() {
            let rest = std::mem::take(&mut self.buf);
            self.emit(&rest);
        }
    }
}

impl AsyncWrite for LineWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        data: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        this.buf.extend_from_slice(data);
        while let Some(pos) = this.buf.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = this.buf.drain(..=pos).collect();
            this.emit(&line[..line.len() - 1]);
        }
        if this.buf.len() >= MAX_LINE {
            this.flush_partial();
        }
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        self.get_mut().flush_partial();
        Poll::Ready(Ok(()))
    }
}

impl Drop for LineWriter {
    fn drop(&mut self) {
        self.flush_partial();
    }
}

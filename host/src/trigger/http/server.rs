//! The listener: accept connections, serve HTTP/1.1 with keep-alive, and on shutdown stop
//! accepting, let in-flight requests finish (bounded), then return.

use std::future::Future;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use super::Dispatcher;

/// Serve until `shutdown` resolves, then drain for at most `drain`. Returns whether every
/// connection finished in time.
pub async fn serve(
    listener: TcpListener,
    dispatcher: Dispatcher,
    shutdown: impl Future<Output = ()>,
    drain: Duration,
) -> bool {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, client) = match accepted {
                    Ok(pair) => pair,
                    Err(e) => {
                        // Out of file descriptors and the like: back off instead of spinning.
                        tracing::warn!(error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let dispatcher = dispatcher.clone();
                let service = hyper::service::service_fn(move |req| {
                    let dispatcher = dispatcher.clone();
                    async move { Ok::<_, std::convert::Infallible>(dispatcher.handle(req, client).await) }
                });
                let connection = http1::Builder::new()
                    .keep_alive(true)
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(Duration::from_secs(30))
                    .serve_connection(TokioIo::new(stream), service);
                let connection = graceful.watch(connection);
                tokio::spawn(async move {
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, %client, "connection closed with an error");
                    }
                });
            }
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    tracing::info!("stopped accepting; draining in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => true,
        () = tokio::time::sleep(drain) => {
            tracing::warn!(after = ?drain, "drain timed out; abandoning remaining connections");
            false
        }
    }
}

//! The operator's listener, kept off the app's: `/metrics` (Prometheus), `/healthz`
//! (the process is alive) and `/readyz` (serving, not draining). A shopper can never reach
//! these, and a component can never shadow them with a route.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::app::App;

/// Whether the app's listener is taking new requests; cleared when draining starts.
pub type Ready = Arc<AtomicBool>;

/// Serve the admin endpoints on `listener` until the process exits.
pub async fn serve(listener: TcpListener, app: Arc<App>, ready: Ready) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let app = app.clone();
        let ready = ready.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let response = respond(&app, &ready, req.uri().path());
                    async move { Ok::<_, std::convert::Infallible>(response) }
                });
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond(app: &App, ready: &AtomicBool, path: &str) -> http::Response<Full<Bytes>> {
    let (status, content_type, body) = match path {
        "/metrics" => (
            http::StatusCode::OK,
            "text/plain; version=0.0.4",
            app.metrics.render(
                app.components
                    .iter()
                    .map(|(id, c)| (id.as_str(), &c.metrics)),
                app.services.pg.connections_opened(),
            ),
        ),
        "/healthz" => (http::StatusCode::OK, "text/plain", "ok\n".to_owned()),
        "/readyz" if ready.load(Ordering::Relaxed) => {
            (http::StatusCode::OK, "text/plain", "ready\n".to_owned())
        }
        "/readyz" => (
            http::StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            "draining\n".to_owned(),
        ),
        _ => (
            http::StatusCode::NOT_FOUND,
            "text/plain",
            "not found\n".to_owned(),
        ),
    };
    let mut response = http::Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    response
}

/// Bind the admin listener.
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}

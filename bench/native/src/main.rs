//! `redshop-bench-native`: the native baseline of the runtime benchmark.
//!
//! A plain hyper (HTTP/1.1, keep-alive) server on tokio that answers what the bench
//! components answer, with none of the host's machinery in between: `/` the same 13-byte
//! body as `bench-trivial`, `/pg` the same one-row `SELECT` as `bench-pg` (over a fixed
//! set of tokio-postgres connections with the statement prepared once on each, as any
//! tuned native service would), `/redis` the same `GET` as `bench-redis` (one multiplexed
//! connection). `bench/run.py` starts it, waits for the `Serving http://ADDR` line on
//! stdout, loads it with oha and stops it with SIGTERM.

mod backends;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use clap::Parser;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use crate::backends::{Postgres, Redis};

/// The body of `/`, byte for byte what `bench-trivial` answers.
const HELLO: &str = "Hello, world!";

/// Flags.
#[derive(Debug, Parser)]
#[command(
    name = "redshop-bench-native",
    about = "Native hyper peer for the redshop benchmark"
)]
struct Args {
    /// Address to listen on; port 0 picks a free one (printed on stdout).
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Postgres URL for `/pg`; the route answers 503 without it.
    #[arg(long)]
    pg_url: Option<String>,
    /// Postgres connections `/pg` spreads its queries over. Eight keeps both cores busy
    /// at c=128 without making Postgres itself the bottleneck on a 2-core machine.
    #[arg(long, default_value_t = 8)]
    pg_connections: usize,
    /// Redis URL for `/redis`; the route answers 503 without it.
    #[arg(long)]
    redis_url: Option<String>,
    /// The key `/redis` reads.
    #[arg(long, default_value = "redshop_bench:hello")]
    redis_key: String,
}

/// What every connection's handler shares.
struct State {
    pg: Option<Postgres>,
    redis: Option<Redis>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(args))
}

async fn run(args: Args) -> anyhow::Result<()> {
    let pg = match &args.pg_url {
        Some(url) => Some(Postgres::connect(url, args.pg_connections).await?),
        None => None,
    };
    let redis = match &args.redis_url {
        Some(url) => Some(Redis::connect(url, &args.redis_key).await?),
        None => None,
    };
    let state = Arc::new(State { pg, redis });
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    println!("Serving http://{}", listener.local_addr()?);

    let accept = async {
        loop {
            let (stream, _) = match listener.accept().await {
                Ok(conn) => conn,
                Err(e) => {
                    eprintln!("accept failed: {e}");
                    continue;
                }
            };
            let _ = stream.set_nodelay(true);
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| handle(state.clone(), req));
                let _ = http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    };
    tokio::select! {
        () = accept => Ok(()),
        () = shutdown_signal() => Ok(()),
    }
}

async fn handle(
    state: Arc<State>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let result = match req.uri().path() {
        "/" => Ok(Bytes::from_static(HELLO.as_bytes())),
        "/pg" => match &state.pg {
            Some(pg) => pg.fetch().await.map(Bytes::from),
            None => return Ok(text(StatusCode::SERVICE_UNAVAILABLE, "no --pg-url")),
        },
        "/redis" => match &state.redis {
            Some(redis) => redis.fetch().await.map(Bytes::from),
            None => return Ok(text(StatusCode::SERVICE_UNAVAILABLE, "no --redis-url")),
        },
        _ => return Ok(text(StatusCode::NOT_FOUND, "not found")),
    };
    Ok(match result {
        Ok(body) => response(StatusCode::OK, body),
        Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, &format!("{e:#}")),
    })
}

fn text(status: StatusCode, body: &str) -> Response<Full<Bytes>> {
    response(status, Bytes::from(body.to_owned()))
}

fn response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain"),
    );
    response
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {},
        _ = int.recv() => {},
    }
}

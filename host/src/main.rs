//! `redshop up`: load the app, serve it, stop cleanly on SIGINT or SIGTERM.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser as _;
use futures::FutureExt as _;
use redshop::app::App;
use redshop::cli::{Cli, Command, LogFormat, UpArgs};
use redshop::trigger::http::{Dispatcher, serve};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Up(args) => {
            init_logging(args.log_format);
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(e) => {
                    eprintln!("redshop: cannot start the async runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(up(args)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    tracing::error!("{e:#}");
                    eprintln!("Error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new("info,wasmtime=warn,cranelift=warn")
    });
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi);
    match format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Text => builder.compact().init(),
    }
}

async fn up(args: UpArgs) -> anyhow::Result<()> {
    // Take over SIGINT/SIGTERM before anything else, so that a signal arriving during
    // start-up still means "drain and exit 0" rather than the default abrupt death.
    let signals = shutdown_signal()?;
    let opts = args.load_options();
    let app = tokio::task::block_in_place(|| App::load(&opts))?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", args.listen))?;
    let local = listener.local_addr()?;
    let ready = Arc::new(AtomicBool::new(true));
    if let Some(admin) = args.admin_listen {
        let admin_listener = redshop::admin::bind(admin)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen on {admin} (admin): {e}"))?;
        tracing::info!(addr = %admin_listener.local_addr()?, "admin endpoints: /metrics /healthz /readyz");
        tokio::spawn(redshop::admin::serve(
            admin_listener,
            app.clone(),
            ready.clone(),
        ));
    }
    tracing::info!(
        app = %app.name,
        components = app.components.len(),
        compiled = app.startup.compiled,
        cached = app.startup.cached,
        startup_ms = app.startup.elapsed.as_millis() as u64,
        "ready"
    );
    println!("Serving http://{local}");
    for (route, component) in app.router.routes() {
        println!("  {component}: http://{local}{route}");
    }

    let subscriptions = redshop::trigger::redis::start(&app);
    let drain = app.limits.drain_timeout;
    let dispatcher = Dispatcher::new(app.clone(), local);
    // One signal stops both triggers at once, and both drain side by side, so shutdown
    // takes at most one `drain_timeout_ms`, not one per trigger.
    let shutdown = async move {
        signals.await;
        ready.store(false, Ordering::Relaxed);
        tracing::info!("shutdown requested");
    }
    .shared();
    let http = serve(listener, dispatcher, shutdown.clone(), drain);
    let redis = async move {
        shutdown.await;
        subscriptions.shutdown(drain).await
    };
    let (http_drained, redis_drained) = tokio::join!(http, redis);
    tracing::info!(drained = http_drained && redis_drained, "stopped");
    Ok(())
}

/// Resolves on the first SIGINT or SIGTERM; the handlers are installed when this is called.
fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {},
            _ = int.recv() => {},
        }
    })
}

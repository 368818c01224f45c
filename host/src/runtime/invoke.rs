//! One request, one instance: instantiate from the pre-instantiated component, call
//! `wasi:http/incoming-handler.handle`, and classify how it ended.
//!
//! The guest runs in its own task so that it can keep streaming the body after it has
//! handed back the response head. The deadline covers the whole task: epoch ticks stop a
//! guest stuck in wasm code, and a timer stops one stuck waiting on the host.

use std::sync::Arc;
use std::time::Instant;

use wasmtime::{Store, UpdateDeadline};
use wasmtime_wasi_http::WasiHttpView as _;
use wasmtime_wasi_http::p2::bindings::http::types::{ErrorCode, Scheme};
use wasmtime_wasi_http::p2::body::HyperOutgoingBody;

use super::InstanceState;
use crate::app::{App, ComponentRuntime};

/// Per-request facts that follow a request through service chaining.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    /// The id in every log line about this request (and its chained calls).
    pub request_id: Arc<str>,
    /// How many chaining hops led here: 0 for a request from outside.
    pub chain_depth: u8,
    /// When the outermost request must be done; chained calls share it.
    pub deadline: Instant,
    /// The app's listener (`host:port`), which a request to the app itself (`http://self`)
    /// names as its origin; none outside an HTTP request, as in Spin.
    pub self_origin: Option<Arc<str>>,
}

/// Why an invocation produced no usable response.
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    /// The guest trapped, or returned without setting a response: the guest's fault.
    #[error("guest failed: {0:#}")]
    Guest(wasmtime::Error),
    /// The guest set an error instead of a response.
    #[error("guest returned error code {0:?}")]
    GuestErrorCode(ErrorCode),
    /// The request's deadline passed first.
    #[error("deadline exceeded")]
    Deadline,
    /// The host could not create an instance (pool exhausted, setup failed): ours.
    #[error("cannot create an instance: {0:#}")]
    Instantiate(wasmtime::Error),
}

/// The marker error the epoch callback raises when the deadline has passed.
#[derive(Debug, thiserror::Error)]
#[error("request deadline exceeded")]
struct DeadlineTrap;

impl App {
    /// A store for one invocation of `component`: its state, its memory cap, and the
    /// deadline, checked at every epoch tick. Each tick also yields to the scheduler, so a
    /// busy guest cannot starve other requests on the same worker thread.
    pub(crate) fn new_store(
        self: &Arc<Self>,
        component: &Arc<ComponentRuntime>,
        ctx: &RequestCtx,
    ) -> Result<Store<InstanceState>, InvokeError> {
        let state = InstanceState::new(self, component, ctx)
            .map_err(|e| InvokeError::Instantiate(wasmtime::Error::from_anyhow(e)))?;
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limits);
        let deadline = ctx.deadline;
        store.epoch_deadline_callback(move |_| {
            if Instant::now() >= deadline {
                Err(DeadlineTrap.into())
            } else {
                // tokio's own yield, not wasmtime's generic one (which wakes the task at
                // once and puts it in the worker's LIFO slot, so a spinning guest runs
                // again before anything else): tokio defers the task until the worker
                // has run its other queued tasks and polled the I/O driver, so a new
                // connection is accepted after one slice of each loop, not after the
                // 61 slices between the driver polls tokio otherwise makes.
                Ok(UpdateDeadline::YieldCustom(
                    1,
                    Box::pin(tokio::task::yield_now()),
                ))
            }
        });
        store.set_epoch_deadline(1);
        Ok(store)
    }

    /// Run `req` through a fresh instance of `component`.
    pub async fn invoke(
        self: &Arc<Self>,
        component: &Arc<ComponentRuntime>,
        req: http::Request<wasmtime_wasi_http::WasiBody>,
        ctx: RequestCtx,
    ) -> Result<http::Response<HyperOutgoingBody>, InvokeError> {
        let deadline = ctx.deadline;
        let mut store = self.new_store(component, &ctx)?;

        let (sender, receiver) = tokio::sync::oneshot::channel();
        let mut http = store.data_mut().http();
        let incoming = http
            .new_incoming_request(Scheme::Http, req)
            .map_err(InvokeError::Instantiate)?;
        let outparam = http
            .new_response_outparam(sender)
            .map_err(InvokeError::Instantiate)?;
        let Some(pre) = component.pre.clone() else {
            return Err(InvokeError::Instantiate(wasmtime::format_err!(
                "component `{}` has no HTTP handler",
                component.id
            )));
        };

        let guest = tokio::spawn(tokio::time::timeout_at(deadline.into(), async move {
            let proxy = pre
                .instantiate_async(&mut store)
                .await
                .map_err(InvokeError::Instantiate)?;
            proxy
                .wasi_http_incoming_handler()
                .call_handle(&mut store, incoming, outparam)
                .await
                .map_err(classify_trap)
        }));

        // If this future is dropped before the response head (a chained caller's first-byte
        // timeout, a client gone), the guest has no one to answer: stop it.
        let abort = AbortOnDrop(Some(guest.abort_handle()));
        let outcome = tokio::time::timeout_at(deadline.into(), receiver).await;
        match outcome {
            Ok(Ok(Ok(response))) => {
                // The guest may still be streaming the body; it runs until it is done.
                abort.disarm();
                Ok(response)
            }
            Ok(Ok(Err(code))) => Err(InvokeError::GuestErrorCode(code)),
            Err(_elapsed) => {
                guest.abort();
                Err(InvokeError::Deadline)
            }
            // The sender was dropped without a response: the task says why.
            Ok(Err(_closed)) => match guest.await {
                Ok(Ok(Ok(()))) => Err(InvokeError::Guest(wasmtime::format_err!(
                    "guest returned without setting a response"
                ))),
                Ok(Ok(Err(e))) => Err(e),
                Ok(Err(_elapsed)) => Err(InvokeError::Deadline),
                Err(join) => Err(InvokeError::Guest(wasmtime::format_err!(
                    "guest task failed: {join}"
                ))),
            },
        }
    }
}

/// Aborts a guest task when dropped, unless disarmed.
struct AbortOnDrop(Option<tokio::task::AbortHandle>);

impl AbortOnDrop {
    fn disarm(mut self) {
        self.0 = None;
    }
}

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            handle.abort();
        }
    }
}

pub(crate) fn classify_trap(e: wasmtime::Error) -> InvokeError {
    if e.downcast_ref::<DeadlineTrap>().is_some() {
        InvokeError::Deadline
    } else {
        InvokeError::Guest(e)
    }
}

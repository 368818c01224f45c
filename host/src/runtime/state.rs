//! What a store holds for one instance: WASI, wasi-http, the resource table, the memory
//! limiter, and the component's resolved settings that Spin's interfaces read.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime::{StoreLimits, StoreLimitsBuilder};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxView, WasiView};
use wasmtime_wasi_http::{WasiHttpCtx, WasiHttpCtxView, WasiHttpView};

use crate::app::{App, ComponentRuntime};
use crate::guest_log::GuestLog;
use crate::outbound_http::OutboundHooks;
use crate::services::Services;
use crate::sockets::InstanceSockets;

use super::RequestCtx;

/// The data of one instance's store. Created per request and dropped with it: nothing
/// survives between requests, as in Spin.
pub struct InstanceState {
    pub(crate) wasi: WasiCtx,
    pub(crate) http: WasiHttpCtx,
    pub(crate) table: ResourceTable,
    pub(crate) hooks: OutboundHooks,
    pub(crate) limits: StoreLimits,
    pub(crate) component: Arc<ComponentRuntime>,
    pub(crate) services: Arc<Services>,
    /// SQLite connections this instance holds open (capped per instance).
    pub(crate) sqlite_connections: usize,
    pub(crate) sockets: InstanceSockets,
}

impl InstanceState {
    /// A fresh state for `component`, serving the request described by `ctx`.
    pub fn new(
        app: &Arc<App>,
        component: &Arc<ComponentRuntime>,
        ctx: &RequestCtx,
    ) -> anyhow::Result<Self> {
        let mut wasi = WasiCtx::builder();
        wasi.envs(&component.env)
            .stdout(GuestLog::stdout(&component.id, &ctx.request_id))
            .stderr(GuestLog::stderr(&component.id, &ctx.request_id));
        // Raw sockets and name lookups only as far as `allowed_outbound_hosts` grants them
        // (none for most components): the policy was built when the app was loaded.
        let sockets = component.sockets.apply(&mut wasi);
        if let Some(dir) = &component.files_dir {
            wasi.preopened_dir(dir, "/", FsPerms::ReadOnly)?;
        }
        let limits = StoreLimitsBuilder::new()
            .memory_size(app.limits.max_instance_memory)
            .trap_on_grow_failure(false)
            .build();
        Ok(Self {
            wasi: wasi.build(),
            http: WasiHttpCtx::new(),
            table: ResourceTable::new(),
            hooks: OutboundHooks::new(app.clone(), component.clone(), ctx.clone()),
            limits,
            component: component.clone(),
            services: app.services.clone(),
            sqlite_connections: 0,
            sockets,
        })
    }
}

impl WasiView for InstanceState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl WasiHttpView for InstanceState {
    fn http(&mut self) -> WasiHttpCtxView<'_> {
        WasiHttpCtxView {
            ctx: &mut self.http,
            table: &mut self.table,
            hooks: &mut self.hooks,
        }
    }
}

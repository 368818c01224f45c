//! Spin variables: application `[variables]` resolved once at start-up from Spin's env
//! provider (`SPIN_VARIABLE_<NAME>`, a `.env` file) and defaults, bound per component
//! through `[component.x.variables]` templates, and served by
//! `fermyon:spin/variables@2.0.0`.
//!
//! Values are resolved at start-up, not per `get`: the env provider is fixed for the life
//! of the process, so a missing `required` variable is reported before the first request
//! rather than as a 500 later. Values never reach a log line, secret or not; only names do.

mod host;
mod provider;

pub use provider::{EnvProvider, ResolveError, resolve_application};

use wasmtime::component::{HasSelf, Linker};

use crate::runtime::InstanceState;

/// Add `fermyon:spin/variables` to the linker.
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    crate::bindings::variables::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)
}

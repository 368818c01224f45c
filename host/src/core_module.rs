//! Apps built with older Spin SDKs: core wasm modules turned into components at load.
//!
//! Rust apps built with spin-sdk 3.x and 4.x for `wasm32-wasip1` (`wasm32-wasi`), as those
//! SDKs' templates did, are core modules, not components: wit-bindgen (0.5 and later) leaves the component's type — the
//! Spin and WASI interfaces it imports and `wasi:http/incoming-handler` it exports — in
//! `component-type:*` custom sections, and WASI itself is imported as preview-1 functions
//! (`wasi_snapshot_preview1`). Spin makes a component of such a module when it loads it,
//! and so does this host: `wit-component` reads those sections and links in the WASI
//! preview-1 adapter, a small module that implements preview 1 on top of preview 2.
//!
//! The adapter is the *reactor* build that wasmtime publishes for its own release
//! (`wasi-preview1-component-adapter-provider`, the same version as the wasmtime the host
//! runs on), as Spin uses for these modules: a Spin component is called through its exports
//! and has no `_start`. The *proxy* build would refuse the filesystem that `files` mounts;
//! the *command* build is for `_start` programs (WAGI), which redshop does not run.
//!
//! What this does not adapt, and refuses at start-up with the reason: modules without a
//! component type, i.e. built with wit-bindgen 0.2 (Spin 1.x SDKs, which Spin adapts with a
//! modified adapter of its own) or without wit-bindgen at all (WAGI programs).
//!
//! Wrapping costs a few milliseconds per module; it happens only when the compiled
//! component is not in the compilation cache, which is keyed by the original module's
//! bytes (see `engine::CompileCache`).

use std::borrow::Cow;

use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};
use wasmparser::{Parser, Payload};

/// Prefix of the custom sections in which wit-bindgen records a module's component type.
const COMPONENT_TYPE_SECTION: &str = "component-type";

/// Why a core module could not be made into a component.
#[derive(Debug, thiserror::Error)]
pub enum WrapError {
    /// The module does not say which interfaces it implements.
    #[error(
        "it is a core wasm module without a component type (no `component-type` custom section): \
         built with wit-bindgen older than 0.5 (a Spin 1.x SDK) or as a WAGI program, which \
         redshop does not run; rebuild it with a current Spin SDK"
    )]
    NoComponentType,
    /// The module is not valid wasm.
    #[error("it is not a valid core wasm module: {0}")]
    Invalid(String),
    /// `wit-component` refused it: its component type or imports do not fit together.
    #[error("cannot make a component of this core module with the WASI preview-1 adapter: {0:#}")]
    Encode(anyhow::Error),
}

/// Whether `wasm` starts with a core module's header (`\0asm`, version 1), as opposed to a
/// component's (`\0asm`, the component-model layer).
pub fn is_core_module(wasm: &[u8]) -> bool {
    Parser::is_core_wasm(wasm)
}

/// `wasm` itself if it is not a core module (a component, or something `Component::new`
/// will reject with its own error); otherwise the component made of it.
pub fn componentize_if_module(wasm: &[u8]) -> Result<Cow<'_, [u8]>, WrapError> {
    if !is_core_module(wasm) {
        return Ok(Cow::Borrowed(wasm));
    }
    if !has_component_type(wasm)? {
        return Err(WrapError::NoComponentType);
    }
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(wasm)
        .and_then(|encoder| {
            encoder.adapter(
                WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME,
                WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
            )
        })
        .and_then(|mut encoder| encoder.encode())
        .map_err(WrapError::Encode)?;
    Ok(Cow::Owned(component))
}

/// Whether the module carries at least one `component-type*` custom section.
fn has_component_type(module: &[u8]) -> Result<bool, WrapError> {
    for payload in Parser::new(0).parse_all(module) {
        // A malformed module: the app's fault, reported at start-up.
        let payload = payload.map_err(|e| WrapError::Invalid(e.to_string()))?;
        if let Payload::CustomSection(section) = payload
            && section.name().starts_with(COMPONENT_TYPE_SECTION)
        {
            return Ok(true);
        }
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid core module: the header and nothing else.
    const EMPTY_MODULE: &[u8] = b"\0asm\x01\0\0\0";

    #[test]
    fn components_and_non_wasm_pass_through_untouched() {
        let component_header = b"\0asm\x0d\0\x01\0";
        assert!(matches!(
            componentize_if_module(component_header),
            Ok(Cow::Borrowed(_))
        ));
        assert!(matches!(
            componentize_if_module(b"not wasm"),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn a_module_without_component_type_is_refused_with_the_reason() {
        assert!(is_core_module(EMPTY_MODULE));
        let err = componentize_if_module(EMPTY_MODULE).expect_err("nothing to wrap");
        assert!(matches!(err, WrapError::NoComponentType), "{err}");
        assert!(err.to_string().contains("wit-bindgen older than 0.5"));
    }

    #[test]
    fn a_truncated_module_is_invalid_not_a_panic() {
        let mut truncated = EMPTY_MODULE.to_vec();
        // A custom section that claims more bytes than follow.
        truncated.extend_from_slice(&[0, 50, 3]);
        let err = componentize_if_module(&truncated).expect_err("malformed");
        assert!(matches!(err, WrapError::Invalid(_)), "{err}");
    }
}

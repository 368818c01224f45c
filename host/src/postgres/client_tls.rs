//! Which certificates a component's Postgres connections trust, and which client
//! certificate they present.
//!
//! By default the platform's roots (the system store, read with `rustls-native-certs`):
//! that is what Spin 4's Postgres driver trusts (native-tls, i.e. OpenSSL's store on
//! Linux), and it is where an operator adds a company CA for every program at once. The
//! compiled-in Mozilla list (`webpki-roots`) would ignore such a CA, so it is only used
//! when a `[[client_tls]]` entry asks for it.
//!
//! `[[client_tls]]` entries in `runtime-config.toml` (Spin's section for outbound TLS) apply
//! to the Postgres hosts they list, for the components they list, with Spin's rules for the
//! roots: `ca_roots_file` adds a private CA; `ca_use_platform_roots` and
//! `ca_use_webpki_roots` choose the public roots (neither set: platform roots, unless a
//! `ca_roots_file` is given, then only that file); `client_cert_file` +
//! `client_private_key_file` present a client certificate (mutual TLS). The first entry
//! that names both the component and the host wins. Files are read at start-up, and a
//! missing or unreadable one stops it, naming the file.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use anyhow::Context as _;
use redshop_spin::runtime_config::ClientTls;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore};

/// Every component's Postgres TLS settings, built once at start-up.
#[derive(Default)]
pub struct PgTls {
    entries: Vec<Entry>,
    /// Platform roots, no client certificate: loaded on the first TLS connection.
    default: OnceLock<Result<Arc<ClientConfig>, String>>,
}

/// One `[[client_tls]]` entry, its files loaded.
struct Entry {
    component_ids: Vec<String>,
    hosts: Vec<String>,
    config: Arc<ClientConfig>,
}

/// The TLS settings of one component's connections: per host, then the default.
pub struct ComponentTls {
    by_host: Vec<(String, Arc<ClientConfig>)>,
    default: Arc<ClientConfig>,
}

impl ComponentTls {
    /// The client config for a connection to `host`.
    pub fn config_for(&self, host: &str) -> Arc<ClientConfig> {
        self.by_host
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(host))
            .map_or_else(|| self.default.clone(), |(_, c)| c.clone())
    }
}

impl PgTls {
    /// Load every `[[client_tls]]` entry; paths are relative to `dir`, the directory of
    /// `runtime-config.toml`. The entries' shape was checked when the file was parsed.
    pub fn from_runtime_config(entries: &[ClientTls], dir: &Path) -> anyhow::Result<Self> {
        let entries =
            entries
                .iter()
                .enumerate()
                .map(|(i, entry)| -> anyhow::Result<Entry> {
                    Ok(Entry {
                        component_ids: entry.component_ids.clone(),
                        hosts: entry.hosts.clone(),
                        config: Arc::new(entry_config(entry, dir).with_context(|| {
                            format!("runtime config: [[client_tls]] #{}", i + 1)
                        })?),
                    })
                })
                .collect::<anyhow::Result<_>>()?;
        Ok(Self {
            entries,
            default: OnceLock::new(),
        })
    }

    /// Does any entry apply to `component`? If not, its connections can share pools with
    /// every other such component's.
    pub fn names(&self, component: &str) -> bool {
        self.entries
            .iter()
            .any(|e| e.component_ids.iter().any(|c| c == component))
    }

    /// The TLS settings for `component`'s connections.
    pub fn for_component(&self, component: &str) -> Result<ComponentTls, String> {
        let by_host = self
            .entries
            .iter()
            .filter(|e| e.component_ids.iter().any(|c| c == component))
            .flat_map(|e| e.hosts.iter().map(|h| (h.clone(), e.config.clone())))
            .collect();
        Ok(ComponentTls {
            by_host,
            default: self.platform_default()?,
        })
    }

    fn platform_default(&self) -> Result<Arc<ClientConfig>, String> {
        self.default
            .get_or_init(|| {
                // A one-time read of the system store (a few milliseconds); an empty store
                // is not fatal here, every verification then fails and says so.
                let mut roots = RootCertStore::empty();
                add_platform_roots(&mut roots);
                builder()
                    .map(|b| Arc::new(b.with_root_certificates(roots).with_no_client_auth()))
                    .map_err(|e| format!("cannot set up TLS: {e}"))
            })
            .clone()
    }
}

/// The rustls client config for one entry, following Spin's defaults for the roots.
fn entry_config(entry: &ClientTls, dir: &Path) -> anyhow::Result<ClientConfig> {
    let (platform, webpki) = match (entry.ca_use_platform_roots, entry.ca_use_webpki_roots) {
        (Some(platform), Some(webpki)) => (platform, webpki),
        (Some(platform), None) => (platform, false),
        (None, Some(webpki)) => (false, webpki),
        (None, None) => (entry.ca_roots_file.is_none(), false),
    };
    let mut roots = RootCertStore::empty();
    if let Some(file) = &entry.ca_roots_file {
        for cert in load_certs(&dir.join(file))? {
            roots
                .add(cert)
                .with_context(|| format!("invalid CA certificate in {}", file.display()))?;
        }
    }
    if platform {
        add_platform_roots(&mut roots);
    }
    if webpki {
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    }
    anyhow::ensure!(
        !roots.is_empty(),
        "no CA roots: set ca_roots_file, ca_use_platform_roots or ca_use_webpki_roots"
    );
    let builder = builder()?.with_root_certificates(roots);
    Ok(
        match (&entry.client_cert_file, &entry.client_private_key_file) {
            (Some(cert), Some(key)) => {
                let key_path = dir.join(key);
                let key = PrivateKeyDer::from_pem_file(&key_path).with_context(|| {
                    format!("cannot load a private key from {}", key_path.display())
                })?;
                builder
                    .with_client_auth_cert(load_certs(&dir.join(cert))?, key)
                    .context("client certificate and key do not fit together")?
            }
            // The parser refuses one without the other.
            _ => builder.with_no_client_auth(),
        },
    )
}

fn builder() -> Result<rustls::ConfigBuilder<ClientConfig, rustls::WantsVerifier>, rustls::Error> {
    ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
}

fn add_platform_roots(roots: &mut RootCertStore) {
    let found = rustls_native_certs::load_native_certs();
    for error in &found.errors {
        tracing::warn!(error = %error, "reading the platform's CA certificates");
    }
    let (added, ignored) = roots.add_parsable_certificates(found.certs);
    if added == 0 {
        tracing::warn!(ignored, "no usable CA certificates in the platform store");
    }
}

fn load_certs(path: &Path) -> anyhow::Result<Vec<CertificateDer<'static>>> {
    let certs = CertificateDer::pem_file_iter(path)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .with_context(|| format!("cannot load certificates from {}", path.display()))?;
    anyhow::ensure!(!certs.is_empty(), "no certificates in {}", path.display());
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(ca: Option<&str>) -> ClientTls {
        ClientTls {
            component_ids: vec!["product".into()],
            hosts: vec!["db.internal".into()],
            ca_use_platform_roots: None,
            ca_use_webpki_roots: None,
            ca_roots_file: ca.map(Into::into),
            client_cert_file: None,
            client_private_key_file: None,
        }
    }

    #[test]
    fn a_missing_ca_file_stops_start_up_naming_it() {
        let Err(e) = PgTls::from_runtime_config(&[entry(Some("nope/ca.pem"))], Path::new("/rc"))
        else {
            panic!("loaded a file that does not exist");
        };
        let text = format!("{e:#}");
        assert!(text.contains("[[client_tls]] #1"), "{text}");
        assert!(text.contains("/rc/nope/ca.pem"), "{text}");
    }

    #[test]
    fn only_named_components_get_their_own_settings() {
        let webpki = ClientTls {
            ca_use_webpki_roots: Some(true),
            ..entry(None)
        };
        let tls = PgTls::from_runtime_config(&[webpki], Path::new("/rc")).expect("webpki roots");
        assert!(tls.names("product"));
        assert!(!tls.names("order"));
    }
}

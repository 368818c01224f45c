//! `sslmode` in a Postgres address, read as Spin 4 reads it.
//!
//! Spin 4 hands the address to `tokio-postgres` with a verifying TLS connector, so:
//! - `disable`: a plain connection, nothing else is tried.
//! - `prefer`, or no `sslmode`: the client asks the server for TLS; if the server offers
//!   it, the session is TLS and the server's certificate must verify (chain and name), a
//!   failure is an error and nothing is retried in the clear. Only a server that answers
//!   that it has no TLS at all gets a plain session. That last case is Spin's behaviour,
//!   kept so that an app that works on Spin works here; an address that must never be
//!   plain says `require`.
//! - `require`, `verify-ca`, `verify-full`: TLS with full verification, no plain-text
//!   fallback; a server without TLS is `connection-failed`. Spin's driver rejects the two
//!   `verify-*` spellings as unknown; redshop accepts them, since what it does (verify the
//!   chain and the name) is what they ask for.
//! - `allow` (libpq: plain first) is refused, as Spin's driver refuses it.
//!
//! The loopback defaults carry `sslmode=disable`: a local server's self-signed
//! certificate would not verify, on Spin either.

/// What an address asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    /// `disable`: plain, nothing else tried.
    Disable,
    /// `prefer` or no `sslmode`: TLS, verified, when the server offers it; plain only when
    /// the server has no TLS.
    Prefer,
    /// `require`, `verify-ca`, `verify-full`: verified TLS or nothing.
    Require,
}

impl SslMode {
    /// The same mode for the driver.
    pub fn driver(self) -> tokio_postgres::config::SslMode {
        match self {
            SslMode::Disable => tokio_postgres::config::SslMode::Disable,
            SslMode::Prefer => tokio_postgres::config::SslMode::Prefer,
            SslMode::Require => tokio_postgres::config::SslMode::Require,
        }
    }
}

/// Split `sslmode` off `address` (URL or `key=value` form): the address without it, which
/// the driver parses, and the mode it asked for. An unknown mode is an error.
pub fn split_ssl_mode(address: &str) -> Result<(String, SslMode), String> {
    let (rest, raw) = if address.starts_with("postgres://") || address.starts_with("postgresql://")
    {
        split_url(address)
    } else {
        split_key_value(address)
    };
    let mode = match raw.as_deref() {
        Some("disable") => SslMode::Disable,
        None | Some("prefer") => SslMode::Prefer,
        Some("require" | "verify-ca" | "verify-full") => SslMode::Require,
        Some("allow") => {
            return Err(
                "sslmode=allow is not supported (nor by Spin): use disable, prefer or require"
                    .to_owned(),
            );
        }
        Some(other) => return Err(format!("invalid sslmode `{other}`")),
    };
    Ok((rest, mode))
}

/// `postgres://…/db?a=1&sslmode=x&b=2` → (`postgres://…/db?a=1&b=2`, `x`).
fn split_url(address: &str) -> (String, Option<String>) {
    let Some((base, query)) = address.split_once('?') else {
        return (address.to_owned(), None);
    };
    let mut mode = None;
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| match pair.strip_prefix("sslmode=") {
            Some(value) => {
                mode = Some(value.to_owned());
                false
            }
            None => true,
        })
        .collect();
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, mode)
}

/// `host=h sslmode=x dbname=d` → (`host=h dbname=d`, `x`).
fn split_key_value(address: &str) -> (String, Option<String>) {
    let mut mode = None;
    let kept: Vec<&str> = address
        .split_whitespace()
        .filter(|pair| match pair.strip_prefix("sslmode=") {
            Some(value) => {
                mode = Some(value.trim_matches('\'').to_owned());
                false
            }
            None => true,
        })
        .collect();
    (kept.join(" "), mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_split_off_url_and_key_value_addresses() {
        for (address, rest, mode) in [
            (
                "postgres://u@127.0.0.1:5432/db?sslmode=disable",
                "postgres://u@127.0.0.1:5432/db",
                SslMode::Disable,
            ),
            (
                "postgres://u@h/db?application_name=x&sslmode=prefer&connect_timeout=3",
                "postgres://u@h/db?application_name=x&connect_timeout=3",
                SslMode::Prefer,
            ),
            ("postgres://h/db", "postgres://h/db", SslMode::Prefer),
            (
                "postgresql://h/db?sslmode=require",
                "postgresql://h/db",
                SslMode::Require,
            ),
            (
                "host=h sslmode=disable dbname=d",
                "host=h dbname=d",
                SslMode::Disable,
            ),
            ("host=h sslmode='verify-full'", "host=h", SslMode::Require),
        ] {
            assert_eq!(
                split_ssl_mode(address),
                Ok((rest.to_owned(), mode)),
                "{address}"
            );
        }
    }

    #[test]
    fn verify_modes_are_require_with_verification() {
        for mode in ["require", "verify-ca", "verify-full"] {
            assert_eq!(
                split_ssl_mode(&format!("postgres://h/db?sslmode={mode}")),
                Ok(("postgres://h/db".to_owned(), SslMode::Require))
            );
        }
    }

    #[test]
    fn allow_and_unknown_modes_are_errors() {
        assert!(
            split_ssl_mode("postgres://h/db?sslmode=allow")
                .is_err_and(|e| e.contains("sslmode=allow is not supported"))
        );
        assert_eq!(
            split_ssl_mode("postgres://h/db?sslmode=sometimes"),
            Err("invalid sslmode `sometimes`".to_owned())
        );
    }
}

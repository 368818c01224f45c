//! `sslmode` in a Postgres address, read as libpq and Spin read it.
//!
//! redshop connects without TLS for now. `disable`, `allow` and `prefer` (and an address
//! without `sslmode`) give a plain connection: with no TLS to offer, `allow` and `prefer`
//! fall back to plain as libpq does. `require`, `verify-ca` and `verify-full` ask for TLS,
//! and `open` refuses them with a `connection-failed` that says so, rather than connecting
//! in the clear. The loopback defaults carry `sslmode=disable`, which real Spin needs too:
//! Spin 4 tries TLS first and verifies the server's certificate, which a local server's
//! self-signed one fails.

/// What an address asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SslMode {
    /// No TLS: `disable`, `allow`, `prefer`, or no `sslmode`.
    Plain,
    /// TLS is required (`require`, `verify-ca`, `verify-full`): the mode as written.
    Tls(String),
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
        None | Some("disable" | "allow" | "prefer") => SslMode::Plain,
        Some(mode @ ("require" | "verify-ca" | "verify-full")) => SslMode::Tls(mode.to_owned()),
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
    fn disable_allow_prefer_and_none_are_plain() {
        for (address, rest) in [
            (
                "postgres://u@127.0.0.1:5432/db?sslmode=disable",
                "postgres://u@127.0.0.1:5432/db",
            ),
            (
                "postgres://u@h/db?application_name=x&sslmode=prefer&connect_timeout=3",
                "postgres://u@h/db?application_name=x&connect_timeout=3",
            ),
            ("postgresql://h/db?sslmode=allow", "postgresql://h/db"),
            ("postgres://h/db", "postgres://h/db"),
            ("host=h sslmode=disable dbname=d", "host=h dbname=d"),
        ] {
            assert_eq!(
                split_ssl_mode(address),
                Ok((rest.to_owned(), SslMode::Plain)),
                "{address}"
            );
        }
    }

    #[test]
    fn require_and_verify_modes_ask_for_tls() {
        for mode in ["require", "verify-ca", "verify-full"] {
            assert_eq!(
                split_ssl_mode(&format!("postgres://h/db?sslmode={mode}")),
                Ok(("postgres://h/db".to_owned(), SslMode::Tls(mode.to_owned())))
            );
        }
        assert_eq!(
            split_ssl_mode("host=h sslmode='verify-full'"),
            Ok(("host=h".to_owned(), SslMode::Tls("verify-full".to_owned())))
        );
    }

    #[test]
    fn an_unknown_mode_is_an_error() {
        assert_eq!(
            split_ssl_mode("postgres://h/db?sslmode=sometimes"),
            Err("invalid sslmode `sometimes`".to_owned())
        );
    }
}

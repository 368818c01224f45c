//! Connections, and creating a service's database when asked to.

use tokio_postgres::{Client, Config, NoTls};

use crate::error::Error;

/// SQLSTATE `duplicate_database`: another runner created it between our check and CREATE.
const DUPLICATE_DATABASE: &str = "42P04";

/// The database every PostgreSQL server has, used to create the others.
const MAINTENANCE_DATABASE: &str = "postgres";

pub(crate) fn parse(url: &str) -> Result<Config, Error> {
    url.parse().map_err(|e: tokio_postgres::Error| Error::Url {
        url: redact(url),
        reason: e.to_string(),
    })
}

/// Connects and drives the connection on the current tokio runtime.
pub(crate) async fn connect_config(config: &Config, url: &str) -> Result<Client, Error> {
    let (client, connection) = config
        .connect(NoTls)
        .await
        .map_err(|source| Error::Connect {
            url: redact(url),
            source,
        })?;
    tokio::spawn(async move {
        // The connection ends when the client is dropped; an error here is already reported
        // to whichever query was waiting on it.
        let _ = connection.await;
    });
    Ok(client)
}

pub(crate) async fn connect(url: &str) -> Result<Client, Error> {
    connect_config(&parse(url)?, url).await
}

/// Creates the database the URL names, through the server's maintenance database, unless it
/// exists. Returns whether it was created.
pub async fn create_database(url: &str) -> Result<bool, Error> {
    let config = parse(url)?;
    let name = config
        .get_dbname()
        .ok_or_else(|| Error::NoDatabaseName(redact(url)))?
        .to_owned();
    let mut maintenance = config.clone();
    maintenance.dbname(MAINTENANCE_DATABASE);
    let client = connect_config(&maintenance, url).await?;
    let exists = client
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .map_err(Error::sql("looking up the database"))?
        .is_some();
    if exists {
        return Ok(false);
    }
    // A database name cannot be a parameter; it is quoted as an identifier instead.
    match client
        .batch_execute(&format!("CREATE DATABASE {}", quote_ident(&name)))
        .await
    {
        Ok(()) => Ok(true),
        Err(e) if e.code().is_some_and(|c| c.code() == DUPLICATE_DATABASE) => Ok(false),
        Err(e) => Err(Error::sql(format!("creating database {name}"))(e)),
    }
}

/// `"name"` with embedded quotes doubled: PostgreSQL's rule for quoted identifiers.
pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The URL with its password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest
        .split_once('/')
        .map_or((rest, None), |(a, t)| (a, Some(t)));
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return url.to_owned();
    };
    let Some((user, _password)) = userinfo.split_once(':') else {
        return url.to_owned();
    };
    let tail = tail.map(|t| format!("/{t}")).unwrap_or_default();
    format!("{scheme}://{user}:***@{host}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_ident_doubles_embedded_quotes() {
        assert_eq!(quote_ident("products_db"), "\"products_db\"");
        assert_eq!(quote_ident("we\"ird"), "\"we\"\"ird\"");
    }

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://shop:s3cret@db:5432/products"),
            "postgres://shop:***@db:5432/products"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1:5432/products_db"),
            "postgres://postgres@127.0.0.1:5432/products_db"
        );
        assert_eq!(redact("host=localhost"), "host=localhost");
    }

    #[test]
    fn a_url_without_a_database_is_refused_before_connecting() {
        let config = parse("postgres://postgres@127.0.0.1:5432").unwrap();
        assert_eq!(config.get_dbname(), None);
        assert!(matches!(parse("postgres://[bad"), Err(Error::Url { .. })));
    }
}

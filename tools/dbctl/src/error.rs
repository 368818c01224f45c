//! dbctl's one error type. Messages name the step that failed (the migration version and
//! statement number, the seed batch) and never the password of the database URL.

use redshop_product::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid database URL `{url}`: {reason}")]
    Url { url: String, reason: String },
    #[error("the database URL `{0}` names no database")]
    NoDatabaseName(String),
    #[error("cannot connect to `{url}`: {}", describe(source))]
    Connect {
        url: String,
        source: tokio_postgres::Error,
    },
    #[error("migration {version}, statement {statement}: {}", describe(source))]
    Migration {
        version: String,
        statement: usize,
        source: tokio_postgres::Error,
    },
    #[error("{context}: {}", describe(source))]
    Sql {
        context: String,
        source: tokio_postgres::Error,
    },
    #[error("building the seed data: {0}")]
    SeedData(#[from] DomainError),
    #[error("user accounts: {0}")]
    UserData(String),
}

impl Error {
    pub(crate) fn sql(context: impl Into<String>) -> impl FnOnce(tokio_postgres::Error) -> Error {
        let context = context.into();
        move |source| Error::Sql { context, source }
    }
}

/// A driver error as an operator needs it: the server's own words when the server answered
/// (tokio-postgres displays only "db error" for those), else the driver's message and its
/// causes ("error connecting to server: Connection refused").
fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match db.detail() {
            Some(detail) => format!("{}: {} ({detail})", db.severity(), db.message()),
            None => format!("{}: {}", db.severity(), db.message()),
        };
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_connection_names_its_cause() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        // Nothing listens on port 1.
        let err = rt
            .block_on(tokio_postgres::connect(
                "postgres://postgres@127.0.0.1:1/x?connect_timeout=2",
                tokio_postgres::NoTls,
            ))
            .err()
            .expect("must fail");
        let text = Error::Connect {
            url: "u".into(),
            source: err,
        }
        .to_string();
        assert!(text.contains("refused"), "{text}");
    }
}

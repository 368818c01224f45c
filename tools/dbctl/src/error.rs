//! dbctl's one error type. Messages name the step that failed (the migration version and
//! statement number, the seed batch) and never the password of the database URL.

use redshop_product::error::DomainError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("invalid database URL `{url}`: {reason}")]
    Url { url: String, reason: String },
    #[error("the database URL `{0}` names no database")]
    NoDatabaseName(String),
    #[error("cannot connect to `{url}`: {source}")]
    Connect {
        url: String,
        source: tokio_postgres::Error,
    },
    #[error("migration {version}, statement {statement}: {source}")]
    Migration {
        version: String,
        statement: usize,
        source: tokio_postgres::Error,
    },
    #[error("{context}: {source}")]
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

//! `dbctl`: create, migrate and seed the PostgreSQL databases of Red Shopping's services.
//!
//! Each service owns its database and ships its schema as versioned SQL inside its domain
//! crate (`redshop_product::migrations`), so the component, this tool and the tests can never
//! disagree about the schema. This crate only runs it: `dbctl migrate` applies the pending
//! versions in order, one transaction each, recording every version in `schema_migrations`;
//! `dbctl seed` loads the demo catalog (or a generated one of any size) in batches. Both are
//! idempotent, so `make up` runs them every time.
//!
//! The functions are a library as well as a binary so the end-to-end tests prepare their
//! fresh databases with exactly the code an operator runs.

mod connect;
mod error;
mod migrate;
mod params;
mod seed;
pub mod user;

pub use connect::{create_database, redact};
pub use error::Error;
pub use migrate::{MigrateReport, migrate};
pub use params::Param;
pub use seed::{SeedOptions, SeedReport, seed};

/// The services whose databases dbctl manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Product,
    User,
    Order,
    Notification,
}

impl Service {
    pub const ALL: [Service; 4] = [
        Service::Product,
        Service::User,
        Service::Order,
        Service::Notification,
    ];

    pub fn name(&self) -> &'static str {
        match self {
            Self::Product => "product",
            Self::User => "user",
            Self::Order => "order",
            Self::Notification => "notification",
        }
    }

    /// The service's migrations, `(version, sql)` in the order they must run.
    pub fn migrations(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::Product => redshop_product::migrations::MIGRATIONS,
            Self::User => redshop_user::migrations::MIGRATIONS,
            Self::Order => redshop_order::migrations::MIGRATIONS,
            Self::Notification => redshop_notification::migrations::MIGRATIONS,
        }
    }
}

impl std::str::FromStr for Service {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == raw)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(Service::name).collect();
                format!("unknown service `{raw}`; known: {}", known.join(", "))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_names_parse_and_unknown_ones_list_the_known() {
        assert_eq!("product".parse::<Service>(), Ok(Service::Product));
        let err = "orders".parse::<Service>().unwrap_err();
        assert!(err.contains("known: product"), "{err}");
    }

    /// The runner applies versions in list order and splits each file on `;` outside quotes
    /// and comments, so every service's list must be sorted and free of `$$` bodies.
    #[test]
    fn every_services_migrations_are_sorted_unique_and_splittable() {
        for service in Service::ALL {
            let versions: Vec<&str> = service.migrations().iter().map(|(v, _)| *v).collect();
            let mut sorted = versions.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(versions, sorted, "{}", service.name());
            for (version, sql) in service.migrations() {
                assert!(
                    !sql.contains("$$"),
                    "{} {version} uses dollar quoting",
                    service.name()
                );
            }
        }
    }

    #[test]
    fn product_migrations_come_from_the_domain_crate() {
        assert_eq!(
            Service::Product.migrations(),
            redshop_product::migrations::MIGRATIONS
        );
    }
}

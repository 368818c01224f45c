//! `dbctl migrate|seed --database-url URL --service product`: see the library docs.

use clap::{Parser, Subcommand};
use redshop_dbctl::{SeedOptions, Service, create_database, migrate, redact, seed};

/// Create, migrate and seed the databases of Red Shopping's services.
#[derive(Debug, Parser)]
#[command(name = "dbctl", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply the service's pending migrations (idempotent).
    Migrate {
        #[command(flatten)]
        target: Target,
        /// Create the database first when it does not exist.
        #[arg(long)]
        create: bool,
    },
    /// Load the demo catalog, or COUNT generated products (skipped when products exist).
    Seed {
        #[command(flatten)]
        target: Target,
        /// Generate this many products instead of the 300-product demo catalog.
        #[arg(long, value_name = "N")]
        count: Option<usize>,
        /// Seed even when the catalog already has products (existing rows are skipped).
        #[arg(long)]
        force: bool,
    },
    /// Give the account with this email the admin role (or take it back with --revoke).
    GrantAdmin {
        /// PostgreSQL address of the user database.
        #[arg(long, env = "DATABASE_URL")]
        database_url: String,
        #[arg(long)]
        email: String,
        /// Make the account a customer again.
        #[arg(long)]
        revoke: bool,
    },
}

#[derive(Debug, clap::Args)]
struct Target {
    /// PostgreSQL address, e.g. postgres://postgres@127.0.0.1:5432/products_db?sslmode=disable
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// Which service's schema and data.
    #[arg(long, value_parser = clap::builder::ValueParser::new(|s: &str| s.parse::<Service>()))]
    service: Service,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dbctl: error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), redshop_dbctl::Error> {
    match cli.command {
        Command::Migrate { target, create } => {
            let url = redact(&target.database_url);
            if create && create_database(&target.database_url).await? {
                eprintln!("dbctl: created database {url}");
            }
            let report = migrate(&target.database_url, target.service).await?;
            for version in &report.applied {
                eprintln!(
                    "dbctl: applied {} migration {version}",
                    target.service.name()
                );
            }
            eprintln!(
                "dbctl: {url}: {} migration(s) applied, {} already in place",
                report.applied.len(),
                report.already_applied.len()
            );
        }
        Command::Seed { target, .. } if target.service == Service::User => {
            let url = redact(&target.database_url);
            let report = redshop_dbctl::user::seed_users(&target.database_url).await?;
            if report.created.is_empty() {
                eprintln!(
                    "dbctl: {url}: {} accounts exist, seeding skipped",
                    report.existing
                );
            }
            for c in &report.created {
                // Shown once: only the hash is stored.
                eprintln!(
                    "dbctl: demo {} account: {}  password: {}",
                    c.role, c.email, c.password
                );
            }
        }
        Command::GrantAdmin {
            database_url,
            email,
            revoke,
        } => {
            let role = if revoke { "customer" } else { "admin" };
            if !redshop_dbctl::user::grant_admin(&database_url, &email, revoke).await? {
                return Err(redshop_dbctl::Error::UserData(format!(
                    "no account with email {email}"
                )));
            }
            eprintln!("dbctl: {email} is now {role} (from its next sign-in or token refresh)");
        }
        Command::Seed {
            target,
            count,
            force,
        } => {
            let url = redact(&target.database_url);
            let options = SeedOptions {
                count,
                force,
                progress: Some(progress),
            };
            let report = seed(&target.database_url, target.service, &options).await?;
            if report.skipped {
                eprintln!(
                    "dbctl: {url}: {} products exist, seeding skipped (use --force to add)",
                    report.existing
                );
            } else {
                eprintln!(
                    "dbctl: {url}: {} categories and {} products inserted",
                    report.categories_inserted, report.products_inserted
                );
            }
        }
    }
    Ok(())
}

fn progress(inserted: u64, total: usize) {
    // Only worth reporting for benchmark-sized catalogs.
    if total >= 10_000 {
        eprintln!("dbctl: {inserted}/{total} products");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrate_takes_url_service_and_create() {
        let cli = Cli::try_parse_from([
            "dbctl",
            "migrate",
            "--database-url",
            "postgres://h/db",
            "--service",
            "product",
            "--create",
        ])
        .unwrap();
        assert!(
            matches!(cli.command, Command::Migrate { create: true, ref target } if target.service == Service::Product)
        );
    }

    #[test]
    fn seed_takes_a_count_and_force() {
        let cli = Cli::try_parse_from([
            "dbctl",
            "seed",
            "--database-url",
            "postgres://h/db",
            "--service",
            "product",
            "--count",
            "100000",
            "--force",
        ])
        .unwrap();
        assert!(matches!(
            cli.command,
            Command::Seed {
                count: Some(100_000),
                force: true,
                ..
            }
        ));
    }

    #[test]
    fn an_unknown_service_is_refused_with_the_known_ones() {
        let err = Cli::try_parse_from([
            "dbctl",
            "seed",
            "--database-url",
            "x",
            "--service",
            "orders",
        ])
        .unwrap_err();
        assert!(err.to_string().contains("known: product"), "{err}");
    }
}

//! The user service's demo accounts and the one way to make an admin.
//!
//! `dbctl seed --service user` creates a demo admin and a demo customer with fresh random
//! passwords and prints the credentials once; it does nothing when any account exists, so
//! `make db` on every `make up` never resets a password. `dbctl grant-admin --email ...` (and
//! `--revoke`) is the only way to change a role: no endpoint of the service can, so a stolen
//! customer session cannot be turned into an admin one. A role change applies from the
//! account's next token refresh (the service reads the role again then).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use redshop_user::email::Email;
use redshop_user::hash::{SALT_BYTES, hash_password};
use redshop_user::profile::DisplayName;

use crate::connect::connect;
use crate::error::Error;

/// The demo accounts: email, display name, role.
pub const DEMO_ACCOUNTS: [(&str, &str, &str); 2] = [
    ("admin@redshop.test", "Demo Admin", "admin"),
    ("customer@redshop.test", "Demo Customer", "customer"),
];

/// One created account and its password, shown once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    pub email: String,
    pub password: String,
    pub role: String,
}

/// What `seed_users` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSeedReport {
    /// Accounts present before the run.
    pub existing: i64,
    /// Accounts created by this run (empty when skipped).
    pub created: Vec<Credentials>,
}

fn failed(what: &str) -> impl FnOnce(redshop_user::error::UserError) -> Error + '_ {
    move |e| Error::UserData(format!("{what}: {e}"))
}

fn random<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| Error::UserData(format!("random source: {e}")))?;
    Ok(bytes)
}

/// Creates the demo admin and customer unless the database has any account.
pub async fn seed_users(url: &str) -> Result<UserSeedReport, Error> {
    let client = connect(url).await?;
    let existing: i64 = client
        .query_one("SELECT count(*) FROM users", &[])
        .await
        .map_err(Error::sql(
            "counting users (has the database been migrated?)",
        ))?
        .get(0);
    if existing > 0 {
        return Ok(UserSeedReport {
            existing,
            created: Vec::new(),
        });
    }
    let mut created = Vec::new();
    for (email, name, role) in DEMO_ACCOUNTS {
        let email = Email::parse(email).map_err(failed("demo email"))?;
        let name = DisplayName::parse(name).map_err(failed("demo name"))?;
        // 18 random bytes: a 24-character password, far from any common-password list.
        let password = URL_SAFE_NO_PAD.encode(random::<18>()?);
        let hash = hash_password(&password, &random::<SALT_BYTES>()?).map_err(failed("hashing"))?;
        client
            .execute(
                "INSERT INTO users (email, display_name, password_hash, role) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                &[&email.as_str(), &name.as_str(), &hash, &role],
            )
            .await
            .map_err(Error::sql(format!("creating {}", email.as_str())))?;
        created.push(Credentials {
            email: email.as_str().to_owned(),
            password,
            role: role.to_owned(),
        });
    }
    Ok(UserSeedReport { existing, created })
}

/// Sets the role of the account with `email` (case-insensitive) to `admin`, or back to
/// `customer` with `revoke`. Answers whether an account matched.
pub async fn grant_admin(url: &str, email: &str, revoke: bool) -> Result<bool, Error> {
    let email = Email::parse(email).map_err(failed("email"))?;
    let role = if revoke { "customer" } else { "admin" };
    let client = connect(url).await?;
    let n = client
        .execute(
            "UPDATE users SET role = $2, updated_at = now() WHERE lower(email) = lower($1)",
            &[&email.as_str(), &role],
        )
        .await
        .map_err(Error::sql("changing the role"))?;
    Ok(n > 0)
}

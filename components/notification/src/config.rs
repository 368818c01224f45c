//! Every name the component depends on, in one place: the Spin variables it reads and the
//! request headers it trusts.

/// The PostgreSQL address (`spin.toml` binds it to `notification_db_url`).
pub const DB_URL_VARIABLE: &str = "db_url";

/// The storefront's base URL, for links in emails. Optional: without it, links point at
/// [`DEFAULT_SHOP_URL`], where `make up` serves the shop.
pub const SHOP_URL_VARIABLE: &str = "shop_url";
pub const DEFAULT_SHOP_URL: &str = "http://127.0.0.1:3000";

/// Spin's header with the path relative to the component's route.
pub const PATH_INFO_HEADER: &str = "spin-path-info";

/// Identity headers the gateway asserts (docs/contracts.md, Identity headers). The gateway
/// strips them from client requests and this component is private, so they are trusted
/// here and nowhere else.
pub const USER_HEADER: &str = "x-redshop-user";
pub const ROLE_HEADER: &str = "x-redshop-role";
pub const ADMIN_ROLE: &str = "admin";

//! What routing, identity and the handlers need from a request.

use redshop_notification::ids::UserId;
use spin_sdk::http::{IncomingRequest, Method};

use crate::config::{ADMIN_ROLE, PATH_INFO_HEADER, ROLE_HEADER, USER_HEADER};

/// A request's head; no route reads a body.
#[derive(Debug)]
pub struct Head {
    pub method: Method,
    /// The path relative to the component's route (`/notifications/…`).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// `x-redshop-user`, as sent (parsed by [`Head::user`]).
    pub user: Option<String>,
    /// Whether the gateway asserted the admin role.
    pub admin: bool,
    pub if_none_match: Option<String>,
}

impl Head {
    pub fn of(req: &IncomingRequest) -> Self {
        let headers = req.headers();
        let first = |name: &str| {
            headers
                .get(name)
                .into_iter()
                .next()
                .and_then(|v| String::from_utf8(v).ok())
        };
        let target = req.path_with_query().unwrap_or_default();
        let (raw_path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        Self {
            method: req.method(),
            // Spin always sets path-info; the raw path is a fallback for other hosts.
            path: first(PATH_INFO_HEADER).unwrap_or_else(|| raw_path.to_owned()),
            query: query.to_owned(),
            user: first(USER_HEADER),
            admin: headers
                .get(ROLE_HEADER)
                .iter()
                .any(|v| v.as_slice() == ADMIN_ROLE.as_bytes()),
            if_none_match: first("if-none-match"),
        }
    }

    /// The signed-in user. Absent means anonymous (401 on these routes); a value that is not
    /// a UUID cannot come from the gateway, and is treated the same way rather than trusted.
    pub fn user(&self) -> Option<UserId> {
        self.user.as_deref().and_then(|u| UserId::parse(u).ok())
    }
}

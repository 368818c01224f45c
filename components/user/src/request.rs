//! Reading a request: the head first (path, identity, client address, cookie), the body only
//! once the route is known to want one, read in chunks and abandoned past the cap.

use redshop_edge::body::BodyError;
use serde::de::DeserializeOwned;
use spin_sdk::http::{IncomingRequest, Method};
use uuid::Uuid;

use crate::config::{
    CLIENT_ADDR_HEADER, MAX_BODY_BYTES, MAX_DRAIN_BYTES, PATH_INFO_HEADER, SESSION_HEADER,
    USER_HEADER,
};
use crate::error::ApiError;

/// What routing and the handlers need from the request head.
#[derive(Debug)]
pub struct Head {
    pub method: Method,
    pub path: String,
    /// The signed-in user and session, when the gateway vouched for them.
    pub user: Option<Uuid>,
    pub session: Option<Uuid>,
    pub client_addr: Option<String>,
    pub user_agent: String,
    pub cookie: Option<String>,
    json_body: bool,
    content_length: Option<u64>,
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
        let raw_path = target.split_once('?').map_or(target.as_str(), |(p, _)| p);
        let path = first(PATH_INFO_HEADER).unwrap_or_else(|| raw_path.to_owned());
        let uuid = |name: &str| first(name).and_then(|v| Uuid::parse_str(v.trim()).ok());
        let json_body = first("content-type").is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
        Self {
            method: req.method(),
            path,
            user: uuid(USER_HEADER),
            session: uuid(SESSION_HEADER),
            client_addr: first(CLIENT_ADDR_HEADER),
            user_agent: first("user-agent").unwrap_or_default(),
            cookie: first("cookie"),
            json_body,
            content_length: first("content-length").and_then(|v| v.trim().parse().ok()),
        }
    }

    /// The signed-in user, or 401.
    pub fn require_user(&self) -> Result<Uuid, ApiError> {
        self.user.ok_or(ApiError::Domain(
            redshop_user::error::UserError::Unauthenticated,
        ))
    }
}

/// Reads the body, refusing anything over [`MAX_BODY_BYTES`] as soon as it is known (with
/// or without `content-length`, [`redshop_edge::body`]), and a body that is not declared
/// as JSON.
pub async fn read_body(req: IncomingRequest, head: &Head) -> Result<Vec<u8>, ApiError> {
    let body = redshop_edge::body::read(req, head.content_length, MAX_BODY_BYTES, MAX_DRAIN_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => ApiError::PayloadTooLarge,
            BodyError::Unreadable(why) => ApiError::UnreadableBody(why),
        })?;
    if !head.json_body {
        return Err(ApiError::UnsupportedMediaType);
    }
    Ok(body)
}

/// Parses a JSON body into a request DTO; serde's message names the offending field.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidJson("the body is empty".into()));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidJson(e.to_string()))
}

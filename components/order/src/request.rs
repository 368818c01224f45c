//! The request head (method, path, query, identity) and the capped body.

use redshop_edge::body::BodyError;
use redshop_order::error::OrderError;
use redshop_order::ids::{CartId, CartOwner, IdempotencyKey, UserId};
use serde::de::DeserializeOwned;
use spin_sdk::http::{IncomingRequest, Method};

use crate::config::{
    ADMIN_ROLE, CART_HEADER, IDEMPOTENCY_HEADER, MAX_BODY_BYTES, MAX_DRAIN_BYTES, PATH_INFO_HEADER,
    REQUEST_ID_HEADER, ROLE_HEADER, USER_HEADER,
};
use crate::error::ApiError;

/// What routing, identity and authorization need, read before the body.
#[derive(Debug)]
pub struct Head {
    pub method: Method,
    /// The path relative to the component's route (`/cart/items/…`).
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    /// `x-redshop-user`, unparsed (parsed by [`Head::user`]).
    user: Option<String>,
    /// `x-redshop-cart`, unparsed.
    cart: Option<String>,
    pub admin: bool,
    pub request_id: Option<String>,
    idempotency_key: Option<String>,
    json_content: bool,
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
        let (raw_path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
        let path = first(PATH_INFO_HEADER).unwrap_or_else(|| raw_path.to_owned());
        let json_content = first("content-type").is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
        });
        Self {
            method: req.method(),
            path,
            query: query.to_owned(),
            user: first(USER_HEADER).filter(|v| !v.is_empty()),
            cart: first(CART_HEADER).filter(|v| !v.is_empty()),
            admin: first(ROLE_HEADER).as_deref() == Some(ADMIN_ROLE),
            request_id: first(REQUEST_ID_HEADER),
            idempotency_key: first(IDEMPOTENCY_HEADER),
            json_content,
            content_length: first("content-length").and_then(|v| v.trim().parse().ok()),
        }
    }

    /// The signed-in user, if any. A malformed header is refused rather than read as
    /// anonymous: only the gateway sets it, so a bad value is a bug worth seeing.
    pub fn user(&self) -> Result<Option<UserId>, ApiError> {
        self.user
            .as_deref()
            .map(|raw| {
                UserId::parse(raw).map_err(|_| {
                    OrderError::InvalidIdentity(format!("{USER_HEADER} is not a user id")).into()
                })
            })
            .transpose()
    }

    /// The signed-in user, required (`401` without one).
    pub fn signed_in(&self) -> Result<UserId, ApiError> {
        self.user()?.ok_or(OrderError::Unauthenticated.into())
    }

    /// The guest cart id the gateway forwarded, if any.
    pub fn guest_cart(&self) -> Result<Option<CartId>, ApiError> {
        self.cart
            .as_deref()
            .map(|raw| {
                CartId::parse(raw).map_err(|_| {
                    OrderError::InvalidIdentity(format!("{CART_HEADER} is not a cart id")).into()
                })
            })
            .transpose()
    }

    /// Whose cart this request is about: the user's when signed in, else the guest's.
    pub fn cart_owner(&self) -> Result<Option<CartOwner>, ApiError> {
        if let Some(user) = self.user()? {
            return Ok(Some(CartOwner::User(user)));
        }
        Ok(self.guest_cart()?.map(CartOwner::Guest))
    }

    pub fn idempotency_key(&self) -> Result<IdempotencyKey, ApiError> {
        let raw = self
            .idempotency_key
            .as_deref()
            .ok_or(OrderError::IdempotencyKeyRequired)?;
        Ok(IdempotencyKey::parse(raw)?)
    }

    /// One `name=value` of the query string (values here are ids, numbers and status names,
    /// which need no decoding); a repeated name is refused.
    pub fn param(&self, name: &str) -> Result<Option<&str>, ApiError> {
        let mut found = self
            .query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .filter(|(k, _)| *k == name)
            .map(|(_, v)| v);
        let first = found.next();
        if found.next().is_some() {
            return Err(OrderError::InvalidRequest(format!("`{name}` given twice")).into());
        }
        Ok(first.filter(|v| !v.is_empty()))
    }

    /// Refuses query parameters other than `known` (a typo must not silently widen a listing).
    pub fn only_params(&self, known: &[&str]) -> Result<(), ApiError> {
        for pair in self.query.split('&').filter(|p| !p.is_empty()) {
            let name = pair.split_once('=').map_or(pair, |(k, _)| k);
            if !known.contains(&name) {
                return Err(OrderError::InvalidRequest(format!(
                    "unknown query parameter `{}`",
                    name.chars().take(40).collect::<String>()
                ))
                .into());
            }
        }
        Ok(())
    }
}

/// Reads a JSON route's body: `415` without a JSON content type, `413` past
/// [`MAX_BODY_BYTES`], with or without `content-length` ([`redshop_edge::body`]).
pub async fn read_body(req: IncomingRequest, head: &Head) -> Result<Vec<u8>, ApiError> {
    if !head.json_content {
        return Err(ApiError::UnsupportedMediaType);
    }
    redshop_edge::body::read(req, head.content_length, MAX_BODY_BYTES, MAX_DRAIN_BYTES)
        .await
        .map_err(|e| match e {
            BodyError::TooLarge => ApiError::PayloadTooLarge,
            BodyError::Unreadable(why) => ApiError::UnreadableBody(why),
        })
}

/// Parses a JSON body into a request DTO; serde's message names the offending field.
pub fn json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::InvalidJson("the body is empty".into()));
    }
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidJson(e.to_string()))
}

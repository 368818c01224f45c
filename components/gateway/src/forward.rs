//! Forwarding a request to the service that owns it: the allow-listed client headers plus
//! the identity the gateway asserts, a deadline, the catalog cache around anonymous catalog
//! reads, and the cache version bump after a catalog write.

use redshop_gateway::GatewayError;
use redshop_gateway::cache::normalise_query;
use redshop_gateway::config::Settings;
use redshop_gateway::hygiene::upstream_failure;
use redshop_gateway::identity::{self, Asserted, Identity};
use redshop_gateway::request_id::RequestId;
use redshop_gateway::routes::{self, RouteSpec};

use crate::catalog;
use crate::request::Head;
use crate::respond::Out;
use crate::store::Store;
use crate::upstream::{self, Answer, Call, Failure};

/// One request on its way to a service.
pub struct Forward<'a> {
    pub head: &'a Head,
    pub spec: &'static RouteSpec,
    pub settings: &'a Settings,
    pub request_id: &'a RequestId,
    pub identity: Option<&'a Identity>,
    pub client_addr: &'a str,
    pub body: &'a [u8],
}

/// Forwards, through the catalog cache when the request is an anonymous catalog read.
pub fn run(store: &mut Store, f: &Forward<'_>) -> Result<Out, GatewayError> {
    let path = routes::forward_path(&f.head.path);
    let anonymous = f.head.header("authorization").is_none();
    let normalised = normalise_query(&f.head.query);
    let if_none_match = f.head.header("if-none-match");
    let prefix = &f.settings.redis_prefix;
    if let (true, true, Some(query)) = (f.spec.cached, anonymous, &normalised) {
        let at = match catalog::lookup(store, prefix, path, query, if_none_match) {
            Ok(hit) => return Ok(hit),
            Err(at) => at,
        };
        let answer = send(f, path, query)?;
        return match (answer.status, at) {
            (200, Some(at)) => Ok(catalog::store_and_answer(
                store,
                prefix,
                f.settings.cache_ttl_secs,
                &at,
                answer.body,
                if_none_match,
            )),
            _ => pass_back(f.spec, answer),
        };
    }
    let answer = send(f, path, &f.head.query)?;
    if f.spec.catalog_write && (200..300).contains(&answer.status) {
        catalog::invalidate(store, prefix);
    }
    pass_back(f.spec, answer)
}

fn send(f: &Forward<'_>, path: &str, query: &str) -> Result<Answer, GatewayError> {
    let service = f.spec.service.id();
    let cart = identity::cart_id(
        f.head.header(identity::CLIENT_CART_HEADER),
        f.head.header("cookie"),
    );
    let asserted = Asserted {
        identity: f.identity,
        client_addr: f.client_addr,
        cart: cart.as_deref(),
        request_id: f.request_id,
    };
    let mut headers: Vec<(String, Vec<u8>)> = f
        .head
        .headers
        .iter()
        .filter(|(k, _)| identity::forwards_request_header(k, f.spec.cookies))
        .cloned()
        .collect();
    headers.extend(
        asserted
            .headers()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into_bytes())),
    );
    let path_and_query = if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    };
    let call = Call {
        service,
        method: f.head.method.as_str(),
        path_and_query,
        headers,
        body: f.body,
    };
    upstream::send(call, f.settings.upstream_timeout_ms).map_err(|e| match e {
        Failure::Timeout => GatewayError::Timeout(format!(
            "{service} did not answer within {} ms",
            f.settings.upstream_timeout_ms
        )),
        Failure::Unreachable(why) => GatewayError::Unavailable(why),
    })
}

/// A service's answer as the client gets it: a 5xx becomes the gateway's 503/504, anything
/// else passes with its body and the allow-listed headers.
pub fn pass_back(spec: &RouteSpec, answer: Answer) -> Result<Out, GatewayError> {
    if let Some(e) = upstream_failure(spec.service.id(), answer.status) {
        return Err(e);
    }
    let headers = answer
        .headers
        .into_iter()
        .filter(|(k, _)| identity::forwards_response_header(k, spec.cookies))
        .collect();
    Ok(Out {
        status: answer.status,
        headers,
        body: answer.body,
    })
}

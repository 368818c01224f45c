//! What the gateway answers itself: the probe health, the admin health page, and the
//! admin's outbox flush (a private component cannot be reached from outside, and Spin has
//! no scheduler, so an operator or a cron job calls this).

use redshop_gateway::GatewayError;
use redshop_gateway::health::{Check, Status, admin_report, probe_report};
use redshop_gateway::routes::Service;

use crate::respond::Out;
use crate::store::Store;
use crate::upstream::{self, Answer, Call, Failure};

/// `GET /api/health`: `ok` when Redis answers; the word only.
pub fn probe(store: &mut Store) -> Out {
    let (status, body) = probe_report(store.ping());
    Out::json(status, &body)
}

/// `GET /api/v1/admin/health`: every service's private `GET /health`, asked at once, and
/// Redis.
pub fn admin_health(store: &mut Store, timeout_ms: u64, request_id: &str) -> Out {
    let pending: Vec<_> = Service::CHAINED
        .iter()
        .map(|s| {
            (
                s.id(),
                upstream::start(get(s.id(), "/health", request_id), timeout_ms),
            )
        })
        .collect();
    let mut checks: Vec<Check> = pending
        .into_iter()
        .map(|(name, call)| Check {
            name,
            status: service_status(call.finish()),
        })
        .collect();
    let redis = if store.ping() {
        Status::Ok
    } else {
        Status::Down
    };
    checks.push(Check {
        name: "redis",
        status: redis,
    });
    let (status, body) = admin_report(&checks);
    Out::json(status, &body)
}

fn service_status(answer: Result<Answer, Failure>) -> Status {
    match answer {
        Ok(a) if a.status == 200 => Status::Ok,
        Ok(_) | Err(Failure::Timeout) => Status::Down,
        // Not in this deployment: the host has no such component, or this gateway's
        // manifest does not grant it (a selective deployment drops both together).
        Err(Failure::Unreachable(why))
            if why.contains("DestinationNotFound") || why.contains("HttpRequestDenied") =>
        {
            Status::Absent
        }
        Err(Failure::Unreachable(_)) => Status::Down,
    }
}

/// `POST /api/v1/admin/events/flush`: the order service's `POST /internal/flush`, its
/// answer passed back.
pub fn events_flush(timeout_ms: u64, request_id: &str) -> Result<Answer, GatewayError> {
    let mut call = get("order", "/internal/flush", request_id);
    call.method = "POST";
    upstream::send(call, timeout_ms).map_err(|f| match f {
        Failure::Timeout => GatewayError::Timeout("order: flush".into()),
        Failure::Unreachable(why) => GatewayError::Unavailable(why),
    })
}

fn get<'a>(service: &'static str, path: &str, request_id: &str) -> Call<'a> {
    Call {
        service,
        method: "GET",
        path_and_query: path.to_owned(),
        headers: vec![("x-request-id".into(), request_id.as_bytes().to_vec())],
        body: &[],
    }
}

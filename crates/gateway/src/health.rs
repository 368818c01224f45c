//! The health answers: `GET /api/health` (a status word, for probes) and
//! `GET /api/v1/admin/health` (each service and Redis, for operators).

use serde::Serialize;

/// One dependency's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Answered `200` to `GET /health` (Redis: `PING`).
    Ok,
    /// Answered something else, failed, or timed out.
    Down,
    /// Not part of this deployment (SpinKube selective deployment, or a test subset).
    Absent,
}

/// One line of the admin health page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: &'static str,
    pub status: Status,
}

/// The admin page: `200` when nothing is down, `503` otherwise; absent services do not
/// count (a deployment may run a subset on purpose).
pub fn admin_report(checks: &[Check]) -> (u16, serde_json::Value) {
    let down = checks.iter().any(|c| c.status == Status::Down);
    let status = if down { "degraded" } else { "ok" };
    let mut services = serde_json::Map::new();
    for check in checks {
        services.insert(
            check.name.to_owned(),
            serde_json::json!({ "status": check.status }),
        );
    }
    (
        if down { 503 } else { 200 },
        serde_json::json!({ "status": status, "checks": services }),
    )
}

/// The probe answer: `200 {"status":"ok"}` when Redis answers, else
/// `503 {"status":"unavailable"}`; nothing else is said.
pub fn probe_report(redis_ok: bool) -> (u16, serde_json::Value) {
    if redis_ok {
        (200, serde_json::json!({ "status": "ok" }))
    } else {
        (503, serde_json::json!({ "status": "unavailable" }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_service_down_degrades_the_page_and_absent_ones_do_not() {
        let checks = [
            Check {
                name: "product",
                status: Status::Ok,
            },
            Check {
                name: "order",
                status: Status::Absent,
            },
            Check {
                name: "redis",
                status: Status::Ok,
            },
        ];
        let (status, body) = admin_report(&checks);
        assert_eq!(status, 200);
        assert_eq!(body["checks"]["order"]["status"], "absent");
        let (status, body) = admin_report(&[Check {
            name: "user",
            status: Status::Down,
        }]);
        assert_eq!((status, body["status"].as_str()), (503, Some("degraded")));
    }

    #[test]
    fn the_probe_says_one_word() {
        assert_eq!(
            probe_report(true),
            (200, serde_json::json!({"status": "ok"}))
        );
        assert_eq!(probe_report(false).0, 503);
    }
}

//! Request metrics in Prometheus' text format, served on the admin listener.
//!
//! Counters are per component and plain atomics, so the hot path takes no lock: a request
//! costs a handful of relaxed increments. Latency goes into fixed buckets chosen around
//! what a shop request costs (a trivial component is tens of microseconds, a database
//! round-trip a millisecond or so, a slow dependency seconds).

use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::runtime::InvokeError;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 2.5, 10.0,
];

/// One component's counters.
#[derive(Default)]
pub struct ComponentMetrics {
    /// Responses by status class: index 1..=5 for 1xx..5xx, 0 for anything else.
    by_class: [AtomicU64; 6],
    buckets: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
    in_flight: AtomicI64,
    traps: AtomicU64,
    deadlines: AtomicU64,
    instantiate_failures: AtomicU64,
}

/// Counts a request as in flight until `finish` (or drop).
pub struct InFlight<'a> {
    metrics: &'a ComponentMetrics,
}

impl ComponentMetrics {
    /// A request starts.
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Relaxed);
        InFlight { metrics: self }
    }

    /// Record why an invocation failed.
    pub fn failure(&self, e: &InvokeError) {
        let counter = match e {
            InvokeError::Deadline => &self.deadlines,
            InvokeError::Instantiate(_) => &self.instantiate_failures,
            InvokeError::Guest(_) | InvokeError::GuestErrorCode(_) => &self.traps,
        };
        counter.fetch_add(1, Relaxed);
    }
}

impl InFlight<'_> {
    /// The request ended with `status` after `elapsed`.
    pub fn finish(self, status: http::StatusCode, elapsed: Duration) {
        let m = self.metrics;
        let class = usize::from(status.as_u16() / 100);
        m.by_class[if (1..=5).contains(&class) { class } else { 0 }].fetch_add(1, Relaxed);
        let secs = elapsed.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            m.buckets[i].fetch_add(1, Relaxed);
        }
        m.count.fetch_add(1, Relaxed);
        m.sum_micros.fetch_add(
            u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
            Relaxed,
        );
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.metrics.in_flight.fetch_sub(1, Relaxed);
    }
}

/// Counters that belong to no component.
#[derive(Default)]
pub struct Metrics {
    not_found: AtomicU64,
    /// The Redis trigger's counters.
    pub trigger: TriggerMetrics,
}

/// What the Redis trigger did.
#[derive(Default)]
pub struct TriggerMetrics {
    subscriptions: AtomicU64,
    handled: AtomicU64,
    retried: AtomicU64,
    dead: AtomicU64,
}

impl TriggerMetrics {
    /// A subscription was (re-)established.
    pub fn subscribed(&self) {
        self.subscriptions.fetch_add(1, Relaxed);
    }
    /// A message was handled.
    pub fn handled(&self) {
        self.handled.fetch_add(1, Relaxed);
    }
    /// A delivery failed and will be retried.
    pub fn retried(&self) {
        self.retried.fetch_add(1, Relaxed);
    }
    /// A message was given up on.
    pub fn dead(&self) {
        self.dead.fetch_add(1, Relaxed);
    }
}

impl Metrics {
    /// A request matched no route.
    pub fn not_found(&self) {
        self.not_found.fetch_add(1, Relaxed);
    }

    /// Render everything in Prometheus' text exposition format.
    pub fn render<'a>(
        &self,
        components: impl Iterator<Item = (&'a str, &'a ComponentMetrics)>,
        pg_connections_opened: u64,
    ) -> String {
        let mut out = String::new();
        let t = &self.trigger;
        for (name, help, value) in [
            (
                "redshop_redis_subscriptions_total",
                "Redis trigger subscriptions established (reconnects included).",
                &t.subscriptions,
            ),
            (
                "redshop_redis_messages_handled_total",
                "Redis trigger messages handled successfully.",
                &t.handled,
            ),
            (
                "redshop_redis_messages_retried_total",
                "Redis trigger deliveries that failed and were retried.",
                &t.retried,
            ),
            (
                "redshop_redis_messages_dead_total",
                "Redis trigger messages given up on after every attempt.",
                &t.dead,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                value.load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP redshop_postgres_connections_opened_total Physical Postgres connections opened by the pools."
        );
        let _ = writeln!(
            out,
            "# TYPE redshop_postgres_connections_opened_total counter"
        );
        let _ = writeln!(
            out,
            "redshop_postgres_connections_opened_total {pg_connections_opened}"
        );
        let _ = writeln!(
            out,
            "# HELP redshop_http_requests_total Responses by component and status class."
        );
        let _ = writeln!(out, "# TYPE redshop_http_requests_total counter");
        let _ = writeln!(
            out,
            "redshop_http_requests_total{{component=\"\",status=\"404\"}} {}",
            self.not_found.load(Relaxed)
        );
        let mut histograms = String::new();
        let mut gauges = String::new();
        let mut failures = String::new();
        for (id, m) in components {
            for (class, counter) in m.by_class.iter().enumerate().skip(1) {
                let _ = writeln!(
                    out,
                    "redshop_http_requests_total{{component=\"{id}\",status=\"{class}xx\"}} {}",
                    counter.load(Relaxed)
                );
            }
            let mut cumulative = 0;
            for (bound, counter) in BUCKETS.iter().zip(&m.buckets) {
                cumulative += counter.load(Relaxed);
                let _ = writeln!(
                    histograms,
                    "redshop_http_request_duration_seconds_bucket{{component=\"{id}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = m.count.load(Relaxed);
            let _ = writeln!(
                histograms,
                "redshop_http_request_duration_seconds_bucket{{component=\"{id}\",le=\"+Inf\"}} {count}"
            );
            let sum = m.sum_micros.load(Relaxed) as f64 / 1e6;
            let _ = writeln!(
                histograms,
                "redshop_http_request_duration_seconds_sum{{component=\"{id}\"}} {sum}"
            );
            let _ = writeln!(
                histograms,
                "redshop_http_request_duration_seconds_count{{component=\"{id}\"}} {count}"
            );
            let _ = writeln!(
                gauges,
                "redshop_http_requests_in_flight{{component=\"{id}\"}} {}",
                m.in_flight.load(Relaxed)
            );
            for (kind, counter) in [
                ("trap", &m.traps),
                ("deadline", &m.deadlines),
                ("instantiate", &m.instantiate_failures),
            ] {
                let _ = writeln!(
                    failures,
                    "redshop_invocation_failures_total{{component=\"{id}\",kind=\"{kind}\"}} {}",
                    counter.load(Relaxed)
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP redshop_http_request_duration_seconds Time from routing to response head."
        );
        let _ = writeln!(
            out,
            "# TYPE redshop_http_request_duration_seconds histogram"
        );
        out.push_str(&histograms);
        let _ = writeln!(
            out,
            "# HELP redshop_http_requests_in_flight Requests being handled now."
        );
        let _ = writeln!(out, "# TYPE redshop_http_requests_in_flight gauge");
        out.push_str(&gauges);
        let _ = writeln!(
            out,
            "# HELP redshop_invocation_failures_total Invocations that ended without a guest response."
        );
        let _ = writeln!(out, "# TYPE redshop_invocation_failures_total counter");
        out.push_str(&failures);
        out
    }
}

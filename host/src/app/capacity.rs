//! Capacity that adds up: how many outside requests may run at once so that each of them
//! always finds the instances its longest chain needs.
//!
//! A request from outside holds one instance of the component it reached, and every
//! chained call (`http://<id>.spin.internal`, or a request to the app itself) holds one
//! more until it answers. The shop's longest chain is gateway → order → product: three
//! instances at once. So with `A` requests admitted, the pool must hold `A × L` instances
//! (`L` the longest chain), plus what the Redis trigger may use (`MAX_IN_FLIGHT` messages
//! per subscription, one instance each: a component run by the Redis trigger cannot
//! chain). Admission is therefore `min(max_concurrent_requests, (pool − redis) / L)`, and a
//! pool that cannot serve even one longest chain is refused at start-up.
//!
//! Core instances are counted separately by wasmtime, and one component instance creates
//! several (the module, its shims and adapters); [`crate::engine`] sizes them as
//! `total_component_instances × max_core_instances_per_component`, so they never run out
//! before component instances do.

use std::collections::{BTreeMap, BTreeSet};

use redshop_spin::outbound::{AllowedHosts, ChainingTargets};

use crate::outbound_http::MAX_CHAIN_DEPTH;

/// A component as the capacity rule sees it.
pub struct Node<'a> {
    pub id: &'a str,
    pub outbound: &'a AllowedHosts,
    /// Reachable through a public HTTP route (a request to the app itself can land here).
    pub public: bool,
    /// Runs for HTTP requests at all (public or private).
    pub http: bool,
}

/// The most instances one outside request can hold at once: the longest path through the
/// chaining grants, counting the component that received the request. A cycle (or a grant
/// to every component) is bounded by the host's hop limit.
pub fn longest_chain(nodes: &[Node<'_>]) -> usize {
    let ids: BTreeSet<&str> = nodes.iter().filter(|n| n.http).map(|n| n.id).collect();
    let public: BTreeSet<&str> = nodes.iter().filter(|n| n.public).map(|n| n.id).collect();
    let edges: BTreeMap<&str, BTreeSet<&str>> = nodes
        .iter()
        .map(|n| {
            let mut to: BTreeSet<&str> = match n.outbound.chaining_targets() {
                ChainingTargets::All => ids.clone(),
                ChainingTargets::Some(targets) => ids
                    .iter()
                    .copied()
                    .filter(|id| targets.contains(*id))
                    .collect(),
                ChainingTargets::None => BTreeSet::new(),
            };
            if n.outbound.allows_self() {
                to.extend(public.iter().copied());
            }
            (n.id, to)
        })
        .collect();
    let limit = usize::from(MAX_CHAIN_DEPTH) + 1;
    let mut longest = 1;
    for start in &ids {
        longest = longest.max(depth(start, &edges, &mut Vec::new(), limit));
    }
    longest
}

/// Instances on the longest path from `at`; a component already on the path means a cycle,
/// which only the hop limit ends.
fn depth<'a>(
    at: &'a str,
    edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
    path: &mut Vec<&'a str>,
    limit: usize,
) -> usize {
    if path.contains(&at) {
        return limit;
    }
    path.push(at);
    let mut best = 1;
    for next in edges.get(at).into_iter().flatten() {
        best = best.max(1 + depth(next, edges, path, limit));
        if best >= limit {
            best = limit;
            break;
        }
    }
    path.pop();
    best
}

/// What the pool can serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capacity {
    /// Outside requests run at once.
    pub admitted: usize,
    /// Instances one of them may need.
    pub longest_chain: usize,
    /// Instances kept for the Redis trigger.
    pub for_messages: usize,
}

/// Admission for a pool of `instances` component instances.
pub fn plan(
    configured: usize,
    instances: usize,
    longest_chain: usize,
    for_messages: usize,
) -> Result<Capacity, String> {
    let for_requests = instances.saturating_sub(for_messages);
    let fits = for_requests / longest_chain.max(1);
    if fits == 0 {
        return Err(format!(
            "[pooling] total_component_instances = {instances} cannot serve one request: its \
             longest chain needs {longest_chain} instances and the Redis trigger keeps \
             {for_messages}; raise total_component_instances to at least {}",
            for_messages + longest_chain
        ));
    }
    Ok(Capacity {
        admitted: configured.min(fits).max(1),
        longest_chain,
        for_messages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts(entries: &[&str]) -> AllowedHosts {
        AllowedHosts::parse(entries).expect("hosts")
    }

    #[test]
    fn the_shops_longest_chain_is_gateway_order_product() {
        let gateway = hosts(&[
            "http://product.spin.internal",
            "http://user.spin.internal",
            "http://order.spin.internal",
        ]);
        let order = hosts(&["http://product.spin.internal", "http://user.spin.internal"]);
        let none = hosts(&["postgres://db:5432"]);
        let node = |id, outbound, public| Node {
            id,
            outbound,
            public,
            http: true,
        };
        let nodes = [
            node("gateway", &gateway, true),
            node("order", &order, false),
            node("product", &none, false),
            node("user", &none, false),
            Node {
                id: "order-consumer",
                outbound: &none,
                public: false,
                http: false,
            },
        ];
        assert_eq!(longest_chain(&nodes), 3);
    }

    #[test]
    fn a_cycle_or_a_wildcard_is_bounded_by_the_hop_limit() {
        let all = hosts(&["http://*.spin.internal"]);
        let nodes = [Node {
            id: "a",
            outbound: &all,
            public: true,
            http: true,
        }];
        assert_eq!(longest_chain(&nodes), usize::from(MAX_CHAIN_DEPTH) + 1);
    }

    #[test]
    fn admission_is_what_the_pool_can_serve_whole_chains_for() {
        assert_eq!(
            plan(64, 1000, 3, 48),
            Ok(Capacity {
                admitted: 64,
                longest_chain: 3,
                for_messages: 48
            })
        );
        assert_eq!(plan(500, 1000, 3, 48).map(|c| c.admitted), Ok(317));
        let refused = plan(64, 2, 3, 0).expect_err("one chain does not fit");
        assert!(refused.contains("at least 3"), "{refused}");
    }
}

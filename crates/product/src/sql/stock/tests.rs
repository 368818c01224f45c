use super::*;
use crate::domain::{AdjustStockRequest, StockDelta, StockReason};
use crate::sql::SqlValue;
use crate::sql::testing::{assert_user_text_is_parameterized, assert_well_formed};

pub(crate) fn pid(n: u8) -> ProductId {
    ProductId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
}

pub(crate) fn order() -> OrderId {
    OrderId::parse("11111111-1111-4111-8111-111111111111").unwrap()
}

pub(crate) fn reserve(lines: &[(u8, i64)]) -> ReserveStock {
    ReserveStock::new(order(), lines.iter().map(|(p, q)| (pid(*p), *q))).unwrap()
}

/// A locked stock row as [`lock_stock`] returns it.
pub(crate) fn locked(p: u8, on_hand: i64, reserved: i64, active: bool) -> Row {
    vec![
        SqlValue::Uuid(pid(p).to_text()),
        SqlValue::Int64(on_hand),
        SqlValue::Int64(reserved),
        SqlValue::Bool(active),
    ]
}

pub(crate) fn count_row(n: i64) -> Vec<Row> {
    vec![vec![SqlValue::Int64(n)]]
}

fn adjust(delta: i64, reason: &str) -> AdjustStock {
    let req = AdjustStockRequest {
        delta,
        reason: reason.into(),
        note: Some("sentinelnote".into()),
    };
    AdjustStock::from_request(pid(1), req).unwrap()
}

#[test]
fn adjust_statement_is_parameterized_and_guards_the_invariant() {
    let s = adjust_stock(&adjust(-3, "shrinkage"));
    assert_well_formed(&s);
    assert_user_text_is_parameterized(&s, &["sentinelnote"]);
    assert_eq!(
        s.params[..4],
        [
            SqlValue::Uuid(pid(1).to_text()),
            SqlValue::Int64(-3),
            SqlValue::Int64(MAX_ON_HAND),
            SqlValue::Text("shrinkage".into())
        ]
    );
    assert!(s.sql.contains("on_hand + $2::int8 >= reserved"));
    assert!(s.sql.contains("INSERT INTO stock_adjustments"));
}

#[test]
fn adjust_result_returns_the_new_level() {
    let rows = vec![vec![
        SqlValue::Bool(true),
        SqlValue::Int64(7),
        SqlValue::Int64(2),
    ]];
    assert_eq!(
        decode_adjust(&adjust(5, "restock"), &rows).unwrap(),
        StockLevel {
            on_hand: 7,
            reserved: 2
        }
    );
}

#[test]
fn adjust_below_reserved_reports_insufficient_stock() {
    let rows = vec![vec![
        SqlValue::Bool(false),
        SqlValue::Int64(5),
        SqlValue::Int64(4),
    ]];
    let err = decode_adjust(&adjust(-3, "shrinkage"), &rows).unwrap_err();
    assert_eq!(err.code(), "insufficient_stock");
    assert!(
        err.to_string().contains("requested 3, available 1"),
        "{err}"
    );
}

#[test]
fn adjust_above_the_maximum_is_invalid_and_missing_product_is_not_found() {
    let cmd = AdjustStock {
        product: pid(1),
        delta: StockDelta::parse(10).unwrap(),
        reason: StockReason::Restock,
        note: None,
    };
    let rows = vec![vec![
        SqlValue::Bool(false),
        SqlValue::Int64(MAX_ON_HAND),
        SqlValue::Int64(0),
    ]];
    assert_eq!(
        decode_adjust(&cmd, &rows).unwrap_err().code(),
        "invalid_stock_adjustment"
    );
    assert_eq!(decode_adjust(&cmd, &[]).unwrap_err().code(), "not_found");
}

#[test]
fn reservation_statements_bind_lines_as_one_json_parameter_sorted_by_product() {
    let cmd = reserve(&[(2, 1), (1, 3)]);
    let lock = lock_stock(&cmd);
    assert_well_formed(&lock);
    assert!(lock.sql.contains("ORDER BY s.product_id FOR UPDATE OF s"));
    let SqlValue::Jsonb(json) = &lock.params[0] else {
        panic!()
    };
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v[0]["product_id"], pid(1).to_text());
    assert_eq!(v[1]["quantity"], 1);
    let apply = apply_reservation(&cmd);
    assert_well_formed(&apply);
    assert_eq!(apply.params[0], SqlValue::Uuid(order().to_text()));
    assert!(apply.sql.contains("s.on_hand - s.reserved >= r.quantity"));
    for s in [
        claim_reservation(order()),
        load_reservation(order()),
        lock_reservation(order()),
        lock_order_stock(order()),
    ] {
        assert_well_formed(&s);
        assert_eq!(s.params, vec![SqlValue::Uuid(order().to_text())]);
    }
    assert!(
        claim_reservation(order())
            .sql
            .contains("ON CONFLICT (order_id) DO NOTHING")
    );
}

#[test]
fn availability_passes_when_every_line_fits() {
    let cmd = reserve(&[(1, 2), (2, 5)]);
    assert!(check_availability(&cmd, &[locked(1, 2, 0, true), locked(2, 10, 5, true)]).is_ok());
}

#[test]
fn one_short_line_fails_the_whole_reservation_and_is_named() {
    let cmd = reserve(&[(1, 2), (2, 6), (3, 1)]);
    let err = check_availability(
        &cmd,
        &[
            locked(1, 5, 0, true),
            locked(2, 10, 5, true),
            locked(3, 1, 0, true),
        ],
    )
    .unwrap_err();
    let DomainError::InsufficientStock(short) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        short,
        &vec![Shortfall {
            product_id: pid(2).to_text(),
            requested: 6,
            available: 5
        }]
    );
    assert_eq!(err.status(), 409);
}

#[test]
fn every_short_line_is_reported_at_once() {
    let cmd = reserve(&[(1, 2), (2, 2)]);
    let err =
        check_availability(&cmd, &[locked(1, 1, 0, true), locked(2, 3, 3, true)]).unwrap_err();
    let DomainError::InsufficientStock(short) = err else {
        panic!()
    };
    assert_eq!(short.len(), 2);
}

#[test]
fn unknown_and_inactive_products_are_not_found() {
    let cmd = reserve(&[(1, 1), (2, 1), (3, 1)]);
    let err =
        check_availability(&cmd, &[locked(1, 5, 0, true), locked(2, 5, 0, false)]).unwrap_err();
    assert_eq!(err.code(), "not_found");
    let msg = err.to_string();
    assert!(
        msg.contains(&pid(2).to_text()) && msg.contains(&pid(3).to_text()),
        "{msg}"
    );
}

#[test]
fn applied_count_must_equal_the_line_count() {
    let cmd = reserve(&[(1, 1), (2, 1)]);
    let ok = check_applied(&cmd, &count_row(2)).unwrap();
    assert_eq!(
        (ok.state, ok.replayed, ok.lines.len()),
        (ReservationState::Reserved, false, 2)
    );
    assert_eq!(
        check_applied(&cmd, &count_row(1)).unwrap_err().code(),
        "conflict"
    );
}

fn stored(state: &str, lines: &[(u8, i64)]) -> Vec<Row> {
    lines
        .iter()
        .map(|(p, q)| {
            vec![
                SqlValue::Text(state.into()),
                SqlValue::Uuid(pid(*p).to_text()),
                SqlValue::Int64(*q),
            ]
        })
        .collect()
}

#[test]
fn replay_with_the_same_lines_returns_the_original_result() {
    let cmd = reserve(&[(2, 1), (1, 3)]);
    let out = interpret_replay(&cmd, &stored("reserved", &[(1, 3), (2, 1)])).unwrap();
    assert!(out.replayed);
    assert_eq!(out.state, ReservationState::Reserved);
    assert_eq!(out.lines, cmd.lines());
    let committed = interpret_replay(&cmd, &stored("committed", &[(2, 1), (1, 3)])).unwrap();
    assert_eq!(committed.state, ReservationState::Committed);
}

#[test]
fn replay_with_different_lines_or_after_release_is_a_conflict() {
    let cmd = reserve(&[(1, 3)]);
    let err = interpret_replay(&cmd, &stored("reserved", &[(1, 2)])).unwrap_err();
    assert!(err.to_string().contains("different lines"), "{err}");
    let err = interpret_replay(&cmd, &stored("released", &[(1, 3)])).unwrap_err();
    assert!(err.to_string().contains("was released"), "{err}");
}

#[test]
fn transition_from_reserved_proceeds_and_repeats_are_idempotent() {
    let row = |s: &str| vec![vec![SqlValue::Text(s.into())]];
    assert!(interpret_transition(order(), Transition::Release, &row("reserved")).unwrap());
    assert!(!interpret_transition(order(), Transition::Release, &row("released")).unwrap());
    assert!(!interpret_transition(order(), Transition::Commit, &row("committed")).unwrap());
    let err = interpret_transition(order(), Transition::Release, &row("committed")).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("already committed"), "{err}");
    assert_eq!(
        interpret_transition(order(), Transition::Commit, &[])
            .unwrap_err()
            .code(),
        "not_found"
    );
}

#[test]
fn transition_statements_move_the_right_counters() {
    let release = apply_transition(order(), Transition::Release);
    let commit = apply_transition(order(), Transition::Commit);
    for s in [&release, &commit] {
        assert_well_formed(s);
        assert!(
            s.sql
                .contains("WHERE order_id = $1::uuid AND state = 'reserved'")
        );
    }
    assert!(!release.sql.contains("on_hand = s.on_hand - l.quantity"));
    assert!(
        commit
            .sql
            .contains("on_hand = s.on_hand - l.quantity, reserved = s.reserved - l.quantity")
    );
    assert_eq!(commit.params[1], SqlValue::Text("committed".into()));
}

#[test]
fn transition_check_requires_all_lines_and_one_state_change() {
    let row = |l, u, t| {
        vec![vec![
            SqlValue::Int64(l),
            SqlValue::Int64(u),
            SqlValue::Int64(t),
        ]]
    };
    assert_eq!(
        check_transition(order(), Transition::Commit, &row(2, 2, 1))
            .unwrap()
            .state,
        ReservationState::Committed
    );
    assert_eq!(
        check_transition(order(), Transition::Commit, &row(2, 1, 1))
            .unwrap_err()
            .status(),
        500
    );
    assert!(check_transition(order(), Transition::Release, &row(2, 2, 0)).is_err());
}

use super::*;
use crate::domain::ReservationState;
use crate::sql::stock::tests::{count_row, locked, order, reserve};
use crate::sql::{SqlValue, Stmt, run_plan};

/// Drives a plan with canned rows per statement and records the control words.
fn drive<P: TxPlan>(
    plan: &mut P,
    answers: Vec<Vec<Row>>,
) -> (Result<P::Output, DomainError>, Vec<String>) {
    let mut answers = answers.into_iter();
    let mut log = Vec::new();
    let mut ran = Vec::new();
    let out = run_plan(
        plan,
        |s: &Stmt| {
            ran.push(s.sql.clone());
            Ok(answers
                .next()
                .expect("plan ran more statements than expected"))
        },
        |word| {
            log.push(word.to_string());
            Ok(())
        },
    );
    log.extend(
        ran.iter()
            .map(|s| s.split_whitespace().take(2).collect::<Vec<_>>().join(" ")),
    );
    (out, log)
}

fn claimed() -> Vec<Row> {
    vec![vec![SqlValue::Uuid(order().to_text())]]
}

#[test]
fn fresh_reservation_claims_locks_applies_and_commits() {
    let mut plan = ReservePlan::new(reserve(&[(1, 2), (2, 1)]));
    let (out, log) = drive(
        &mut plan,
        vec![
            claimed(),
            vec![locked(1, 5, 0, true), locked(2, 1, 0, true)],
            count_row(2),
        ],
    );
    let out = out.unwrap();
    assert_eq!(
        (out.state, out.replayed),
        (ReservationState::Reserved, false)
    );
    assert_eq!(&log[..2], &["BEGIN", "COMMIT"]);
    assert_eq!(log.len(), 5, "three statements: {log:?}");
}

#[test]
fn short_line_rolls_back_everything_including_the_claim() {
    let mut plan = ReservePlan::new(reserve(&[(1, 2), (2, 3)]));
    let (out, log) = drive(
        &mut plan,
        vec![
            claimed(),
            vec![locked(1, 5, 0, true), locked(2, 2, 0, true)],
        ],
    );
    assert_eq!(out.unwrap_err().code(), "insufficient_stock");
    assert_eq!(&log[..2], &["BEGIN", "ROLLBACK"]);
    assert_eq!(log.len(), 4, "apply must not run: {log:?}");
}

#[test]
fn replay_loads_the_stored_reservation_and_changes_nothing() {
    let cmd = reserve(&[(1, 2)]);
    let stored = vec![vec![
        SqlValue::Text("reserved".into()),
        SqlValue::Uuid(locked(1, 0, 0, true)[0].clone().into_text()),
        SqlValue::Int64(2),
    ]];
    let mut plan = ReservePlan::new(cmd);
    let (out, log) = drive(&mut plan, vec![vec![], stored]);
    let out = out.unwrap();
    assert!(out.replayed);
    assert!(
        log.iter().any(|l| l.starts_with("SELECT r.state")),
        "{log:?}"
    );
    assert!(
        !log.iter().any(|l| l.starts_with("WITH r")),
        "no apply on replay: {log:?}"
    );
}

#[test]
fn concurrent_change_detected_by_the_row_count_rolls_back() {
    let mut plan = ReservePlan::new(reserve(&[(1, 1), (2, 1)]));
    let (out, log) = drive(
        &mut plan,
        vec![
            claimed(),
            vec![locked(1, 1, 0, true), locked(2, 1, 0, true)],
            count_row(1),
        ],
    );
    assert_eq!(out.unwrap_err().code(), "conflict");
    assert_eq!(log[1], "ROLLBACK");
}

#[test]
fn release_of_a_reserved_order_locks_applies_and_commits() {
    let mut plan = TransitionPlan::release(order());
    let state = vec![vec![SqlValue::Text("reserved".into())]];
    let counts = vec![vec![
        SqlValue::Int64(2),
        SqlValue::Int64(2),
        SqlValue::Int64(1),
    ]];
    let (out, log) = drive(&mut plan, vec![state, vec![], counts]);
    assert_eq!(out.unwrap().state, ReservationState::Released);
    assert_eq!(log[1], "COMMIT");
}

#[test]
fn repeated_commit_is_an_idempotent_no_op() {
    let mut plan = TransitionPlan::commit(order());
    let (out, log) = drive(
        &mut plan,
        vec![vec![vec![SqlValue::Text("committed".into())]]],
    );
    let out = out.unwrap();
    assert!(out.replayed);
    assert_eq!(log.len(), 3, "only the state lock ran: {log:?}");
}

#[test]
fn commit_after_release_is_a_conflict() {
    let mut plan = TransitionPlan::commit(order());
    let (out, log) = drive(
        &mut plan,
        vec![vec![vec![SqlValue::Text("released".into())]]],
    );
    assert_eq!(out.unwrap_err().code(), "conflict");
    assert_eq!(log[1], "ROLLBACK");
}

#[test]
fn database_errors_roll_back_and_keep_the_original_error() {
    let mut plan = ReservePlan::new(reserve(&[(1, 1)]));
    let mut words = Vec::new();
    let out = run_plan(
        &mut plan,
        |_| {
            Err(DomainError::from_sqlstate(
                "40P01",
                None,
                "deadlock detected",
            ))
        },
        |w| {
            words.push(w.to_string());
            Ok(())
        },
    );
    assert_eq!(out.unwrap_err().code(), "conflict");
    assert_eq!(words, vec!["BEGIN", "ROLLBACK"]);
}

#[test]
fn a_finished_plan_refuses_to_continue() {
    let mut plan = TransitionPlan::commit(order());
    let _ = plan.start();
    let _ = plan.resume(vec![vec![SqlValue::Text("committed".into())]]);
    assert!(matches!(
        plan.resume(vec![]),
        TxStep::Rollback(DomainError::Storage(_))
    ));
    assert!(matches!(plan.start(), TxStep::Rollback(_)));
}

trait IntoText {
    fn into_text(self) -> String;
}

impl IntoText for SqlValue {
    fn into_text(self) -> String {
        match self {
            SqlValue::Uuid(s) | SqlValue::Text(s) => s,
            other => format!("{other:?}"),
        }
    }
}

#[test]
fn releasing_an_order_never_reserved_leaves_a_tombstone() {
    let mut plan = TransitionPlan::release(order());
    let inserted = vec![vec![SqlValue::Uuid(order().to_text())]];
    let (out, log) = drive(&mut plan, vec![vec![], inserted]);
    let out = out.unwrap();
    assert_eq!(out.state, ReservationState::Released);
    assert!(!out.replayed);
    assert_eq!(log[1], "COMMIT", "{log:?}");
    assert!(log.iter().any(|l| l == "INSERT INTO"), "{log:?}");
}

#[test]
fn a_reserve_that_commits_while_the_tombstone_waits_is_released_normally() {
    let mut plan = TransitionPlan::release(order());
    let state = vec![vec![SqlValue::Text("reserved".into())]];
    let counts = vec![vec![
        SqlValue::Int64(1),
        SqlValue::Int64(1),
        SqlValue::Int64(1),
    ]];
    // No row, the tombstone conflicts (no row), the reservation is there now.
    let (out, _) = drive(&mut plan, vec![vec![], vec![], state, vec![], counts]);
    assert_eq!(out.unwrap().state, ReservationState::Released);
}

#[test]
fn a_commit_of_an_unknown_order_is_still_not_found() {
    let mut plan = TransitionPlan::commit(order());
    let (out, _) = drive(&mut plan, vec![vec![]]);
    assert!(matches!(out, Err(DomainError::NotFound { .. })), "{out:?}");
}

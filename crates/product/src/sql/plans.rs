//! The reservation transactions as [`TxPlan`] state machines.
//!
//! The component runs any plan with the same loop ([`super::run_plan`]): `BEGIN`, then for
//! each [`TxStep::Run`] execute the statement and feed the rows back, until the plan says
//! `Commit` or `Rollback`. All decisions live here and are unit-tested with fake rows.

use super::stock::{
    ReservationOutcome, Transition, apply_reservation, apply_transition, check_applied,
    check_availability, check_transition, claim_reservation, interpret_claim, interpret_replay,
    interpret_transition, load_reservation, lock_order_stock, lock_reservation, lock_stock,
    tombstone,
};
use super::{Row, TxPlan, TxStep};
use crate::domain::{OrderId, ReserveStock};
use crate::error::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReservePhase {
    Start,
    Claimed,
    Replaying,
    Locked,
    Applied,
    Done,
}

/// `reserve(order_id, lines)`: claim → (replay | lock → check → apply → check).
#[derive(Debug, Clone)]
pub struct ReservePlan {
    cmd: ReserveStock,
    phase: ReservePhase,
}

impl ReservePlan {
    pub fn new(cmd: ReserveStock) -> Self {
        Self {
            cmd,
            phase: ReservePhase::Start,
        }
    }
}

fn finished<T>() -> TxStep<T> {
    TxStep::Rollback(DomainError::Storage(
        "transaction plan resumed after it finished".into(),
    ))
}

impl TxPlan for ReservePlan {
    type Output = ReservationOutcome;

    fn start(&mut self) -> TxStep<ReservationOutcome> {
        if self.phase != ReservePhase::Start {
            return finished();
        }
        self.phase = ReservePhase::Claimed;
        TxStep::Run(claim_reservation(self.cmd.order_id))
    }

    fn resume(&mut self, rows: Vec<Row>) -> TxStep<ReservationOutcome> {
        let (next, step) = match self.phase {
            ReservePhase::Claimed if interpret_claim(&rows) => {
                (ReservePhase::Locked, TxStep::Run(lock_stock(&self.cmd)))
            }
            ReservePhase::Claimed => (
                ReservePhase::Replaying,
                TxStep::Run(load_reservation(self.cmd.order_id)),
            ),
            // A replay wrote nothing; COMMIT and ROLLBACK are equivalent, COMMIT ends it cleanly.
            ReservePhase::Replaying => match interpret_replay(&self.cmd, &rows) {
                Ok(out) => (ReservePhase::Done, TxStep::Commit(out)),
                Err(e) => (ReservePhase::Done, TxStep::Rollback(e)),
            },
            ReservePhase::Locked => match check_availability(&self.cmd, &rows) {
                Ok(()) => (
                    ReservePhase::Applied,
                    TxStep::Run(apply_reservation(&self.cmd)),
                ),
                Err(e) => (ReservePhase::Done, TxStep::Rollback(e)),
            },
            ReservePhase::Applied => match check_applied(&self.cmd, &rows) {
                Ok(out) => (ReservePhase::Done, TxStep::Commit(out)),
                Err(e) => (ReservePhase::Done, TxStep::Rollback(e)),
            },
            ReservePhase::Start | ReservePhase::Done => (ReservePhase::Done, finished()),
        };
        self.phase = next;
        step
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TransitionPhase {
    Start,
    StateLocked,
    /// A release found no reservation and tried to write a tombstone.
    Tombstoned,
    StockLocked,
    Applied,
    Done,
}

/// `release(order_id)` / `commit(order_id)`: lock reservation → (idempotent no-op | conflict |
/// lock stock → apply → check).
#[derive(Debug, Clone)]
pub struct TransitionPlan {
    order_id: OrderId,
    transition: Transition,
    phase: TransitionPhase,
    /// The tombstone was tried once; a second missing row is an error, not a loop.
    tombstone_tried: bool,
}

impl TransitionPlan {
    pub fn release(order_id: OrderId) -> Self {
        Self {
            order_id,
            transition: Transition::Release,
            phase: TransitionPhase::Start,
            tombstone_tried: false,
        }
    }

    pub fn commit(order_id: OrderId) -> Self {
        Self {
            order_id,
            transition: Transition::Commit,
            phase: TransitionPhase::Start,
            tombstone_tried: false,
        }
    }
}

impl TxPlan for TransitionPlan {
    type Output = ReservationOutcome;

    fn start(&mut self) -> TxStep<ReservationOutcome> {
        if self.phase != TransitionPhase::Start {
            return finished();
        }
        self.phase = TransitionPhase::StateLocked;
        TxStep::Run(lock_reservation(self.order_id))
    }

    fn resume(&mut self, rows: Vec<Row>) -> TxStep<ReservationOutcome> {
        let (id, t) = (self.order_id, self.transition);
        let (next, step) = match self.phase {
            // Released before it was ever reserved: leave a tombstone (see `tombstone`).
            TransitionPhase::StateLocked
                if rows.is_empty() && t == Transition::Release && !self.tombstone_tried =>
            {
                self.tombstone_tried = true;
                (TransitionPhase::Tombstoned, TxStep::Run(tombstone(id)))
            }
            TransitionPhase::Tombstoned if rows.is_empty() => (
                TransitionPhase::StateLocked,
                TxStep::Run(lock_reservation(id)),
            ),
            TransitionPhase::Tombstoned => (
                TransitionPhase::Done,
                TxStep::Commit(ReservationOutcome {
                    order_id: id,
                    state: t.target(),
                    lines: vec![],
                    replayed: false,
                }),
            ),
            TransitionPhase::StateLocked => match interpret_transition(id, t, &rows) {
                Ok(true) => (
                    TransitionPhase::StockLocked,
                    TxStep::Run(lock_order_stock(id)),
                ),
                Ok(false) => (
                    TransitionPhase::Done,
                    TxStep::Commit(ReservationOutcome {
                        order_id: id,
                        state: t.target(),
                        lines: vec![],
                        replayed: true,
                    }),
                ),
                Err(e) => (TransitionPhase::Done, TxStep::Rollback(e)),
            },
            TransitionPhase::StockLocked => (
                TransitionPhase::Applied,
                TxStep::Run(apply_transition(id, t)),
            ),
            TransitionPhase::Applied => match check_transition(id, t, &rows) {
                Ok(out) => (TransitionPhase::Done, TxStep::Commit(out)),
                Err(e) => (TransitionPhase::Done, TxStep::Rollback(e)),
            },
            TransitionPhase::Start | TransitionPhase::Done => (TransitionPhase::Done, finished()),
        };
        self.phase = next;
        step
    }
}

#[cfg(test)]
mod tests;

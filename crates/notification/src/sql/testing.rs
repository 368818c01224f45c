//! Test helpers: structural checks for statements, and a scripted executor.

use std::cell::RefCell;
use std::collections::{BTreeSet, VecDeque};

use super::{Executor, Row, SqlValue, Stmt};
use crate::error::{DomainError, Result};

/// Every parameter is referenced and every placeholder has a parameter, and the statement
/// is a single command.
pub(crate) fn assert_well_formed(stmt: &Stmt) {
    let mut used = BTreeSet::new();
    let bytes = stmt.sql.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'$' {
            let end = (i + 1..bytes.len())
                .find(|&j| !bytes[j].is_ascii_digit())
                .unwrap_or(bytes.len());
            if let Ok(n) = stmt.sql[i + 1..end].parse::<usize>() {
                used.insert(n);
            }
            i = end;
        } else {
            i += 1;
        }
    }
    let expected: BTreeSet<usize> = (1..=stmt.params.len()).collect();
    assert_eq!(used, expected, "placeholders vs params in:\n{}", stmt.sql);
    assert!(!stmt.sql.contains(';'), "one command only:\n{}", stmt.sql);
}

/// What the scripted executor answers to the next statement.
#[derive(Debug, Clone)]
pub(crate) enum Answer {
    Rows(Vec<Row>),
    Fail(&'static str),
}

/// Records every statement and control word, and answers statements from a script in
/// order (no rows once the script runs out).
#[derive(Debug, Default)]
pub(crate) struct Script {
    answers: RefCell<VecDeque<Answer>>,
    pub(crate) log: RefCell<Vec<String>>,
    pub(crate) stmts: RefCell<Vec<Stmt>>,
}

impl Script {
    pub(crate) fn new(answers: Vec<Answer>) -> Self {
        Self {
            answers: RefCell::new(answers.into()),
            ..Self::default()
        }
    }

    /// The log as short labels: control words, and each statement's first word and table.
    pub(crate) fn trace(&self) -> Vec<String> {
        self.log.borrow().clone()
    }
}

impl Executor for Script {
    fn query(&self, stmt: &Stmt) -> Result<Vec<Row>> {
        assert_well_formed(stmt);
        self.log.borrow_mut().push(label(&stmt.sql));
        self.stmts.borrow_mut().push(stmt.clone());
        match self.answers.borrow_mut().pop_front() {
            Some(Answer::Rows(rows)) => Ok(rows),
            Some(Answer::Fail(why)) => Err(DomainError::Storage(why.to_owned())),
            None => Ok(Vec::new()),
        }
    }

    fn control(&self, sql: &str) -> Result<()> {
        self.log
            .borrow_mut()
            .push(sql.split(' ').next().unwrap_or(sql).to_owned());
        Ok(())
    }
}

/// `INSERT inbox`, `UPDATE feeds`, `DELETE mailbox`, `WITH …`, `SELECT …`.
fn label(sql: &str) -> String {
    let mut words = sql.split_whitespace();
    let verb = words.next().unwrap_or("").to_owned();
    let table = match verb.as_str() {
        "INSERT" | "DELETE" => words.nth(1),
        "UPDATE" => words.next(),
        _ => None,
    };
    match table {
        Some(t) => format!("{verb} {t}"),
        None => verb,
    }
}

/// One row of one value.
pub(crate) fn one(value: SqlValue) -> Answer {
    Answer::Rows(vec![vec![value]])
}

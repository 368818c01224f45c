//! `GET /products?ids=a,b,…`: several products by id in one call.
//!
//! The order service prices a whole cart with it, so the form is deliberately narrow: only
//! `ids`, no filters, sort, cursor or facets (mixing them would make it unclear whether a
//! missing product was filtered out or does not exist). Unknown and inactive ids are left out
//! of the answer rather than failing it, because a cart may still hold a product that has
//! since been withdrawn; the caller sees which ones are missing by comparing ids.

use super::{invalid, percent_decode};
use crate::domain::ProductId;
use crate::error::{DomainError, Result};

/// Most entries in one `ids` list: a cart has far fewer lines, and the bound keeps the
/// statement (one placeholder per id) and the response (≤ 100 products) small.
pub const MAX_IDS: usize = 100;

/// The parameter that selects this form.
const PARAM: &str = "ids";

/// Distinct product ids, in the order they were first given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdLookup {
    ids: Vec<ProductId>,
}

impl IdLookup {
    /// `Ok(None)` when the query string has no `ids` parameter (an ordinary listing);
    /// otherwise the parsed list, or a 400 if `ids` is repeated, empty, too long, holds a
    /// malformed id (`invalid_id`) or comes with any other parameter.
    pub fn from_query_string(raw: &str) -> Result<Option<Self>> {
        let mut value = None;
        let mut others = Vec::new();
        for pair in raw.trim_start_matches('?').split('&') {
            if pair.is_empty() {
                continue;
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let name = percent_decode(k)?;
            if name == PARAM {
                if value.replace(v).is_some() {
                    return Err(invalid(PARAM, "given more than once"));
                }
            } else {
                others.push(name.chars().take(40).collect::<String>());
            }
        }
        let Some(value) = value else {
            return Ok(None);
        };
        if !others.is_empty() {
            return Err(invalid(
                PARAM,
                format!(
                    "cannot be combined with other parameters (`{}`)",
                    others.join("`, `")
                ),
            ));
        }
        Self::parse(&percent_decode(value)?).map(Some)
    }

    /// Parses a comma-separated list of 1 to [`MAX_IDS`] UUIDs, collapsing duplicates.
    pub fn parse(list: &str) -> Result<Self> {
        let list = list.trim();
        if list.is_empty() {
            return Err(invalid(
                PARAM,
                format!("must list 1 to {MAX_IDS} product ids"),
            ));
        }
        let entries: Vec<&str> = list.split(',').collect();
        if entries.len() > MAX_IDS {
            return Err(invalid(
                PARAM,
                format!("{} ids given, at most {MAX_IDS} allowed", entries.len()),
            ));
        }
        let mut ids: Vec<ProductId> = Vec::with_capacity(entries.len());
        for entry in entries {
            if entry.trim().is_empty() {
                return Err(DomainError::InvalidId("empty entry in `ids`".into()));
            }
            let id = ProductId::parse(entry)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        Ok(Self { ids })
    }

    pub fn ids(&self) -> &[ProductId] {
        &self.ids
    }

    /// Puts found rows into the order the ids were asked in; `id_of` reads a row's id.
    pub fn in_request_order<T>(
        &self,
        mut found: Vec<T>,
        id_of: impl Fn(&T) -> ProductId,
    ) -> Vec<T> {
        found.sort_by_key(|row| {
            let id = id_of(row);
            self.ids
                .iter()
                .position(|want| *want == id)
                .unwrap_or(usize::MAX)
        });
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0b6a0f4e-8d6c-4f5e-9a51-2f1f0c9b1a11";
    const B: &str = "7d3c9a20-1b2e-4c5d-8e6f-0a1b2c3d4e5f";

    fn id(raw: &str) -> ProductId {
        ProductId::parse(raw).unwrap()
    }

    #[test]
    fn a_query_without_ids_is_an_ordinary_listing() {
        assert_eq!(IdLookup::from_query_string("").unwrap(), None);
        assert_eq!(
            IdLookup::from_query_string("category=shoes&limit=3").unwrap(),
            None
        );
    }

    #[test]
    fn ids_keep_their_first_order_and_collapse_duplicates() {
        let got = IdLookup::from_query_string(&format!("ids={B},{A},{B}")).unwrap();
        assert_eq!(got.unwrap().ids(), &[id(B), id(A)]);
    }

    #[test]
    fn percent_encoded_commas_and_upper_case_ids_are_accepted() {
        let upper = A.to_uppercase();
        let got = IdLookup::from_query_string(&format!("ids={upper}%2C{B}")).unwrap();
        assert_eq!(got.unwrap().ids(), &[id(A), id(B)]);
    }

    #[test]
    fn a_malformed_or_empty_entry_is_invalid_id() {
        for raw in [
            format!("ids={A},nope"),
            format!("ids={A},,{B}"),
            "ids=123".to_string(),
        ] {
            let err = IdLookup::from_query_string(&raw).unwrap_err();
            assert_eq!((err.status(), err.code()), (400, "invalid_id"), "{raw}");
        }
    }

    #[test]
    fn an_empty_list_is_invalid_query() {
        let err = IdLookup::from_query_string("ids=").unwrap_err();
        assert_eq!(err.code(), "invalid_query");
        assert!(err.to_string().contains("1 to 100"), "{err}");
    }

    #[test]
    fn more_than_the_maximum_is_refused_and_the_maximum_accepted() {
        let many = |n: usize| {
            (0..n)
                .map(|i| format!("00000000-0000-4000-8000-{i:012x}"))
                .collect::<Vec<_>>()
                .join(",")
        };
        let ok = IdLookup::from_query_string(&format!("ids={}", many(MAX_IDS))).unwrap();
        assert_eq!(ok.unwrap().ids().len(), MAX_IDS);
        let err = IdLookup::from_query_string(&format!("ids={}", many(MAX_IDS + 1))).unwrap_err();
        assert_eq!(err.code(), "invalid_query");
        assert!(err.to_string().contains("101 ids given"), "{err}");
    }

    #[test]
    fn ids_with_any_other_parameter_is_refused_naming_it() {
        for raw in [
            format!("ids={A}&category=shoes"),
            format!("facets=true&ids={A}"),
            format!("ids={A}&limit=5"),
        ] {
            let err = IdLookup::from_query_string(&raw).unwrap_err();
            assert_eq!(err.code(), "invalid_query", "{raw}");
            assert!(err.to_string().contains("cannot be combined"), "{err}");
        }
        let err = IdLookup::from_query_string(&format!("ids={A}&ids={B}")).unwrap_err();
        assert!(err.to_string().contains("more than once"), "{err}");
    }

    #[test]
    fn found_rows_come_back_in_request_order() {
        let lookup = IdLookup::parse(&format!("{B},{A}")).unwrap();
        let sorted = lookup.in_request_order(vec![id(A), id(B)], |p| *p);
        assert_eq!(sorted, vec![id(B), id(A)]);
    }
}

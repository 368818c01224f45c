//! Reads for the shop front: listings with search and facets, product pages, categories.

use redshop_product::domain::{CategorySlug, Product, ProductId, Slug, StockLevel};
use redshop_product::error::DomainError;
use redshop_product::query::{IdLookup, ListQuery};
use redshop_product::sql::{catalog, decode_category, listing};
use serde_json::{Value, json};

use super::{Ctx, flag};
use crate::error::ApiError;
use crate::reply::{Reply, to_json};
use crate::request::query_pairs;

/// `GET /products?…`: one page, the total, the next cursor and, with `facets=true`, the facet
/// counts — all from one snapshot, so they agree with each other. `GET /products?ids=…` is
/// the batch lookup instead ([`products_by_ids`]).
pub fn list_products(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    if let Some(lookup) = IdLookup::from_query_string(&ctx.head.query)? {
        return products_by_ids(ctx, &lookup);
    }
    let (with_facets, rest) = split_facets_flag(&ctx.head.query)?;
    let query = ListQuery::from_query_string(&rest)?;
    let db = ctx.db()?;
    db.snapshot(|db| {
        let items = listing::decode_list(&db.query(&listing::list(&query))?)?;
        // Counted up to the exact limit; past it, the planner's estimate (no extra scan).
        let counted = listing::decode_count(&db.query(&listing::count(&query))?)?;
        let estimate = match counted {
            listing::Counted::Exact(_) => None,
            listing::Counted::MoreThan(_) => Some(listing::decode_estimate(
                &db.query(&listing::estimate(&query))?,
            )?),
        };
        let total = counted.total(estimate);
        let facets = if with_facets {
            Some(listing::decode_facets(
                &db.query(&listing::facets(&query))?,
            )?)
        } else {
            None
        };
        let mut body = to_json(&query.page(items, total)?)?;
        if let (Some(facets), Value::Object(map)) = (facets, &mut body) {
            map.insert("facets".into(), to_json(&facets)?);
        }
        Ok(Reply::ok(body))
    })
}

/// `GET /products?ids=a,b,…`: the active products among the ids, in the order asked, each
/// shaped as `GET /products/{id}` answers it. No total or cursor: the list is the whole answer.
fn products_by_ids(ctx: &Ctx<'_>, lookup: &IdLookup) -> Result<Reply, ApiError> {
    let rows = ctx.db()?.query(&catalog::products_by_ids(lookup.ids()))?;
    let found = lookup.in_request_order(catalog::decode_details(&rows)?, |(p, _)| p.id);
    let items = found
        .iter()
        .map(|(product, stock)| product_detail(product, stock))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Reply::ok(json!({ "items": items })))
}

/// Takes `facets=…` out of the query string: it selects what to compute, not which rows,
/// so it is the component's flag and not part of the domain's [`ListQuery`].
fn split_facets_flag(query: &str) -> Result<(bool, String), ApiError> {
    let mut facets = None;
    let mut rest = Vec::new();
    for (name, value) in query_pairs(query) {
        if name == "facets" {
            if facets.replace(flag("facets", value)?).is_some() {
                return Err(DomainError::InvalidQuery {
                    param: "facets".into(),
                    reason: "given more than once".into(),
                }
                .into());
            }
        } else if value.is_empty() {
            rest.push(name.to_owned());
        } else {
            rest.push(format!("{name}={value}"));
        }
    }
    Ok((facets.unwrap_or(false), rest.join("&")))
}

/// `GET /products/{id}`: any product, active or not (orders keep pointing at deactivated
/// ones); `active` says which.
pub fn get_product(ctx: &Ctx<'_>, id: &str) -> Result<Reply, ApiError> {
    let id = ProductId::parse(id)?;
    let rows = ctx.db()?.query(&catalog::product_by_id(id))?;
    let (product, stock) = catalog::decode_detail(&rows, &id.to_text())?;
    Ok(Reply::ok(product_detail(&product, &stock)?))
}

/// `GET /products/by-slug/{slug}`: the shop's product page; active products only.
pub fn get_product_by_slug(ctx: &Ctx<'_>, slug: &str) -> Result<Reply, ApiError> {
    let slug = Slug::parse(slug)?;
    let rows = ctx.db()?.query(&catalog::product_by_slug(&slug))?;
    let (product, stock) = catalog::decode_detail(&rows, slug.as_str())?;
    Ok(Reply::ok(product_detail(&product, &stock)?))
}

/// `GET /categories`: menu order, with active product counts.
pub fn list_categories(ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    let rows = ctx.db()?.query(&catalog::list_categories())?;
    let items = rows
        .iter()
        .map(|row| decode_category(row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Reply::ok(json!({ "items": to_json(&items)? })))
}

/// `GET /categories/{slug}`.
pub fn get_category(ctx: &Ctx<'_>, slug: &str) -> Result<Reply, ApiError> {
    let slug = CategorySlug::parse(slug)?;
    let rows = ctx.db()?.query(&catalog::category_by_slug(&slug))?;
    Ok(Reply::ok(to_json(&catalog::decode_category_row(
        &rows,
        slug.as_str(),
    )?)?))
}

/// A product with what can still be sold (`available`), the shape listings use too. The
/// counters behind it (`on_hand`, `reserved`) are for the back office: `GET …/stock`.
pub fn product_detail(product: &Product, stock: &StockLevel) -> Result<Value, ApiError> {
    let mut body = to_json(product)?;
    if let Value::Object(map) = &mut body {
        map.insert("available".into(), json!(stock.available()));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_facets_flag_is_taken_out_and_the_rest_kept_as_sent() {
        let (facets, rest) =
            split_facets_flag("category=shoes&facets=true&brand=Petal%20%26%20Pine&in_stock")
                .unwrap();
        assert!(facets);
        assert_eq!(rest, "category=shoes&brand=Petal%20%26%20Pine&in_stock");
        assert_eq!(split_facets_flag("").unwrap(), (false, String::new()));
    }

    #[test]
    fn a_bad_or_repeated_facets_flag_is_a_400_naming_it() {
        for query in ["facets=yes", "facets=true&facets=false"] {
            let err = split_facets_flag(query).unwrap_err();
            assert!(
                matches!(err, ApiError::Domain(DomainError::InvalidQuery { ref param, .. }) if param == "facets"),
                "{query}"
            );
        }
    }
}

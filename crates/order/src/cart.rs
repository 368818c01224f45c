//! The cart: lines of (product, quantity), priced on every view from the product service.
//!
//! A line remembers the unit price and currency it was added at, only so the view can flag a
//! price that changed since; what the shopper pays is always the current price. A cart holds
//! one currency (the first line's) and at most [`MAX_CART_LINES`] products.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::error::{OrderError, Result, Shortfall};
use crate::ids::ProductId;
use crate::money::{Currency, times};
use crate::product::{MAX_LOOKUP_IDS, ProductInfo};
use crate::totals::Totals;

/// Most units of one product in a cart: a shop limit against hoarding, and far below the
/// product service's per-line reservation maximum.
pub const MAX_LINE_QUANTITY: i64 = 99;
/// Most different products in a cart: one batch lookup (and one reservation) covers them.
pub const MAX_CART_LINES: usize = MAX_LOOKUP_IDS;

/// Units of one product in a cart: 1 to [`MAX_LINE_QUANTITY`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Quantity(i64);

impl Quantity {
    pub fn parse(raw: i64) -> Result<Self> {
        if (1..=MAX_LINE_QUANTITY).contains(&raw) {
            Ok(Self(raw))
        } else {
            Err(OrderError::InvalidQuantity(format!(
                "{raw} is not between 1 and {MAX_LINE_QUANTITY}"
            )))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// `POST /cart/items` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddItemRequest {
    pub product_id: String,
    pub quantity: i64,
}

/// Add `quantity` units of a product (to what the cart already holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddItem {
    pub product_id: ProductId,
    pub quantity: Quantity,
}

impl TryFrom<AddItemRequest> for AddItem {
    type Error = OrderError;
    fn try_from(r: AddItemRequest) -> Result<Self> {
        Ok(Self {
            product_id: ProductId::parse(&r.product_id)?,
            quantity: Quantity::parse(r.quantity)?,
        })
    }
}

/// `PATCH /cart/items/{product_id}` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetQuantityRequest {
    pub quantity: i64,
}

/// A stored cart line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CartLine {
    pub product_id: ProductId,
    pub quantity: i64,
    /// Unit price and currency when the line was added (or its quantity last set).
    pub added_unit_price_minor: i64,
    pub added_currency: Currency,
}

/// Checks adding `add` units of `product` to a cart of `lines` and returns the line's new
/// quantity: the product must be for sale, in the cart's currency, in stock for the whole new
/// quantity, within the per-line bound, and the cart must have room for a new product.
pub fn check_add(lines: &[CartLine], product: Option<&ProductInfo>, add: AddItem) -> Result<i64> {
    let info = product.ok_or_else(|| OrderError::ProductUnavailable(add.product_id.to_text()))?;
    let existing = lines.iter().find(|l| l.product_id == add.product_id);
    let new_quantity = existing.map_or(0, |l| l.quantity) + add.quantity.get();
    check_line(lines, info, new_quantity, existing.is_none())?;
    Ok(new_quantity)
}

/// Checks setting a line that is in the cart to `quantity`.
pub fn check_set(
    lines: &[CartLine],
    product: Option<&ProductInfo>,
    id: ProductId,
    quantity: Quantity,
) -> Result<()> {
    if !lines.iter().any(|l| l.product_id == id) {
        return Err(OrderError::not_found("cart line", id.to_text()));
    }
    let info = product.ok_or_else(|| OrderError::ProductUnavailable(id.to_text()))?;
    check_line(lines, info, quantity.get(), false)
}

fn check_line(lines: &[CartLine], info: &ProductInfo, quantity: i64, is_new: bool) -> Result<()> {
    if quantity > MAX_LINE_QUANTITY {
        return Err(OrderError::InvalidQuantity(format!(
            "the cart would hold {quantity} of product {}; at most {MAX_LINE_QUANTITY} per product",
            info.id
        )));
    }
    if let Some(other) = lines.iter().find(|l| l.product_id != info.id)
        && other.added_currency != info.currency
    {
        return Err(OrderError::CurrencyMismatch {
            cart: other.added_currency.code().into(),
            offered: info.currency.code().into(),
        });
    }
    if is_new && lines.len() >= MAX_CART_LINES {
        return Err(OrderError::CartFull(MAX_CART_LINES));
    }
    if info.available < quantity {
        return Err(OrderError::InsufficientStock(vec![Shortfall {
            product_id: info.id.to_text(),
            requested: quantity,
            available: info.available.max(0),
        }]));
    }
    Ok(())
}

/// How a line stands against the product service's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Availability {
    /// Enough units to sell the whole line.
    InStock,
    /// For sale, but fewer units than the line asks for.
    InsufficientStock,
    /// Unknown or no longer sold.
    Unavailable,
}

/// One priced line of a cart view.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ViewLine {
    pub product_id: ProductId,
    pub name: Option<String>,
    pub sku: Option<String>,
    pub slug: Option<String>,
    pub image: Option<String>,
    pub quantity: i64,
    /// The current price (the price when added, if the product is no longer sold).
    pub unit_price_minor: i64,
    pub line_total_minor: i64,
    pub added_unit_price_minor: i64,
    pub price_changed: bool,
    pub available: i64,
    pub availability: Availability,
    /// Price or availability changed since the line was added.
    pub changed: bool,
}

/// A cart as the shopper sees it: current prices, line totals, subtotal and the estimate of
/// tax and shipping by the same rules checkout uses. Lines that are no longer sold count
/// towards nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CartView {
    pub owner: &'static str,
    pub currency: Option<Currency>,
    pub lines: Vec<ViewLine>,
    pub item_count: i64,
    #[serde(flatten)]
    pub totals: Totals,
    /// Some line's price or availability changed since it was added.
    pub changed: bool,
}

impl CartView {
    pub fn build(
        owner: &'static str,
        lines: &[CartLine],
        products: &HashMap<ProductId, ProductInfo>,
    ) -> Result<Self> {
        let mut out = Vec::with_capacity(lines.len());
        let mut priced = Vec::new();
        let mut item_count = 0;
        for line in lines {
            let info = products.get(&line.product_id);
            let (unit, availability, available) = match info {
                Some(p) if p.available >= line.quantity => {
                    (p.unit_price_minor, Availability::InStock, p.available)
                }
                Some(p) => (
                    p.unit_price_minor,
                    Availability::InsufficientStock,
                    p.available.max(0),
                ),
                None => (line.added_unit_price_minor, Availability::Unavailable, 0),
            };
            let price_changed = info.is_some_and(|p| {
                p.unit_price_minor != line.added_unit_price_minor
                    || p.currency != line.added_currency
            });
            let line_total = if availability == Availability::Unavailable {
                0
            } else {
                priced.push((unit, line.quantity));
                item_count += line.quantity;
                times(unit, line.quantity)?
            };
            out.push(ViewLine {
                product_id: line.product_id,
                name: info.map(|p| p.name.clone()),
                sku: info.map(|p| p.sku.clone()),
                slug: info.map(|p| p.slug.clone()),
                image: info.and_then(|p| p.image.clone()),
                quantity: line.quantity,
                unit_price_minor: unit,
                line_total_minor: line_total,
                added_unit_price_minor: line.added_unit_price_minor,
                price_changed,
                available,
                availability,
                changed: price_changed || availability != Availability::InStock,
            });
        }
        let changed = out.iter().any(|l| l.changed);
        Ok(Self {
            owner,
            currency: lines.first().map(|l| l.added_currency),
            lines: out,
            item_count,
            totals: Totals::of_lines(priced)?,
            changed,
        })
    }
}

/// The outcome of merging a guest cart into a user's cart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    /// `(product, new quantity, price now)` for every line to write to the user's cart.
    pub upserts: Vec<(ProductId, i64)>,
    /// Guest lines that could not be taken over, with the reason's code.
    pub dropped: Vec<(ProductId, &'static str)>,
}

/// Merges a guest cart into a user's cart, by the documented rule: **quantities of the same
/// product are summed, then capped by the stock available now and by
/// [`MAX_LINE_QUANTITY`]**, but never below what the user's cart already held (merging only
/// adds). A guest line is dropped when its product is no longer sold, has no stock, is in
/// another currency than the user's cart, or the cart has no room for another product.
pub fn merge(
    user: &[CartLine],
    guest: &[CartLine],
    products: &HashMap<ProductId, ProductInfo>,
) -> Merge {
    let mut upserts = Vec::new();
    let mut dropped = Vec::new();
    let mut currency = user.first().map(|l| l.added_currency);
    let mut line_count = user.len();
    for g in guest {
        let Some(info) = products.get(&g.product_id) else {
            dropped.push((g.product_id, "product_unavailable"));
            continue;
        };
        if currency.is_some_and(|c| c != info.currency) {
            dropped.push((g.product_id, "currency_mismatch"));
            continue;
        }
        let mine = user
            .iter()
            .find(|l| l.product_id == g.product_id)
            .map(|l| l.quantity);
        let summed = mine.unwrap_or(0) + g.quantity;
        let capped = summed.min(MAX_LINE_QUANTITY).min(info.available.max(0));
        let quantity = capped.max(mine.unwrap_or(0));
        match mine {
            Some(existing) if quantity == existing => {}
            Some(_) => upserts.push((g.product_id, quantity)),
            None if quantity == 0 => dropped.push((g.product_id, "insufficient_stock")),
            None if line_count >= MAX_CART_LINES => dropped.push((g.product_id, "cart_full")),
            None => {
                line_count += 1;
                currency.get_or_insert(info.currency);
                upserts.push((g.product_id, quantity));
            }
        }
    }
    Merge { upserts, dropped }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::product::tests::{info, pid};

    fn line(n: u8, quantity: i64, price: i64) -> CartLine {
        CartLine {
            product_id: pid(n),
            quantity,
            added_unit_price_minor: price,
            added_currency: Currency::Usd,
        }
    }

    fn catalog(items: &[ProductInfo]) -> HashMap<ProductId, ProductInfo> {
        items.iter().map(|p| (p.id, p.clone())).collect()
    }

    fn add(n: u8, q: i64) -> AddItem {
        AddItem {
            product_id: pid(n),
            quantity: Quantity::parse(q).unwrap(),
        }
    }

    #[test]
    fn quantities_are_bounded() {
        assert!(Quantity::parse(0).is_err());
        assert!(Quantity::parse(-1).is_err());
        assert!(Quantity::parse(100).is_err());
        assert_eq!(Quantity::parse(99).unwrap().get(), 99);
    }

    #[test]
    fn adding_sums_with_the_existing_line_and_checks_the_new_total() {
        let cart = [line(1, 3, 100)];
        assert_eq!(
            check_add(&cart, Some(&info(1, 100, 10)), add(1, 2)).unwrap(),
            5
        );
        let short = check_add(&cart, Some(&info(1, 100, 4)), add(1, 2)).unwrap_err();
        assert_eq!(
            short,
            OrderError::InsufficientStock(vec![Shortfall {
                product_id: pid(1).to_text(),
                requested: 5,
                available: 4
            }])
        );
        let over = check_add(&[line(1, 98, 100)], Some(&info(1, 100, 500)), add(1, 2)).unwrap_err();
        assert_eq!(over.code(), "invalid_quantity");
    }

    #[test]
    fn a_product_not_for_sale_cannot_be_added() {
        assert_eq!(
            check_add(&[], None, add(1, 1)).unwrap_err().code(),
            "product_unavailable"
        );
    }

    #[test]
    fn a_cart_holds_one_currency() {
        let mut eur = info(2, 100, 10);
        eur.currency = Currency::Eur;
        let err = check_add(&[line(1, 1, 100)], Some(&eur), add(2, 1)).unwrap_err();
        assert_eq!(err.code(), "currency_mismatch");
    }

    #[test]
    fn a_full_cart_takes_more_of_a_product_it_has_but_no_new_product() {
        let cart: Vec<CartLine> = (0..100).map(|n| line(n, 1, 100)).collect();
        assert!(check_add(&cart, Some(&info(5, 100, 10)), add(5, 1)).is_ok());
        assert_eq!(
            check_add(&cart, Some(&info(200, 100, 10)), add(200, 1))
                .unwrap_err()
                .code(),
            "cart_full"
        );
    }

    #[test]
    fn setting_a_quantity_needs_the_line_in_the_cart() {
        let q = Quantity::parse(2).unwrap();
        assert_eq!(
            check_set(&[], Some(&info(1, 100, 10)), pid(1), q)
                .unwrap_err()
                .status(),
            404
        );
        assert!(check_set(&[line(1, 5, 100)], Some(&info(1, 100, 10)), pid(1), q).is_ok());
    }

    #[test]
    fn the_view_prices_lines_now_and_flags_what_changed() {
        let cart = [line(1, 2, 1000), line(2, 3, 500), line(3, 1, 700)];
        let products = catalog(&[info(1, 1200, 10), info(2, 500, 2)]);
        let view = CartView::build("user", &cart, &products).unwrap();
        let l = &view.lines;
        assert_eq!(
            (
                l[0].unit_price_minor,
                l[0].line_total_minor,
                l[0].price_changed
            ),
            (1200, 2400, true)
        );
        assert_eq!(l[0].availability, Availability::InStock);
        assert_eq!((l[1].line_total_minor, l[1].price_changed), (1500, false));
        assert_eq!(l[1].availability, Availability::InsufficientStock);
        assert!(l[1].changed);
        assert_eq!(l[2].availability, Availability::Unavailable);
        assert_eq!(l[2].line_total_minor, 0);
        assert_eq!(view.totals.subtotal_minor, 3900);
        assert_eq!(view.item_count, 5);
        assert!(view.changed);
    }

    #[test]
    fn an_unchanged_cart_is_not_flagged() {
        let view =
            CartView::build("guest", &[line(1, 1, 1000)], &catalog(&[info(1, 1000, 5)])).unwrap();
        assert!(!view.changed);
        assert_eq!(view.totals.total_minor, 1000 + 80 + 499);
    }

    #[test]
    fn merge_sums_quantities_capped_by_stock_and_the_line_bound() {
        let user = [line(1, 2, 100), line(2, 60, 100)];
        let guest = [line(1, 3, 100), line(2, 60, 100), line(3, 4, 100)];
        let products = catalog(&[info(1, 100, 4), info(2, 100, 1000), info(3, 100, 10)]);
        let m = merge(&user, &guest, &products);
        assert_eq!(m.upserts, vec![(pid(1), 4), (pid(2), 99), (pid(3), 4)]);
        assert!(m.dropped.is_empty());
    }

    #[test]
    fn merge_never_takes_away_what_the_user_had() {
        let user = [line(1, 5, 100)];
        let guest = [line(1, 3, 100)];
        let m = merge(&user, &guest, &catalog(&[info(1, 100, 2)]));
        assert!(m.upserts.is_empty(), "{m:?}");
    }

    #[test]
    fn merge_drops_guest_lines_that_cannot_be_sold() {
        let mut eur = info(4, 100, 10);
        eur.currency = Currency::Eur;
        let user = [line(1, 1, 100)];
        let guest = [line(2, 1, 100), line(3, 1, 100), line(4, 1, 100)];
        let m = merge(
            &user,
            &guest,
            &catalog(&[info(1, 100, 1), info(3, 100, 0), eur]),
        );
        assert!(m.upserts.is_empty());
        assert_eq!(
            m.dropped,
            vec![
                (pid(2), "product_unavailable"),
                (pid(3), "insufficient_stock"),
                (pid(4), "currency_mismatch")
            ]
        );
    }

    #[test]
    fn merge_into_an_empty_cart_takes_the_guest_currency_and_respects_the_line_limit() {
        let user: Vec<CartLine> = (0..99).map(|n| line(n, 1, 100)).collect();
        let guest = [line(150, 1, 100), line(151, 1, 100)];
        let products = catalog(&[info(150, 100, 5), info(151, 100, 5)]);
        let m = merge(&user, &guest, &products);
        assert_eq!(m.upserts, vec![(pid(150), 1)]);
        assert_eq!(m.dropped, vec![(pid(151), "cart_full")]);
    }
}

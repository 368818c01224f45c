//! One function per endpoint, grouped by who calls them: [`catalog`] (reads for the shop
//! front), [`admin`] (catalog changes for the back office) and [`stock`] (stock levels and
//! the order service's reservations). Each parses its inputs into domain types, runs the
//! domain crate's statements and serializes the domain's answer; none decides anything.

mod admin;
mod catalog;
mod health;
mod stock;

use std::cell::OnceCell;

use redshop_product::error::DomainError;

use crate::db::Db;
use crate::error::ApiError;
use crate::reply::Reply;
use crate::request::Head;
use crate::routes::Route;

/// A request as handlers see it. The database is opened on first use, so a request refused
/// for its query string or body never takes a pooled connection.
pub struct Ctx<'a> {
    pub head: &'a Head,
    pub body: &'a [u8],
    db: OnceCell<Db>,
}

impl<'a> Ctx<'a> {
    pub fn new(head: &'a Head, body: &'a [u8]) -> Self {
        Self {
            head,
            body,
            db: OnceCell::new(),
        }
    }

    pub fn db(&self) -> Result<&Db, ApiError> {
        if let Some(db) = self.db.get() {
            return Ok(db);
        }
        let db = Db::open()?;
        Ok(self.db.get_or_init(|| db))
    }
}

pub fn dispatch(route: Route<'_>, ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    match route {
        Route::Health => health::check(ctx),
        Route::ListProducts => catalog::list_products(ctx),
        Route::GetProduct(id) => catalog::get_product(ctx, id),
        Route::GetProductBySlug(slug) => catalog::get_product_by_slug(ctx, slug),
        Route::ListCategories => catalog::list_categories(ctx),
        Route::GetCategory(slug) => catalog::get_category(ctx, slug),
        Route::CreateProduct => admin::create_product(ctx),
        Route::UpdateProduct(id) => admin::update_product(ctx, id),
        Route::DeleteProduct(id) => admin::delete_product(ctx, id),
        Route::CreateCategory => admin::create_category(ctx),
        Route::UpdateCategory(slug) => admin::update_category(ctx, slug),
        Route::DeleteCategory(slug) => admin::delete_category(ctx, slug),
        Route::GetStock(id) => stock::get_stock(ctx, id),
        Route::AdjustStock(id) => stock::adjust_stock(ctx, id),
        Route::Reserve => stock::reserve(ctx),
        Route::Release(order) => stock::release(ctx, order),
        Route::Commit(order) => stock::commit(ctx, order),
    }
}

/// A boolean query flag the component reads itself (`facets`, `hard`): `true`, `false` or
/// empty (absent), anything else a 400 naming the parameter.
fn flag(param: &str, raw: &str) -> Result<bool, ApiError> {
    match raw {
        "true" => Ok(true),
        "false" | "" => Ok(false),
        other => Err(DomainError::InvalidQuery {
            param: param.to_owned(),
            reason: format!(
                "`{}` must be `true` or `false`",
                other.chars().take(40).collect::<String>()
            ),
        }
        .into()),
    }
}

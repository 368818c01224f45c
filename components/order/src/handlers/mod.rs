//! One function per endpoint, grouped by resource: [`cart`], [`checkout`], [`orders`] (the
//! shopper's and the admin's) and [`internal`] (health and the flush). Each parses its inputs
//! into domain types, runs the domain's statements and chained calls, and serializes the
//! domain's answer; none decides anything the domain crate could.

mod cart;
mod checkout;
mod internal;
mod orders;

use crate::error::ApiError;
use crate::reply::Reply;
use crate::request::Head;
use crate::routes::Route;

/// A request as handlers see it.
pub struct Ctx<'a> {
    pub head: &'a Head,
    pub body: &'a [u8],
}

impl Ctx<'_> {
    pub fn request_id(&self) -> Option<&str> {
        self.head.request_id.as_deref()
    }
}

pub async fn dispatch(route: Route<'_>, ctx: &Ctx<'_>) -> Result<Reply, ApiError> {
    match route {
        Route::Health => internal::health(),
        Route::GetCart => cart::get(ctx).await,
        Route::ClearCart => cart::clear(ctx),
        Route::AddItem => cart::add(ctx).await,
        Route::SetQuantity(id) => cart::set_quantity(ctx, id).await,
        Route::RemoveItem(id) => cart::remove(ctx, id).await,
        Route::MergeCart => cart::merge(ctx).await,
        Route::Checkout => checkout::checkout(ctx).await,
        Route::MyOrders => orders::mine(ctx),
        Route::MyOrder(id) => orders::one_of_mine(ctx, id),
        Route::CancelOrder(id) => orders::cancel(ctx, id).await,
        Route::AdminOrders => orders::all(ctx),
        Route::AdminSetStatus(id) => orders::set_status(ctx, id).await,
        Route::Flush => internal::flush(ctx).await,
    }
}

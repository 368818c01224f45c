//! Domain types: validated values, entities and commands.
//!
//! "Parse, don't validate": every value that enters the service is turned into a newtype by a
//! `parse` function that either succeeds or says precisely what is wrong. Code past the edge
//! (query planning, SQL builders) only accepts these types, so an unchecked string cannot
//! reach the database by construction.

mod catalog_commands;
mod entities;
mod ids;
mod media;
mod money;
mod stock;
mod stock_commands;
mod text;

pub use catalog_commands::{
    CreateCategory, CreateCategoryRequest, CreateProduct, CreateProductRequest,
    MAX_CATEGORY_POSITION, UpdateCategory, UpdateCategoryRequest, UpdateProduct,
    UpdateProductRequest, parse_initial_stock,
};
pub use entities::{Category, ListedProduct, Product};
pub use ids::{
    CategorySlug, MAX_CATEGORY_SLUG_LEN, MAX_SKU_LEN, MAX_SLUG_LEN, OrderId, ProductId, Sku, Slug,
};
pub use media::{
    Attributes, ImageUrl, MAX_ATTRIBUTE_KEY_LEN, MAX_ATTRIBUTE_VALUE_CHARS, MAX_ATTRIBUTES,
    MAX_DATA_URI_LEN, MAX_IMAGE_PATH_LEN, MAX_IMAGES, parse_images,
};
pub use money::{CURRENCIES, Currency, MAX_PRICE_MINOR, Money, MoneyDto};
pub use stock::{
    MAX_LINE_QUANTITY, MAX_ON_HAND, MAX_STOCK_DELTA, MAX_STOCK_NOTE_CHARS, Quantity, StockDelta,
    StockLevel, StockReason, parse_note,
};
pub use stock_commands::{
    AdjustStock, AdjustStockRequest, CommitStock, MAX_RESERVATION_LINES, ReleaseStock,
    ReservationLine, ReservationRef, ReservationState, ReserveLineRequest, ReserveStock,
    ReserveStockRequest,
};
pub use text::{
    Brand, CategoryName, Description, MAX_BRAND_CHARS, MAX_CATEGORY_NAME_CHARS,
    MAX_DESCRIPTION_CHARS, MAX_NAME_CHARS, ProductName,
};

-- 0003: indexes for a catalog of 100 000 products and more, found by reading the plan of
-- every listing statement (each sort with each filter, search, totals and facets) on a
-- generated catalog of that size; `tests/tests/product_plans.rs` keeps them honest.
-- Plain CREATE INDEX (not CONCURRENTLY): the runner applies a migration inside a
-- transaction, and on 100 000 products each index builds in well under a second.

-- Foreign-key checks: renaming or deleting a category looks up products by category among
-- all rows, active or not, which the partial listing indexes cannot answer.
CREATE INDEX products_category_idx ON products (category_slug);

-- Category browse sorted by name (newest and price already have theirs).
CREATE INDEX products_category_name_idx ON products (category_slug, name, id) WHERE active;

-- A brand filter with each sort; the first also serves a brand filter alone, so the
-- brand-only index of 0001 goes.
CREATE INDEX products_brand_newest_idx ON products (brand, created_at DESC, id DESC) WHERE active;
CREATE INDEX products_brand_price_idx ON products (brand, price_minor, id) WHERE active;
CREATE INDEX products_brand_name_idx ON products (brand, name, id) WHERE active;
DROP INDEX products_brand_idx;

-- The newest-first index carries the facet columns, so the facets of a listing without a
-- search read their newest rows from the index alone, and the home page's capped total
-- counts index entries without touching the table.
DROP INDEX products_newest_idx;
CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC)
    INCLUDE (category_slug, brand, price_minor) WHERE active;

-- `in_stock` compares two columns, which PostgreSQL estimates at a third of the rows
-- whatever the data; statistics on the expression the statements use give it the real share.
CREATE STATISTICS stock_available_stats ON (on_hand - reserved) FROM stock;

-- The database serves short statements from memory: every row the listings read is cached,
-- so a random page costs little more than a sequential one (1.1, the usual value for SSDs
-- and RAM, instead of 4, which is for spinning disks), and compiling a plan to machine code
-- (JIT, tens of milliseconds) costs more than any statement here runs. Applies to new
-- sessions. The single-quoted body keeps the file free of dollar quoting.
DO 'BEGIN EXECUTE format(''ALTER DATABASE %I SET random_page_cost = 1.1'', current_database()); EXECUTE format(''ALTER DATABASE %I SET jit = off'', current_database()); END';

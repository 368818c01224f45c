-- 0001: catalog — categories and products, with full-text search columns and one index per
-- filter/sort the listing API offers. Timestamps are truncated to milliseconds so the API's
-- i64 Unix-millisecond values (and keyset cursors built from them) are exact.
-- Statements are separated by `;` at line ends and contain no dollar quoting, so a runner that
-- must send one statement at a time can split them (see `migrations::statements`).

CREATE TABLE categories (
    slug        text PRIMARY KEY
                CONSTRAINT categories_slug_format CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 64),
    name        text NOT NULL CONSTRAINT categories_name_length CHECK (length(name) BETWEEN 1 AND 60),
    description text NOT NULL DEFAULT '',
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

CREATE INDEX categories_menu_idx ON categories (position, name);

CREATE TABLE products (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug          text NOT NULL CONSTRAINT products_slug_key UNIQUE,
    sku           text NOT NULL CONSTRAINT products_sku_key UNIQUE,
    name          text NOT NULL CONSTRAINT products_name_length CHECK (length(name) BETWEEN 1 AND 150),
    description   text NOT NULL DEFAULT '',
    category_slug text NOT NULL
                  CONSTRAINT products_category_fk REFERENCES categories (slug) ON UPDATE CASCADE ON DELETE RESTRICT,
    brand         text NOT NULL,
    price_minor   bigint NOT NULL CONSTRAINT products_price_range CHECK (price_minor BETWEEN 0 AND 9999999999),
    currency      text NOT NULL CONSTRAINT products_currency_allowed CHECK (currency IN ('USD', 'EUR', 'GBP')),
    images        jsonb NOT NULL DEFAULT '[]' CONSTRAINT products_images_array CHECK (jsonb_typeof(images) = 'array'),
    attributes    jsonb NOT NULL DEFAULT '{}' CONSTRAINT products_attributes_object CHECK (jsonb_typeof(attributes) = 'object'),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
    updated_at    timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
    CONSTRAINT products_created_ms CHECK (created_at = date_trunc('milliseconds', created_at)),
    -- Ranked search: name weighs most (A), then brand (B), then description (C). English
    -- stemming so "shoes" finds "shoe".
    search        tsvector GENERATED ALWAYS AS (
                      setweight(to_tsvector('english', name), 'A')
                      || setweight(to_tsvector('english', brand), 'B')
                      || setweight(to_tsvector('english', description), 'C')
                  ) STORED,
    -- Prefix fallback: unstemmed words of name and brand, so "headph" or "runnin" still match
    -- "headphones"/"running" through `to_tsquery('simple', 'headph:*')`. Needs no extension.
    search_prefix tsvector GENERATED ALWAYS AS (to_tsvector('simple', name || ' ' || brand)) STORED
);

-- Listings only ever show active products, so every listing index is partial.
CREATE INDEX products_newest_idx ON products (created_at DESC, id DESC) WHERE active;
CREATE INDEX products_price_idx ON products (price_minor, id) WHERE active;
CREATE INDEX products_name_idx ON products (name, id) WHERE active;
CREATE INDEX products_category_newest_idx ON products (category_slug, created_at DESC, id DESC) WHERE active;
CREATE INDEX products_category_price_idx ON products (category_slug, price_minor, id) WHERE active;
CREATE INDEX products_brand_idx ON products (brand) WHERE active;
CREATE INDEX products_search_idx ON products USING gin (search) WHERE active;
CREATE INDEX products_search_prefix_idx ON products USING gin (search_prefix) WHERE active;

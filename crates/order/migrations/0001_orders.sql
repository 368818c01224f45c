-- The order service's schema: carts, orders with their lines and status history, the
-- checkout idempotency keys, and the event outbox.

-- A cart is its lines; `owner` is `u:<user uuid>` or `g:<guest cart uuid>`.
CREATE TABLE cart_lines (
    owner text NOT NULL CHECK (owner ~ '^[ug]:[0-9a-f-]{36}$'),
    product_id uuid NOT NULL,
    quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    -- Unit price and currency when the line was added: only to flag a price change.
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    currency text NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (owner, product_id)
);

CREATE TABLE orders (
    id uuid PRIMARY KEY,
    -- Keyset pagination key: newest first is `seq DESC`.
    seq bigserial NOT NULL UNIQUE,
    -- NULL once the user is deleted and the order anonymised.
    user_id uuid,
    status text NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    currency text NOT NULL CHECK (currency IN ('USD', 'EUR', 'GBP')),
    subtotal_minor bigint NOT NULL CHECK (subtotal_minor >= 0),
    tax_minor bigint NOT NULL CHECK (tax_minor >= 0),
    shipping_minor bigint NOT NULL CHECK (shipping_minor >= 0),
    total_minor bigint NOT NULL CHECK (total_minor = subtotal_minor + tax_minor + shipping_minor),
    customer_email text NOT NULL,
    customer_name text NOT NULL,
    shipping_address jsonb NOT NULL,
    payment_reference text,
    cancel_reason text,
    anonymised_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

CREATE INDEX orders_by_user ON orders (user_id, seq DESC);
CREATE INDEX orders_by_status ON orders (status, seq DESC);

CREATE TABLE order_lines (
    order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    product_id uuid NOT NULL,
    name text NOT NULL,
    sku text NOT NULL,
    quantity integer NOT NULL CHECK (quantity > 0),
    unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
    line_total_minor bigint NOT NULL CHECK (line_total_minor = unit_price_minor * quantity),
    PRIMARY KEY (order_id, line_no)
);

-- One row per status an order entered, with when: an order enters each status at most once.
CREATE TABLE order_status_history (
    order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status text NOT NULL,
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (order_id, status)
);

-- Checkout idempotency: a key belongs to one user, and remembers the answer for a day.
CREATE TABLE idempotency_keys (
    user_id uuid NOT NULL,
    key text NOT NULL,
    fingerprint text NOT NULL,
    -- The order id this checkout reserves stock under (the product service's key).
    order_id uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
    state text NOT NULL DEFAULT 'in_progress' CHECK (state IN ('in_progress', 'done')),
    response_status integer,
    response_body jsonb,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (user_id, key)
);

CREATE INDEX idempotency_keys_in_progress ON idempotency_keys (created_at) WHERE state = 'in_progress';
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Events written in the same transaction as the change they describe; published (oldest
-- first) by the flush, and only marked published once Redis reported a receiver.
CREATE TABLE outbox (
    seq bigserial PRIMARY KEY,
    id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
    event_type text NOT NULL,
    version integer NOT NULL DEFAULT 1,
    order_id uuid,
    user_id uuid,
    data jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz
);

CREATE INDEX outbox_unpublished ON outbox (seq) WHERE published_at IS NULL;

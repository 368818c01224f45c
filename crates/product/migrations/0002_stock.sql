-- 0002: stock — counters per product, the adjustment audit trail, and order reservations.
-- Invariant: 0 <= reserved <= on_hand, so available = on_hand - reserved is never negative.
-- The statements in `sql::stock` respect it with conditional updates under row locks; these
-- CHECK constraints are the last line of defence.

CREATE TABLE stock (
    product_id uuid PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
    on_hand    bigint NOT NULL DEFAULT 0,
    reserved   bigint NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT stock_reserved_nonneg CHECK (reserved >= 0),
    CONSTRAINT stock_reserved_le_on_hand CHECK (reserved <= on_hand),
    CONSTRAINT stock_on_hand_max CHECK (on_hand <= 1000000000)
);

-- Products created before this migration get an empty stock row.
INSERT INTO stock (product_id) SELECT id FROM products ON CONFLICT (product_id) DO NOTHING;

-- Every change of on_hand outside reservations, with the resulting level.
CREATE TABLE stock_adjustments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id    uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    delta         bigint NOT NULL CONSTRAINT stock_adjustments_delta_nonzero CHECK (delta <> 0),
    reason        text NOT NULL CONSTRAINT stock_adjustments_reason_known
                  CHECK (reason IN ('restock', 'return', 'shrinkage', 'correction', 'initial')),
    note          text,
    on_hand_after bigint NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX stock_adjustments_product_idx ON stock_adjustments (product_id, id DESC);

-- One row per order id: the idempotency key and the state machine
-- reserved -> released | committed.
CREATE TABLE reservations (
    order_id   uuid PRIMARY KEY,
    state      text NOT NULL DEFAULT 'reserved'
               CONSTRAINT reservations_state_known CHECK (state IN ('reserved', 'released', 'committed')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- Open reservations by age, for a future expiry sweep.
CREATE INDEX reservations_open_idx ON reservations (created_at) WHERE state = 'reserved';

CREATE TABLE reservation_lines (
    order_id   uuid NOT NULL REFERENCES reservations (order_id) ON DELETE CASCADE,
    -- RESTRICT: a product that was ever reserved keeps its row (deactivate it instead).
    product_id uuid NOT NULL CONSTRAINT reservation_lines_product_fk REFERENCES products (id) ON DELETE RESTRICT,
    quantity   bigint NOT NULL CONSTRAINT reservation_lines_quantity_range CHECK (quantity BETWEEN 1 AND 10000),
    PRIMARY KEY (order_id, product_id)
);

CREATE INDEX reservation_lines_product_idx ON reservation_lines (product_id);

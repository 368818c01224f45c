-- Accounts, shipping addresses, password-reset tokens and the event outbox of the user
-- service. Sessions are not here: they live in Redis (docs/contracts.md).

CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- As entered, domain lower-cased; uniqueness ignores case (users_email_lower_key).
    email text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
    display_name text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 80),
    -- Argon2id in PHC string format.
    password_hash text NOT NULL,
    role text NOT NULL DEFAULT 'customer' CHECK (role IN ('customer', 'admin')),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

CREATE TABLE addresses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label text,
    recipient text NOT NULL,
    line1 text NOT NULL,
    line2 text,
    city text NOT NULL,
    region text,
    postal_code text NOT NULL,
    country text NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    phone text,
    is_default boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX addresses_user_created ON addresses (user_id, created_at, id);
-- At most one default per user; the service keeps "exactly one" under a lock on the user row.
CREATE UNIQUE INDEX addresses_one_default ON addresses (user_id) WHERE is_default;

CREATE TABLE password_resets (
    -- Hex SHA-256 of the token; the token itself is never stored.
    token_hash text PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX password_resets_user ON password_resets (user_id);

CREATE TABLE outbox (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    -- The whole envelope, published as is.
    envelope jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX outbox_pending ON outbox (seq) WHERE published_at IS NULL;

-- The notification service's schema: the inbox of events seen (the idempotency record), the
-- in-app notifications, each user's feed state, and the mock mailbox.

-- One row per message the consumer has recorded. `event_id` is unique: claiming it is the
-- first statement of the transaction that writes an event's effects, so a redelivery
-- (a retry, the outbox publishing twice, a second replica) conflicts and writes nothing.
-- A message without a readable id has a NULL `event_id` (NULLs never conflict).
CREATE TABLE inbox (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id uuid,
    event_type text,
    event_version int8,
    outcome text NOT NULL,
    reason text,
    -- The start of a rejected message, for diagnosis; NULL for every other outcome.
    excerpt text,
    received_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT inbox_event_id_key UNIQUE (event_id),
    CONSTRAINT inbox_outcome_known CHECK (outcome IN ('handled', 'skipped', 'rejected'))
);

CREATE INDEX inbox_outcome_seq ON inbox (outcome, seq);

-- Per user: `version` goes up with every change to their notifications (the list's ETag),
-- and `erased_at` is set by `user.deleted`, after which no event writes for them again.
-- Every write for a user locks this row first, so an erasure and a late event for the same
-- user never interleave.
CREATE TABLE feeds (
    user_id uuid PRIMARY KEY,
    version int8 NOT NULL DEFAULT 1,
    erased_at timestamptz
);

CREATE TABLE notifications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Keyset order of a user's list (newest first): unique and increasing.
    seq bigint GENERATED ALWAYS AS IDENTITY,
    event_id uuid NOT NULL,
    user_id uuid NOT NULL,
    order_id uuid,
    kind text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    link text,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    -- One notification per event, whatever happens above.
    CONSTRAINT notifications_event_id_key UNIQUE (event_id),
    CONSTRAINT notifications_seq_key UNIQUE (seq)
);

CREATE INDEX notifications_user_seq ON notifications (user_id, seq DESC);
CREATE INDEX notifications_user_unread ON notifications (user_id, seq DESC) WHERE read_at IS NULL;

-- The mock mail transport's outbox: every email the service sent, as sent.
CREATE TABLE mailbox (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    seq bigint GENERATED ALWAYS AS IDENTITY,
    event_id uuid NOT NULL,
    kind text NOT NULL,
    user_id uuid NOT NULL,
    order_id uuid,
    recipient text NOT NULL,
    subject text NOT NULL,
    text_body text NOT NULL,
    html_body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- One email per event.
    CONSTRAINT mailbox_event_id_key UNIQUE (event_id),
    CONSTRAINT mailbox_seq_key UNIQUE (seq)
);

CREATE INDEX mailbox_recipient_seq ON mailbox (lower(recipient), seq DESC);
CREATE INDEX mailbox_order_seq ON mailbox (order_id, seq DESC) WHERE order_id IS NOT NULL;
CREATE INDEX mailbox_user ON mailbox (user_id);

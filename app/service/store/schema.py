"""The store's schema: the steps that build it, applied in order by `app.service.store.store.Store`.

Each step runs once, in one transaction; `PRAGMA user_version` counts the steps applied (on
PostgreSQL, the `recdesk_schema` table). A later feature adds a table by adding a step to both
dialects, `MIGRATIONS` (SQLite) and `POSTGRES_MIGRATIONS`, never by editing one already shipped.
"""

from __future__ import annotations

# Each step runs once, in one transaction, in order; `user_version` counts the steps applied.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE recordings (
            id TEXT PRIMARY KEY,
            room_id TEXT NOT NULL,
            state TEXT NOT NULL,
            created TEXT NOT NULL,
            body TEXT NOT NULL
        )""",
        "CREATE INDEX recordings_created ON recordings (created, id)",
        "CREATE INDEX recordings_room ON recordings (room_id, created, id)",
        "CREATE INDEX recordings_state ON recordings (state, created, id)",
        """CREATE TABLE files (
            file_id TEXT PRIMARY KEY,
            recording_id TEXT NOT NULL REFERENCES recordings (id),
            room_id TEXT NOT NULL,
            name TEXT NOT NULL,
            path TEXT NOT NULL,
            start TEXT NOT NULL,
            part INTEGER NOT NULL,
            body TEXT NOT NULL,
            UNIQUE (recording_id, path)
        )""",
        "CREATE INDEX files_start ON files (start, file_id)",
        "CREATE INDEX files_recording ON files (recording_id, start, part, name)",
        "CREATE INDEX files_room ON files (room_id, start, file_id)",
        """CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            type TEXT NOT NULL,
            at TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
    ),
    # Storage, callbacks and signed requests (each owned by its module, through `transaction()`):
    # the upload queue (`app.service.storage.targets`), the webhook outbox (`app.service.webhooks`),
    # the encrypted storage keys of each recording, and the nonces signed requests have used.
    (
        """CREATE TABLE uploads (
            file_id TEXT PRIMARY KEY REFERENCES files (file_id),
            recording_id TEXT NOT NULL REFERENCES recordings (id),
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try TEXT NOT NULL,
            error TEXT,
            body TEXT NOT NULL
        )""",
        "CREATE INDEX uploads_due ON uploads (state, next_try)",
        "CREATE INDEX uploads_recording ON uploads (recording_id)",
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            recording_id TEXT,
            url TEXT NOT NULL,
            type TEXT NOT NULL,
            body TEXT NOT NULL,
            created TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try TEXT NOT NULL,
            delivered TEXT,
            given_up TEXT,
            error TEXT
        )""",
        "CREATE INDEX outbox_due ON outbox (delivered, given_up, next_try, id)",
        "CREATE INDEX outbox_order ON outbox (url, recording_id, id)",
        """CREATE TABLE secrets (
            owner TEXT PRIMARY KEY,
            sealed BLOB NOT NULL
        )""",
        """CREATE TABLE nonces (
            app_id TEXT NOT NULL,
            nonce TEXT NOT NULL,
            seen TEXT NOT NULL,
            PRIMARY KEY (app_id, nonce)
        )""",
        "CREATE INDEX nonces_seen ON nonces (seen)",
    ),
    # A webhook's id unique beyond one database (a reset data folder, a second service): a
    # UUIDv7 given as the row is written; rows from before keep the `msg_<row>` they were sent with.
    ("ALTER TABLE outbox ADD COLUMN msg_id TEXT",),
)

# The same tables in PostgreSQL's dialect, step for step (a step added above is added here too,
# and `recdesk_schema` counts them as `user_version` does). Text that is compared or ordered is
# `COLLATE "C"`: byte order, as SQLite's, whatever the database's locale; `lower()` then folds
# ASCII only, as SQLite's does. Ids are identity columns (never reused, as AUTOINCREMENT's).
_KEY = 'TEXT COLLATE "C"'

POSTGRES_MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        f"""CREATE TABLE recordings (
            id {_KEY} PRIMARY KEY,
            room_id {_KEY} NOT NULL,
            state {_KEY} NOT NULL,
            created {_KEY} NOT NULL,
            body TEXT NOT NULL
        )""",
        "CREATE INDEX recordings_created ON recordings (created, id)",
        "CREATE INDEX recordings_room ON recordings (room_id, created, id)",
        "CREATE INDEX recordings_state ON recordings (state, created, id)",
        f"""CREATE TABLE files (
            file_id {_KEY} PRIMARY KEY,
            recording_id {_KEY} NOT NULL REFERENCES recordings (id),
            room_id {_KEY} NOT NULL,
            name {_KEY} NOT NULL,
            path {_KEY} NOT NULL,
            start {_KEY} NOT NULL,
            part INTEGER NOT NULL,
            body TEXT NOT NULL,
            UNIQUE (recording_id, path)
        )""",
        "CREATE INDEX files_start ON files (start, file_id)",
        "CREATE INDEX files_recording ON files (recording_id, start, part, name)",
        "CREATE INDEX files_room ON files (room_id, start, file_id)",
        """CREATE TABLE events (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            type TEXT NOT NULL,
            at TEXT NOT NULL,
            data TEXT NOT NULL
        )""",
    ),
    (
        f"""CREATE TABLE uploads (
            file_id {_KEY} PRIMARY KEY REFERENCES files (file_id),
            recording_id {_KEY} NOT NULL REFERENCES recordings (id),
            state {_KEY} NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try {_KEY} NOT NULL,
            error TEXT,
            body TEXT NOT NULL
        )""",
        "CREATE INDEX uploads_due ON uploads (state, next_try)",
        "CREATE INDEX uploads_recording ON uploads (recording_id)",
        f"""CREATE TABLE outbox (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            recording_id {_KEY},
            url {_KEY} NOT NULL,
            type TEXT NOT NULL,
            body TEXT NOT NULL,
            created {_KEY} NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_try {_KEY} NOT NULL,
            delivered {_KEY},
            given_up {_KEY},
            error TEXT
        )""",
        "CREATE INDEX outbox_due ON outbox (delivered, given_up, next_try, id)",
        "CREATE INDEX outbox_order ON outbox (url, recording_id, id)",
        f"""CREATE TABLE secrets (
            owner {_KEY} PRIMARY KEY,
            sealed BYTEA NOT NULL
        )""",
        f"""CREATE TABLE nonces (
            app_id {_KEY} NOT NULL,
            nonce {_KEY} NOT NULL,
            seen {_KEY} NOT NULL,
            PRIMARY KEY (app_id, nonce)
        )""",
        "CREATE INDEX nonces_seen ON nonces (seen)",
    ),
    ("ALTER TABLE outbox ADD COLUMN msg_id TEXT",),
)

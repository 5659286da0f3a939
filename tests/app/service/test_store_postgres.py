"""The store on PostgreSQL with more than one writer: event ids commit in order, followers of
one store are woken by another's appends, and both dialects build the same tables."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import psycopg
import pytest
from cryptography.fernet import Fernet, MultiFernet

from app.api.errors import ApiError
from app.api.models import Event
from app.service.auth.verify import NonceBook
from app.service.store.connection import Connection
from app.service.store.errors import StoreRefused
from app.service.store.eventlog import EventLog
from app.service.store.postgres import placeholders
from app.service.store.sealed import Vault
from app.service.store.store import Store
from app.service.webhooks import outbox
from tests.helpers.postgres import PostgresServer

pytestmark = pytest.mark.postgres


def test_two_writers_commit_event_ids_in_order(postgres: PostgresServer) -> None:
    """Two stores (as two services) append from several threads each, every event with an
    outbox row in its transaction; a third follows the log as an SSE stream does and must see
    every id exactly once, in order: a late commit of a smaller id would be skipped."""
    url = postgres.create_database()
    writers, per_writer = 6, 40
    total = writers * per_writer
    with Store(url) as one, Store(url) as two, Store(url) as reader:
        start = threading.Barrier(writers + 1)
        done = threading.Event()

        def along(db: Connection, event: Event) -> None:
            outbox.add(
                db, None, "http://receiver.invalid/", type=event.type, body="{}", now=event.at
            )

        def append(store: Store) -> None:
            start.wait()
            for n in range(per_writer):
                store.append_event("room.updated", {"n": n}, along)

        threads = [threading.Thread(target=append, args=(s,)) for s in (one, two) * (writers // 2)]
        for t in threads:
            t.start()
        seen: list[int] = []
        start.wait()
        while not done.is_set():
            if all(not t.is_alive() for t in threads):
                done.set()  # one more read after the last commit
            after = seen[-1] if seen else 0
            seen.extend(e.id for e in reader.events_after(after, limit=1000))
        for t in threads:
            t.join()
        assert seen == list(range(1, total + 1))
        assert reader.last_event_id() == total


def test_a_follower_is_woken_by_another_writers_append(postgres: PostgresServer) -> None:
    """A follower of store one, with no keepalive to poll by, gets an event store two appends."""
    url = postgres.create_database()

    async def scenario(one: Store, two: Store) -> list[Event]:
        log = EventLog(one)
        stream = log.follow(0, keepalive=600)
        got: list[Event] = []
        for n in range(2):
            waiting = asyncio.create_task(anext(stream))
            for _ in range(10):  # let it read the log, find nothing and wait
                await asyncio.sleep(0)
            assert not waiting.done()
            await asyncio.to_thread(two.append_event, "room.updated", {"by": "two", "n": n})
            event = await asyncio.wait_for(waiting, 30)
            assert event is not None
            got.append(event)
        await log.close()
        return got

    with Store(url) as one, Store(url) as two:
        got = asyncio.run(scenario(one, two))
    assert [(e.id, e.data) for e in got] == [(1, {"by": "two", "n": 0}), (2, {"by": "two", "n": 1})]


def _sqlite_schema(path: Path) -> tuple[dict[str, list[tuple[str, str, bool]]], set[str]]:
    with sqlite3.connect(path) as db:
        names = [
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
                " AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        tables = {
            name: [
                (column, kind.upper(), bool(notnull or pk))
                for _, column, kind, notnull, _, pk in db.execute(f"PRAGMA table_info({name})")
            ]
            for name in names
        }
        indexes = {
            name
            for (name,) in db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'index'"
                " AND name NOT LIKE 'sqlite_autoindex_%'"
            )
        }
    return tables, indexes


# A SQLite type and what PostgreSQL stores it as (AUTOINCREMENT ids are 64-bit there too).
_TYPES = {"TEXT": {"text"}, "INTEGER": {"integer", "bigint"}, "BLOB": {"bytea"}}


def test_both_dialects_have_the_same_tables_and_columns(
    tmp_path: Path, postgres: PostgresServer
) -> None:
    sqlite_path = tmp_path / "recdesk.sqlite3"
    url = postgres.create_database()
    Store(sqlite_path).close()
    Store(url).close()
    sqlite_tables, sqlite_indexes = _sqlite_schema(sqlite_path)
    with psycopg.connect(url) as pg:
        rows = pg.execute(
            "SELECT table_name, column_name, data_type, is_nullable = 'NO'"
            " FROM information_schema.columns WHERE table_schema = 'public'"
            " ORDER BY table_name, ordinal_position"
        ).fetchall()
        pg_indexes = {
            name
            for (name,) in pg.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'"
                " AND indexname NOT LIKE '%_pkey' AND indexname NOT LIKE '%_key'"
            )
        }
    pg_tables: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, kind, required in rows:
        if table != "recdesk_schema":  # PostgreSQL's `PRAGMA user_version`
            pg_tables.setdefault(table, []).append((column, kind, required))
    assert sorted(pg_tables) == sorted(sqlite_tables)
    for table, columns in sqlite_tables.items():
        theirs = pg_tables[table]
        assert [(c, r) for c, _, r in theirs] == [(c, r) for c, _, r in columns], table
        for (column, kind, _), (_, pg_kind, _) in zip(columns, theirs, strict=True):
            assert pg_kind in _TYPES[kind], f"{table}.{column}: {kind} is {pg_kind}"
    assert pg_indexes == sqlite_indexes


def test_placeholders_become_psycopg_style_outside_literals() -> None:
    assert placeholders("SELECT ? WHERE a = ?") == "SELECT %s WHERE a = %s"
    assert placeholders("SELECT '?', \"a?\" WHERE b LIKE '100%' AND c = ?") == (
        "SELECT '?', \"a?\" WHERE b LIKE '100%%' AND c = %s"
    )
    assert placeholders("SELECT 'it''s ?', ?") == "SELECT 'it''s ?', %s"


def test_literal_percent_and_question_marks_reach_the_database(postgres: PostgresServer) -> None:
    with Store(postgres.create_database()) as store, store.transaction() as db:
        row = db.execute("SELECT '100%', '?', ? || '%'", ("x",)).fetchone()
        (alone,) = db.execute("SELECT '5%'").fetchone()
    assert tuple(row) == ("100%", "?", "x%")
    assert alone == "5%"


def test_an_unreachable_server_is_named_without_its_password(tmp_path: Path) -> None:
    url = f"postgresql://rec:s3cret@/recdesk?host={tmp_path}&password=s3cret"
    with pytest.raises(ApiError) as caught:
        Store(url)
    message = caught.value.message
    assert "s3cret" not in message
    assert message.startswith(f"database postgresql://rec@/recdesk?host={str(tmp_path)[:1]}")
    assert "cannot connect" in message
    assert "\n" not in message
    assert isinstance(caught.value.__cause__, StoreRefused)


def test_a_store_reconnects_after_its_connection_is_cut(postgres: PostgresServer) -> None:
    url = postgres.create_database()
    with Store(url) as store, psycopg.connect(url, autocommit=True) as admin:
        store.append_event("room.updated", {"n": 1})
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid != pg_backend_pid()"
        )
        assert store.last_event_id() == 1  # on a new connection
        assert store.append_event("room.updated", {"n": 2}).id == 2
        assert [e.data for e in store.events_after(0)] == [{"n": 1}, {"n": 2}]


def test_the_modules_owning_tables_work_on_postgres(postgres: PostgresServer) -> None:
    """Sealed secrets (BYTEA), nonces (an upsert's row count) and the webhook outbox (its
    queue heads, `'msg_' || id`) through the same `transaction()` as on SQLite."""
    key = Fernet.generate_key()
    with Store(postgres.create_database()) as store:
        vault = Vault(store, sources=(lambda: MultiFernet([Fernet(key)]),))
        asyncio.run(vault.load())
        vault.seal("rec1", b"\x00secret\xff")
        vault.seal("rec1", b"again")
        assert vault.open("rec1") == b"again"
        vault.forget("rec1")
        assert vault.open("rec1") is None

        nonces = NonceBook(lambda: store, keep=60)
        assert nonces.use("app", "n1", 1000.0)
        assert not nonces.use("app", "n1", 1030.0)
        assert nonces.use("app", "n1", 1100.0)  # past the keep time it is new again

        def along(db: Connection, event: Event) -> None:
            for url in ("http://a.invalid/", "http://b.invalid/"):
                outbox.add(db, "rec1", url, type=event.type, body="{}", now=event.at)

        for n in range(2):
            store.append_event("recording.state", {"n": n}, along)
        box = outbox.Outbox(store)
        heads = box.heads()
        assert [(h.id, h.url) for h in heads] == [
            (1, "http://a.invalid/"),
            (2, "http://b.invalid/"),
        ]
        assert all(h.msg_id.startswith("msg_") for h in heads)
        box.delivered(heads[0], heads[0].created)
        assert [h.id for h in box.heads()] == [2, 3]
        assert box.counts() == {"pending": 3, "delivered": 1, "given_up": 0}

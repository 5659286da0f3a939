"""The upload queue: each finished file of a recording with storage, from the moment it is listed
until its storage confirms it, through failures and restarts of the storage or the service.

```
pending ─▶ uploading ─▶ uploaded   (the object's full size confirmed by HEAD)
               │ ▲
               ▼ │ after 1, 2, 4, ... s, at most `upload_retry_max` (a few minutes)
             failed (with the error; tried again for as long as it takes)
```

Each file has a row in the `uploads` table (state, attempts, next try, last error, and the
`upload.Plan` that says how far it got); its record (`RecordedFile.upload`, `.upload_error`,
`.download_url`) follows the row, and every step is a `recording.upload` event with the bytes
stored so far. At most `upload_workers` files upload at once, their storage calls on threads.
The local copy stays until the upload is confirmed; with `remove_uploaded` it then goes (the
record keeps its path, and `?download=1` hands out a signed link instead). A recording whose
files are all stored is reported to the task manager (`finished`), which moves it from
`uploading` to `completed`. After a restart every row not yet uploaded is due at once.

A recording's storage target, keys included, is sealed in the `secrets` table under
`storage:RECORDING_ID` when it starts (`keep`), so its uploads finish with the keys it began with
whatever the config says later; keys never reach a row, an event or a log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from app.api.errors import ApiError, ErrorCode
from app.api.models import RecordedFile, StorageParams, UploadState
from app.errors import RecDeskError
from app.service.settings import Settings
from app.service.storage.errors import StorageError
from app.service.storage.targets import StorageTarget, resolve
from app.service.storage.upload import Plan, Sender, plan_for
from app.service.store.eventlog import EventLog
from app.service.store.sealed import SecretKeyMissing, Vault

if TYPE_CHECKING:
    from app.service.storage.s3 import Bucket
from app.service.store.store import Store

log = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

_FIRST_RETRY = 1.0  # seconds; doubled at each failure, up to `upload_retry_max`
SIGNED_LINK_SECONDS = 3600


def _owner(recording_id: str) -> str:
    return f"storage:{recording_id}"


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class _Row:
    file_id: str
    recording_id: str
    state: UploadState
    attempts: int
    next_try: datetime
    error: str | None
    plan: Plan


class Uploads:
    """Uploads recordings' files to their storage; `finished(recording_id)` when one is done."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        events: EventLog,
        *,
        finished: Callable[[str], None],
    ) -> None:
        self._settings = settings
        self._store = store
        self._events = events
        self._finished = finished
        self.vault = Vault(store)
        self._profiles: dict[str, StorageParams] = (
            dict(settings.config.storage) if settings.config is not None else {}
        )
        self._targets: dict[str, StorageTarget] = {}
        self._buckets: dict[str, Bucket] = {}
        self._running: dict[str, asyncio.Task[None]] = {}
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None
        self._closing = False

    # --- life -------------------------------------------------------------------------------------

    async def start(self, uploading: list[str]) -> None:
        """Resume what a previous run left (due at once); `uploading`: recordings waiting on it."""
        now = _stamp(datetime.now(UTC))
        with self._store.transaction() as db:
            db.execute("UPDATE uploads SET next_try = ? WHERE state != 'uploaded'", (now,))
        self._loop = asyncio.get_running_loop().create_task(self._run())
        for recording_id in uploading:
            self.recording_ended(recording_id)

    async def close(self) -> None:
        """Stop uploading; what is under way goes on after the next start."""
        self._closing = True
        tasks = [t for t in (self._loop, *self._running.values()) if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for bucket in self._buckets.values():
            bucket.close()

    # --- what the task manager asks ---------------------------------------------------------------

    async def prepare(self, storage: StorageParams | str) -> StorageTarget:
        """A request's storage, checked, with a key ready to seal its secrets (else 503)."""
        target = resolve(storage, self._profiles)
        await self.vault.load()
        try:
            self.vault.fernet()
        except SecretKeyMissing as exc:
            raise ApiError(ErrorCode.storage_unavailable, f"storage: {exc.message}") from None
        return target

    def keep(self, recording_id: str, target: StorageTarget) -> None:
        """Seal a new recording's target (keys included) for its uploads."""
        self.vault.seal(_owner(recording_id), target.sealed_form())

    def add(self, file: RecordedFile) -> None:
        """Queue a listed file of a recording with storage (its record says `pending`)."""
        try:
            target = self._target(file.recording_id)
        except RecDeskError as exc:
            # Without its target the keys cannot be computed now; the row waits for a key.
            log.warning("file %s: %s", file.file_id, exc)
            target = None
        settings = self._settings
        plan = (
            plan_for(file, target, settings.data_dir, settings.recordings_dir)
            if target is not None
            else Plan([])
        )
        now = _stamp(datetime.now(UTC))
        with self._store.transaction() as db:
            # A file the store kept from an earlier report is not stored again, nor queued.
            db.execute(
                "INSERT INTO uploads (file_id, recording_id, state, attempts, next_try, body)"
                " SELECT ?, ?, 'pending', 0, ?, ? WHERE EXISTS"
                " (SELECT 1 FROM files WHERE file_id = ?) ON CONFLICT (file_id) DO NOTHING",
                (file.file_id, file.recording_id, now, plan.to_json(), file.file_id),
            )
        self._wake.set()

    def outstanding(self, recording_id: str) -> int:
        """How many of the recording's files are not stored yet."""
        with self._store.transaction() as db:
            (count,) = db.execute(
                "SELECT count(*) FROM uploads WHERE recording_id = ? AND state != 'uploaded'",
                (recording_id,),
            ).fetchone()
        return int(count)

    def recording_ended(self, recording_id: str) -> None:
        """The recording has its last file: report it finished once nothing is left to store."""
        if not self.outstanding(recording_id):
            self._finished(recording_id)

    async def signed_link(self, file: RecordedFile) -> str | None:
        """A link that downloads an uploaded file for an hour, None if it is not uploaded."""
        row = self._row(file.file_id)
        if row is None or row.state != "uploaded" or not row.plan.items:
            return None
        try:
            bucket = await self._bucket(file.recording_id)
        except RecDeskError as exc:
            log.warning("file %s: no signed link: %s", file.file_id, exc)
            return None
        return bucket.signed_url(row.plan.items[-1].key, SIGNED_LINK_SECONDS)

    # --- the queue --------------------------------------------------------------------------------

    async def _run(self) -> None:
        while not self._closing:
            self._wake.clear()
            now = datetime.now(UTC)
            wait: float | None = None
            for row in self._waiting():
                if row.file_id in self._running:
                    continue
                if row.next_try > now:
                    due_in = (row.next_try - now).total_seconds()
                    wait = due_in if wait is None else min(wait, due_in)
                elif len(self._running) < self._settings.upload_workers:
                    self._running[row.file_id] = asyncio.get_running_loop().create_task(
                        self._attempt(row)
                    )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), wait)

    async def _attempt(self, row: _Row) -> None:
        file = self._store.file(row.file_id)
        try:
            if file is None:  # cannot happen while the table's foreign key holds
                raise StorageError(f"file {row.file_id}: no longer listed")
            await self.vault.load()  # here, not at the start: a service without uploads never
            # asks the OS keyring (which may want to be unlocked) for a key
            target = self._target(row.recording_id)
            bucket = await self._bucket(row.recording_id)
            plan = row.plan
            if not plan.items:  # queued while the key was missing
                plan = plan_for(
                    file, target, self._settings.data_dir, self._settings.recordings_dir
                )
            self._set(row, "uploading", plan=plan)
            self._record(file, "uploading", error=None)
            self._publish(file, row)

            async def saved(plan: Plan) -> None:
                self._save_plan(row.file_id, plan)
                if plan.done < len(plan.items):  # the last step is `uploaded`'s own event
                    self._publish(file, row)

            settings = self._settings
            sender = Sender(bucket, settings.data_dir, settings.upload_part_size, self._call, saved)
            await sender.send(plan)
        except asyncio.CancelledError:
            raise
        except (RecDeskError, OSError) as exc:
            message = exc.message if isinstance(exc, RecDeskError) else str(exc)
            self._failed(row, file, message)
        except Exception as exc:
            log.exception("upload of file %s failed", row.file_id)
            self._failed(row, file, f"the service failed: {exc}")
        else:
            assert file is not None
            self._uploaded(row, file, target)
        finally:
            self._running.pop(row.file_id, None)
            self._wake.set()

    def _uploaded(self, row: _Row, file: RecordedFile, target: StorageTarget) -> None:
        main = row.plan.items[-1]
        self._set(row, "uploaded", error=None)
        self._record(file, "uploaded", error=None, url=target.url_for(main.key))
        self._publish(file, row)
        log.info("file %s stored as %s", file.file_id, main.key)
        if self._settings.remove_uploaded:
            for item in row.plan.items:
                with contextlib.suppress(OSError):
                    (self._settings.data_dir / item.path).unlink()
        self.recording_ended(row.recording_id)

    def _failed(self, row: _Row, file: RecordedFile | None, error: str) -> None:
        attempts = row.attempts + 1
        delay = min(self._settings.upload_retry_max, _FIRST_RETRY * 2 ** (attempts - 1))
        delay *= random.uniform(0.8, 1.0)  # uploads that failed together do not retry together
        next_try = datetime.now(UTC) + timedelta(seconds=delay)
        row.attempts = attempts
        self._set(row, "failed", error=error, next_try=next_try)
        log.warning(
            "upload of file %s failed (attempt %d, again in %.1f s): %s",
            row.file_id,
            attempts,
            delay,
            error,
        )
        if file is not None:
            self._record(file, "failed", error=error)
            self._publish(file, row)

    async def _call(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn` on a thread of its own. A daemon: at a shutdown a call under way (a part half
        sent, which the storage drops) is abandoned rather than waited for."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[T] = loop.create_future()

        def settle(result: T | None, error: BaseException | None) -> None:
            if done.cancelled():
                return
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(result)  # type: ignore[arg-type]

        def work() -> None:
            try:
                result, error = fn(*args, **kwargs), None
            except BaseException as exc:
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody waits
                loop.call_soon_threadsafe(settle, result, error)

        threading.Thread(target=work, name="upload", daemon=True).start()
        return await done

    # --- rows, records and events -----------------------------------------------------------------

    def _target(self, recording_id: str) -> StorageTarget:
        if recording_id not in self._targets:
            sealed = self.vault.open(_owner(recording_id))
            if sealed is None:
                raise StorageError(f"recording {recording_id}: its storage keys are not kept")
            self._targets[recording_id] = StorageTarget.from_sealed(sealed)
        return self._targets[recording_id]

    async def _bucket(self, recording_id: str) -> Bucket:
        if recording_id not in self._buckets:
            # boto3 is imported with the first bucket: a service that stores nothing never needs it.
            from app.service.storage.s3 import Bucket

            # Off the loop: a boto3 client takes a while to build (it reads its API's model).
            bucket = await self._call(Bucket, self._target(recording_id))
            self._buckets.setdefault(recording_id, bucket)
        return self._buckets[recording_id]

    def _waiting(self) -> list[_Row]:
        with self._store.transaction() as db:
            rows = db.execute(
                "SELECT file_id, recording_id, state, attempts, next_try, error, body"
                " FROM uploads WHERE state != 'uploaded' ORDER BY next_try, file_id"
            ).fetchall()
        return [_row_of(row) for row in rows]

    def _row(self, file_id: str) -> _Row | None:
        with self._store.transaction() as db:
            row = db.execute(
                "SELECT file_id, recording_id, state, attempts, next_try, error, body"
                " FROM uploads WHERE file_id = ?",
                (file_id,),
            ).fetchone()
        return None if row is None else _row_of(row)

    def _set(
        self,
        row: _Row,
        state: UploadState,
        *,
        plan: Plan | None = None,
        error: str | None = None,
        next_try: datetime | None = None,
    ) -> None:
        row.state, row.error = state, error
        row.plan = plan or row.plan
        row.next_try = next_try or row.next_try
        with self._store.transaction() as db:
            db.execute(
                "UPDATE uploads SET state = ?, attempts = ?, next_try = ?, error = ?, body = ?"
                " WHERE file_id = ?",
                (state, row.attempts, _stamp(row.next_try), error, row.plan.to_json(), row.file_id),
            )

    def _save_plan(self, file_id: str, plan: Plan) -> None:
        with self._store.transaction() as db:
            db.execute("UPDATE uploads SET body = ? WHERE file_id = ?", (plan.to_json(), file_id))

    def _record(
        self, file: RecordedFile, state: UploadState, *, error: str | None, url: str | None = None
    ) -> None:
        file.upload, file.upload_error = state, error
        file.download_url = url or file.download_url
        self._store.update_file(file)

    def _publish(self, file: RecordedFile, row: _Row) -> None:
        data: dict[str, Any] = {
            "recording_id": file.recording_id,
            "room_id": file.room_id,
            "file_id": file.file_id,
            "name": file.name,
            "state": row.state,
            "bytes": row.plan.sent,
            "total": row.plan.total,
            "attempts": row.attempts,
            "error": row.error,
            "next_try": row.next_try.isoformat() if row.state == "failed" else None,
            "download_url": file.download_url,
        }
        if row.state == "uploaded":  # the whole record: what a callback reports of a stored file
            data["file"] = file.model_dump(mode="json")
        self._events.publish("recording.upload", data)


def _row_of(row: tuple[Any, ...]) -> _Row:
    file_id, recording_id, state, attempts, next_try, error, body = row
    return _Row(
        file_id,
        recording_id,
        state,
        int(attempts),
        datetime.fromisoformat(next_try),
        error,
        Plan.from_json(body),
    )

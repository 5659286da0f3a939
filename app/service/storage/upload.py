"""One file's upload: what it sends (`Plan`, kept in the `uploads` row so a restart resumes it) and
the steps that send it (`Sender`).

A file is one object, or for HLS its segments and then its playlist. Each object is put whole
when it fits in one part, otherwise as a multipart upload of `part_size` parts (more, for a file
that would need over 10,000); the plan records the upload's id and each part's ETag as it is
stored, so an upload that stops (the server went away, the service restarted) goes on from the
parts the server says it holds (`ListParts`), never from the first. An object counts as stored
only once a `HEAD` gives its full size; then the next begins.

```
for each object:   fits a part? ── yes ─▶ PUT ──────────────────────────────┐
                       └─ no ─▶ start or resume the multipart ─▶ the parts ─▶ complete
                                                                            ▼
                                                     HEAD: the full size? ─▶ next object
```
"""

from __future__ import annotations

import json
import math
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, Protocol, TypeVar

from app.api.models import RecordedFile
from app.service.storage.errors import StorageError, UploadGone
from app.service.storage.targets import StorageTarget

if TYPE_CHECKING:
    from app.service.storage.s3 import Bucket

P = ParamSpec("P")
T = TypeVar("T")

_MAX_PARTS = 10_000  # S3's limit on a multipart upload


class Runner(Protocol):
    """Runs a blocking storage call off the event loop (on the upload threads)."""

    def __call__(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Awaitable[T]:
        """The call's result, once a thread has made it."""
        ...


@dataclass
class Item:
    """One object to store: a local file (relative to the data dir) and its key."""

    path: str
    key: str
    size: int


@dataclass
class Plan:
    """What an upload sends and how far it got."""

    items: list[Item]
    done: int = 0  # objects stored and confirmed
    upload_id: str | None = None  # the multipart upload of items[done], if one is started
    part_size: int = 0  # of that upload
    parts: dict[int, str] = field(default_factory=dict)  # its stored parts: number → ETag

    @property
    def total(self) -> int:
        """Bytes in all."""
        return sum(item.size for item in self.items)

    @property
    def sent(self) -> int:
        """Bytes stored so far."""
        sent = sum(item.size for item in self.items[: self.done])
        if self.done < len(self.items) and self.part_size:
            size = self.items[self.done].size
            sent += sum(_part_length(size, self.part_size, n) for n in self.parts)
        return sent

    def to_json(self) -> str:
        """The plan as the `uploads` row keeps it."""
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Plan:
        """The plan `to_json` wrote."""
        data: dict[str, Any] = json.loads(text)
        data["items"] = [Item(**item) for item in data["items"]]
        data["parts"] = {int(n): etag for n, etag in data["parts"].items()}
        return cls(**data)


def plan_for(file: RecordedFile, target: StorageTarget, data_dir: Path, place_root: Path) -> Plan:
    """The objects of a finished file: the file, or an HLS playlist's segments and then itself.

    Keys follow the files' places under `place_root` (the recordings folder).
    """
    path = Path(file.path)
    local = path if path.is_absolute() else data_dir / path
    files = [*_segments(local), local] if local.suffix == ".m3u8" else [local]
    items = []
    for each in files:
        try:
            place = each.relative_to(place_root).as_posix()
        except ValueError:
            place = each.name
        stored = each.relative_to(data_dir).as_posix() if each.is_relative_to(data_dir) else each
        items.append(Item(str(stored), target.key_for(place), _size(each)))
    return Plan(items)


@dataclass
class Sender:
    """Sends plans to one bucket: files from `data_dir`, in parts of `part_size`; `saved` hears
    each step (to keep the plan and say how far it got)."""

    bucket: Bucket
    data_dir: Path
    part_size: int
    run: Runner
    saved: Callable[[Plan], Awaitable[None]]

    async def send(self, plan: Plan) -> None:
        """Store every object of the plan that is not stored yet."""
        run, bucket = self.run, self.bucket
        while plan.done < len(plan.items):
            item = plan.items[plan.done]
            path = self.data_dir / item.path
            if not path.is_file():
                if await run(bucket.size_of, item.key) == item.size:
                    await self._next(plan)  # stored before, and its copy here removed since
                    continue
                raise StorageError(f"{item.path}: the local file is gone; it cannot be uploaded")
            if item.size <= self.part_size and plan.upload_id is None:
                await run(bucket.put, item.key, path)
            else:
                await self._multipart(plan, item, path)
            stored = await run(bucket.size_of, item.key)
            if stored != item.size:
                plan.upload_id, plan.parts = None, {}
                await self.saved(plan)
                raise StorageError(
                    f"{item.key}: the storage holds {stored} bytes of {item.size} after the upload"
                )
            await self._next(plan)

    async def _next(self, plan: Plan) -> None:
        plan.done += 1
        plan.upload_id, plan.part_size, plan.parts = None, 0, {}
        await self.saved(plan)

    async def _multipart(self, plan: Plan, item: Item, path: Path) -> None:
        run, bucket = self.run, self.bucket
        if plan.upload_id is not None:
            try:
                held = await run(bucket.parts, item.key, plan.upload_id)
            except UploadGone:
                # Completed (an answer lost with the connection), aborted or expired.
                if await run(bucket.size_of, item.key) == item.size:
                    return
                plan.upload_id, plan.parts = None, {}
            else:
                # The server's word is the truth: parts it lost are sent again, parts it kept
                # (one sent as the service stopped, say) are not.
                plan.parts = {
                    n: etag
                    for n, (etag, size) in held.items()
                    if size == _part_length(item.size, plan.part_size, n)
                }
        if plan.upload_id is None:
            plan.part_size = max(self.part_size, math.ceil(item.size / _MAX_PARTS))
            plan.upload_id = await run(bucket.start_multipart, item.key)
            await self.saved(plan)
        upload_id, size = plan.upload_id, plan.part_size
        try:
            for number in range(1, math.ceil(item.size / size) + 1):
                if number in plan.parts:
                    continue
                offset, length = (number - 1) * size, _part_length(item.size, size, number)
                plan.parts[number] = await run(
                    bucket.put_part,
                    item.key,
                    upload_id,
                    number,
                    path=path,
                    offset=offset,
                    size=length,
                )
                await self.saved(plan)
            await run(bucket.complete, item.key, upload_id, sorted(plan.parts.items()))
        except UploadGone:
            if await run(bucket.size_of, item.key) == item.size:
                return
            plan.upload_id, plan.parts = None, {}
            await self.saved(plan)
            raise


def _part_length(total: int, part_size: int, number: int) -> int:
    return max(0, min(part_size, total - (number - 1) * part_size))


def _segments(playlist: Path) -> list[Path]:
    try:
        lines = playlist.read_text().splitlines()
    except OSError:
        return []
    return [playlist.parent / line for line in lines if line and not line.startswith("#")]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0

"""What each `recdesk-ctl` command does with the client, and how its answer is printed."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Coroutine
from contextlib import aclosing
from pathlib import Path
from typing import Any

from app.api.models import (
    FileList,
    ImageList,
    RecordingList,
    RoomList,
)
from app.api.presets import PresetList, StorageList
from app.client import tables
from app.client.client import RecDeskClient
from app.client.ctl.parser import UsageError

Handler = Callable[[RecDeskClient, argparse.Namespace], Coroutine[Any, Any, str | None]]


async def _health(client: RecDeskClient, args: argparse.Namespace) -> str:
    health = await client.health()
    return health.model_dump_json(indent=2) if args.json else tables.health_detail(health)


async def _rooms(client: RecDeskClient, args: argparse.Namespace) -> str:
    rooms = await client.all_rooms()
    if args.json:
        return RoomList(items=rooms).model_dump_json(indent=2)
    return tables.rooms_table(rooms)


async def _room(client: RecDeskClient, args: argparse.Namespace) -> str:
    room = await client.room(args.id)
    return room.model_dump_json(indent=2) if args.json else tables.room_detail(room)


async def _record(client: RecDeskClient, args: argparse.Namespace) -> str:
    if args.action == "list":
        found = await client.all_recordings(args.room, args.state)
        if args.json:
            return RecordingList(items=found).model_dump_json(indent=2)
        return tables.recordings_table(found)
    match args.action:
        case "start":
            recording = await client.start_recording(args.body)
        case "stop":
            recording = await client.stop(args.id)
        case "pause":
            recording = await client.pause(args.id)
        case "resume":
            recording = await client.resume(args.id)
        case _:
            recording = await client.recording(args.id)
    return recording.model_dump_json(indent=2) if args.json else tables.recording_detail(recording)


async def _layout(client: RecDeskClient, args: argparse.Namespace) -> str:
    recording = await client.set_layout(args.id, args.body)
    return recording.model_dump_json(indent=2) if args.json else tables.recording_detail(recording)


async def _files(client: RecDeskClient, args: argparse.Namespace) -> str:
    found = await client.all_files(args.name, args.room, args.recording)
    return (
        FileList(items=found).model_dump_json(indent=2) if args.json else tables.files_table(found)
    )


async def _images(client: RecDeskClient, args: argparse.Namespace) -> str | None:
    match args.action:
        case "upload":
            stored = await client.upload_image(args.name or args.file.name, args.image)
            return stored.model_dump_json(indent=2) if args.json else tables.images_table([stored])
        case "delete":
            await client.delete_image(args.name)
            return None
        case _:
            found = await client.images()
            return (
                ImageList(items=found).model_dump_json(indent=2)
                if args.json
                else (tables.images_table(found))
            )


async def _presets(client: RecDeskClient, args: argparse.Namespace) -> str:
    found = await client.presets()
    if args.json:
        return PresetList(items=found).model_dump_json(indent=2)
    return tables.presets_table(found)


async def _storage(client: RecDeskClient, args: argparse.Namespace) -> str:
    found = await client.storage_profiles()
    if args.json:
        return StorageList(items=found).model_dump_json(indent=2)
    return tables.storage_table(found)


async def _events(client: RecDeskClient, args: argparse.Namespace) -> None:
    async with aclosing(client.events(args.since)) as stream:
        async for event in stream:
            print(event.model_dump_json() if args.json else tables.event_line(event), flush=True)


class _ProgressLine:
    """`name: 12.3 MB of 45.6 MB (27%)` on stderr, redrawn in place on a terminal."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.live = sys.stderr.isatty()
        self.drawn = 0.0
        self.text = ""

    def __call__(self, done: int, total: int | None) -> None:
        of = f" of {tables.size(total)} ({100 * done // total}%)" if total else ""
        self.text = f"{self.name}: {tables.size(done)}{of}"
        now = time.monotonic()
        if self.live and now - self.drawn >= 0.1:
            self.drawn = now
            print(f"\r{self.text}", end="", file=sys.stderr, flush=True)

    def finish(self) -> None:
        print(f"\r{self.text}" if self.live else self.text, file=sys.stderr, flush=True)


async def _download(client: RecDeskClient, args: argparse.Namespace) -> str:
    dest: Path = args.output or Path.cwd()
    if dest.is_dir():  # the file's own name, as `RecDeskClient.download` would choose
        meta = await client.file(args.file_id)
        dest = dest / (Path(meta.name).name or args.file_id)
    if dest.exists() and not args.force:
        raise UsageError(f"{dest} exists; pass --force to replace it, or choose another -o")
    line = _ProgressLine(args.file_id)
    path = await client.download(args.file_id, dest, progress=line)
    line.finish()
    if args.json:
        return json.dumps({"file_id": args.file_id, "path": str(path)})
    return str(path)


HANDLERS: dict[str, Handler] = {
    "health": _health,
    "rooms": _rooms,
    "room": _room,
    "record": _record,
    "layout": _layout,
    "files": _files,
    "images": _images,
    "presets": _presets,
    "storage": _storage,
    "events": _events,
    "download": _download,
}

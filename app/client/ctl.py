"""`recdesk-ctl`: drive a recording service from the command line.

```
recdesk-ctl [--url URL] [--app-id ID --secret SECRET | --token TOKEN] [--json] COMMAND
  health | rooms | room ID | files [--name] [--room] [--recording] | events [--since N]
  record start ROOM [options] | record stop|pause|resume|status ID | record list [--room] [--state]
  layout set ID FILE|TEMPLATE | download FILE_ID [-o PATH] [--force]
  images [list] | images upload FILE [--name NAME] | images delete NAME
```

The URL comes from `--url`, else `$RECDESK_URL`, else `http://127.0.0.1:8080`. A service beyond
loopback needs credentials: an AppID and its secret (`--app-id`, `--secret`, else
`$RECDESK_APP_ID`, `$RECDESK_SECRET`), with which every request is signed, or a token (`--token`,
else `$RECDESK_TOKEN`), sent as `Authorization: Bearer`. Flags win over the environment, and a
kind named by a flag puts the other kind's variables aside; prefer the variables for secrets,
which on the command line show in `ps`. Output is aligned plain text, or with `--json` (before or
after the command) the JSON of what the service answered: lists as one `{"items": [...]}` with
every page, events one object per line. Errors are one line on stderr; the exit status is 1 when
the service or the connection failed and 2 for a wrong command line, checked before anything is
sent. `download` never replaces a file that is there (exit 2, as `recdesk-record` without `-y`)
unless `--force` says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import Any, NoReturn, get_args

from app.api.models import (
    LAYOUT_TEMPLATES,
    FileList,
    ImageList,
    Mode,
    OutputFormat,
    RecordingCreate,
    RecordingList,
    RecordingState,
    RoomList,
    StreamType,
)
from app.client import tables
from app.client.client import DEFAULT_URL, RecDeskClient
from app.client.errors import ClientError, ServiceError
from app.client.signing import from_flags_or_environment

PROG = "recdesk-ctl"
_CREDENTIAL_FLAGS = ("--app-id", "--secret", "--token")


class UsageError(Exception):
    """The command line is wrong; the message says what to change."""


class _Parser(argparse.ArgumentParser):
    # One line instead of argparse's usage block, and no exit: `main` decides the status.
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value


def _event_id(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"not an event id (0 or more): {text!r}")
    return int(text)


def layout_argument(value: str) -> dict[str, Any] | str:
    """A template id as itself, or the JSON object in the layout file `value`."""
    if value in LAYOUT_TEMPLATES:
        return value
    path = Path(value)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(
            f"no layout template or file named {value!r} (templates: {', '.join(LAYOUT_TEMPLATES)})"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the layout file {value}: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"the layout file {value} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"the layout file {value} must hold a JSON object")
    return data


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; `--url` and `--json` are accepted before or after the command."""
    # SUPPRESS after the command word: the subparser then sets the option only when it is given,
    # and leaves the value parsed before the command alone.
    late = _Parser(add_help=False)
    late.add_argument("--url", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    late.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    for flag in _CREDENTIAL_FLAGS:
        late.add_argument(flag, default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    parser = _Parser(prog=PROG, description="Drive a RecDesk recording service.")
    parser.add_argument(
        "--url",
        default=os.environ.get("RECDESK_URL", DEFAULT_URL),
        help="the service's base URL (default: $RECDESK_URL or %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="print the service's JSON")
    parser.add_argument(
        "--app-id", metavar="ID", help="sign requests as this app ($RECDESK_APP_ID)"
    )
    parser.add_argument(
        "--secret", help="the app's secret ($RECDESK_SECRET, which stays out of `ps`)"
    )
    parser.add_argument(
        "--token", help="send this bearer token instead ($RECDESK_TOKEN, which stays out of `ps`)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(group: Any, name: str, text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(
            name, help=text, description=text, parents=[late]
        )
        return sub

    command(commands, "health", "the service's version, uptime, free space and room providers")
    command(commands, "rooms", "list the rooms")
    command(commands, "room", "show a room and its streams").add_argument("id", metavar="ID")

    record = command(commands, "record", "start, control and list recordings")
    actions = record.add_subparsers(dest="action", metavar="ACTION", required=True)
    start = command(actions, "start", "start recording a room")
    start.add_argument("room", metavar="ROOM")
    start.add_argument("--mode", choices=get_args(Mode))
    start.add_argument("--stream-type", choices=get_args(StreamType))
    start.add_argument(
        "--format",
        choices=get_args(OutputFormat),
        help="the container (default: the streams' codecs choose: WebM for VP8/VP9, else MP4)",
    )
    start.add_argument(
        "--reencode",
        action="store_true",
        default=None,
        help="re-encode an SFU's stream the format cannot hold, instead of refusing (42210)",
    )
    start.add_argument("--layout", metavar="FILE|TEMPLATE", help="mixed mode's layout")
    start.add_argument("--folder", help="folder under the service's data dir")
    start.add_argument("--name-rule", help="how the files are named")
    start.add_argument("--split", type=_seconds, metavar="SECONDS", help="a new file every ...")
    start.add_argument("--max-idle", type=_seconds, metavar="SECONDS")
    start.add_argument("--max-duration", type=_seconds, metavar="SECONDS")
    start.add_argument("--snapshot", type=_seconds, metavar="SECONDS", help="a JPEG every ...")
    start.add_argument("--include", nargs="+", action="extend", metavar="ID", default=[])
    start.add_argument("--exclude", nargs="+", action="extend", metavar="ID", default=[])
    start.add_argument("--user-data", metavar="TEXT")
    start.add_argument("--tag", nargs="+", action="extend", metavar="TAG", default=[])
    for name, text in [
        ("stop", "stop a recording and wait for its files"),
        ("pause", "pause a recording"),
        ("resume", "resume a paused recording"),
        ("status", "show a recording"),
    ]:
        command(actions, name, text).add_argument("id", metavar="ID")
    listing = command(actions, "list", "list recordings, newest first")
    listing.add_argument("--room", metavar="ROOM")
    listing.add_argument("--state", choices=get_args(RecordingState))

    layout = command(commands, "layout", "change a mixed recording's layout")
    layout_actions = layout.add_subparsers(dest="action", metavar="ACTION", required=True)
    layout_set = command(layout_actions, "set", "set the layout of a running mixed recording")
    layout_set.add_argument("id", metavar="ID")
    layout_set.add_argument("layout", metavar="FILE|TEMPLATE")

    files = command(commands, "files", "list recorded files")
    files.add_argument("--name", help="the file's name")
    files.add_argument("--room", metavar="ROOM")
    files.add_argument("--recording", metavar="ID")

    events = command(commands, "events", "follow the service's events until Ctrl-C")
    events.add_argument("--since", type=_event_id, metavar="N", help="start after event N")

    images = command(commands, "images", "the images layouts name: list, upload, delete")
    image_actions = images.add_subparsers(dest="action", metavar="ACTION")
    command(image_actions, "list", "list the images")
    upload = command(image_actions, "upload", "upload a PNG or JPEG (it replaces its name's)")
    upload.add_argument("file", type=Path, metavar="FILE")
    upload.add_argument("--name", help="its name in the images area (default: the file's)")
    command(image_actions, "delete", "delete an image").add_argument("name", metavar="NAME")

    download = command(commands, "download", "download a recorded file")
    download.add_argument("file_id", metavar="FILE_ID")
    download.add_argument("-o", "--output", type=Path, metavar="PATH", help="file or folder")
    download.add_argument(
        "-f", "--force", action="store_true", help="replace a file that is already there"
    )
    return parser


def recording_request(args: argparse.Namespace) -> RecordingCreate:
    """The `record start` options as a request, checked here; only the options given are sent."""
    given: dict[str, Any] = {
        "mode": args.mode,
        "stream_type": args.stream_type,
        "format": args.format,
        "reencode": args.reencode,
        "folder": args.folder,
        "name_rule": args.name_rule,
        "split_seconds": args.split,
        "max_idle_seconds": args.max_idle,
        "max_duration_seconds": args.max_duration,
        "snapshot_seconds": args.snapshot,
        "include": args.include,
        "exclude": args.exclude,
        "user_data": args.user_data,
        "tags": args.tag,
        "layout": layout_argument(args.layout) if args.layout is not None else None,
    }
    fields = {key: value for key, value in given.items() if value not in (None, [])}
    try:
        return RecordingCreate(room_id=args.room, **fields)
    except ValueError as exc:
        raise UsageError(_first_problem(exc)) from None


def _first_problem(exc: ValueError) -> str:
    # pydantic's ValidationError lists every problem over many lines; the first, on one, is enough.
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ()))
        return f"{where}: {first.get('msg', 'invalid')}"
    return " ".join(str(exc).split())


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
            recording = await client.start_recording(args.request)
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
    recording = await client.set_layout(args.id, args.layout_value)
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


_HANDLERS: dict[str, Handler] = {
    "health": _health,
    "rooms": _rooms,
    "room": _room,
    "record": _record,
    "layout": _layout,
    "files": _files,
    "images": _images,
    "events": _events,
    "download": _download,
}


async def _run(client: RecDeskClient, args: argparse.Namespace) -> int:
    try:
        async with client:
            text = await _HANDLERS[args.command](client, args)
    except ServiceError as exc:
        where = f"code {exc.number} {exc.name}" if exc.number is not None else f"HTTP {exc.status}"
        print(f"{PROG}: {exc.message} ({where})", file=sys.stderr)
        return 1
    except ClientError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return 1
    except UsageError as exc:  # found wrong only once the service answered
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    if text is not None:
        print(text)
    return 0


def _prepare(argv: Sequence[str] | None) -> tuple[RecDeskClient, argparse.Namespace]:
    args = build_parser().parse_args(argv)
    if args.command == "record" and args.action == "start":
        args.request = recording_request(args)
    if args.command == "layout":
        args.layout_value = layout_argument(args.layout)
    if args.command == "images" and args.action == "upload":
        try:
            args.image = args.file.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    try:
        app_id, secret, token = from_flags_or_environment(
            args.app_id, args.secret, args.token, os.environ
        )
        client = RecDeskClient(args.url, app_id=app_id, secret=secret, token=token)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return client, args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `recdesk-ctl`; returns the exit status."""
    try:
        client, args = _prepare(argv)
    except UsageError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    try:
        return asyncio.run(_run(client, args))
    except KeyboardInterrupt:
        # Ctrl-C is how `events` ends; anywhere else it cut a command short.
        return 0 if args.command == "events" else 130
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0

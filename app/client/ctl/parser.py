"""`recdesk-ctl`'s command line: every command, flag and value check, before anything is sent."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, NoReturn, get_args

from app.api.models import Mode, OutputFormat, RecordingState, StreamType
from app.client.client import DEFAULT_URL
from app.client.ctl.completion import (
    SHELLS,
    layouts,
    preset_names,
    recording_ids,
    room_ids,
    storage_names,
)
from app.version import version_line

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
    parser.add_argument("--version", action="version", version=version_line(PROG))
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
    room = command(commands, "room", "show a room and its streams")
    _complete(room.add_argument("id", metavar="ID"), room_ids)

    record = command(commands, "record", "start, control and list recordings")
    actions = record.add_subparsers(dest="action", metavar="ACTION", required=True)
    start = command(actions, "start", "start recording a room")
    room_argument = start.add_argument(
        "room", metavar="ROOM", nargs="?", help="the room (else the --request file's room_id)"
    )
    _complete(room_argument, room_ids)
    _request_flag(start, "RecordingCreate, as POST /v1/recordings takes it")
    _complete(
        start.add_argument(
            "--preset",
            metavar="NAME",
            help="a preset of the service's config; the other flags override its fields",
        ),
        preset_names,
    )
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
    _complete(
        start.add_argument("--layout", metavar="FILE|TEMPLATE", help="mixed mode's layout"),
        layouts,
    )
    start.add_argument("--folder", help="folder under the service's data dir")
    start.add_argument("--name-rule", help="how the files are named")
    start.add_argument("--split", type=_seconds, metavar="SECONDS", help="a new file every ...")
    start.add_argument("--max-idle", type=_seconds, metavar="SECONDS")
    start.add_argument("--max-duration", type=_seconds, metavar="SECONDS")
    start.add_argument("--snapshot", type=_seconds, metavar="SECONDS", help="a JPEG every ...")
    start.add_argument("--include", nargs="+", action="extend", metavar="ID", default=[])
    start.add_argument("--exclude", nargs="+", action="extend", metavar="ID", default=[])
    _complete(
        start.add_argument(
            "--storage",
            metavar="PROFILE",
            help="upload the files to this storage profile of the service's config "
            "(a whole storage, keys included, goes in the --request file)",
        ),
        storage_names,
    )
    start.add_argument(
        "--callback-url", metavar="URL", help="POST this recording's events here too"
    )
    start.add_argument("--user-data", metavar="TEXT")
    start.add_argument("--tag", nargs="+", action="extend", metavar="TAG", default=[])
    for name, text in [
        ("stop", "stop a recording and wait for its files"),
        ("pause", "pause a recording"),
        ("resume", "resume a paused recording"),
        ("status", "show a recording"),
    ]:
        _complete(command(actions, name, text).add_argument("id", metavar="ID"), recording_ids)
    listing = command(actions, "list", "list recordings, newest first")
    _complete(listing.add_argument("--room", metavar="ROOM"), room_ids)
    listing.add_argument("--state", choices=get_args(RecordingState))

    layout = command(commands, "layout", "change a mixed recording's layout")
    layout_actions = layout.add_subparsers(dest="action", metavar="ACTION", required=True)
    layout_set = command(layout_actions, "set", "set the layout of a running mixed recording")
    _complete(layout_set.add_argument("id", metavar="ID"), recording_ids)
    layout_argument = layout_set.add_argument(
        "layout", metavar="FILE|TEMPLATE", nargs="?", help="else the --request file's layout"
    )
    _complete(layout_argument, layouts)
    _request_flag(layout_set, 'LayoutUpdate, {"layout": ...}, as PUT .../layout takes it')

    files = command(commands, "files", "list recorded files")
    files.add_argument("--name", help="the file's name")
    _complete(files.add_argument("--room", metavar="ROOM"), room_ids)
    _complete(files.add_argument("--recording", metavar="ID"), recording_ids)

    events = command(commands, "events", "follow the service's events until Ctrl-C")
    events.add_argument("--since", type=_event_id, metavar="N", help="start after event N")

    images = command(commands, "images", "the images layouts name: list, upload, delete")
    image_actions = images.add_subparsers(dest="action", metavar="ACTION")
    command(image_actions, "list", "list the images")
    upload = command(image_actions, "upload", "upload a PNG or JPEG (it replaces its name's)")
    upload.add_argument("file", type=Path, metavar="FILE")
    upload.add_argument("--name", help="its name in the images area (default: the file's)")
    command(image_actions, "delete", "delete an image").add_argument("name", metavar="NAME")

    command(commands, "presets", "list the presets of the service's config (record --preset)")
    command(commands, "storage", "list the storage profiles of the service's config (--storage)")

    download = command(commands, "download", "download a recorded file")
    download.add_argument("file_id", metavar="FILE_ID")
    download.add_argument("-o", "--output", type=Path, metavar="PATH", help="file or folder")
    download.add_argument(
        "-f", "--force", action="store_true", help="replace a file that is already there"
    )

    completion = command(commands, "completion", "print the shell completion script")
    completion.add_argument("shell", choices=SHELLS, help="the shell that loads it")
    return parser


def _request_flag(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--request",
        dest="request_file",
        metavar="FILE",
        help=f"the request's JSON from FILE (- reads stdin): a {what}; flags override its fields",
    )


def _complete(action: argparse.Action, completer: Any) -> None:
    # argcomplete reads this attribute; argparse ignores it.
    action.completer = completer  # type: ignore[attr-defined]

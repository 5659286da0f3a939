"""`recdesk-ctl --request FILE`: the HTTP API's JSON from a file or stdin, flags over its fields.

The real command (the installed `recdesk-ctl` script) against the real service: the recording it
starts has the file's fields where no flag replaced them, and its file decodes to its end. A bad
file is one line on stderr and exit status 2, with nothing sent (a loopback server counts).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.app.client.loopback import Loopback, Request, error_response
from tests.helpers.media import decodes
from tests.helpers.service import ServiceProcess

CTL = str(Path(sys.executable).with_name("recdesk-ctl"))


def ctl(url: str, *words: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed `recdesk-ctl` against the service at `url`."""
    return subprocess.run(
        [CTL, "--url", url, *words],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("RECDESK_")},
    )


def recorded(service: ServiceProcess, recording_id: str) -> list[Path]:
    """The files of a stopped recording, each checked to decode to its end."""
    answer = ctl(service.url, "--json", "files", "--recording", recording_id)
    assert answer.returncode == 0, answer.stderr
    # A file's path is relative to the service's data folder.
    paths = [service.data_dir / f["path"] for f in json.loads(answer.stdout)["items"]]
    assert paths
    for path in paths:
        assert decodes(path), path
    return paths


def test_a_recording_from_a_file_with_flags_over_its_fields(
    service: ServiceProcess, tmp_path: Path
) -> None:
    request = tmp_path / "podcast.json"
    request.write_text(
        json.dumps(
            {
                "room_id": "podcast",
                "mode": "mixed",
                "stream_type": "audio",
                "format": "ogg",
                "user_data": "from the file",
                "tags": ["file", "kept?"],
            },
            indent=2,
        )
    )
    started = ctl(
        service.url, "--json", "record", "start", "--request", str(request), "--tag", "flag"
    )
    assert started.returncode == 0, started.stderr
    recording = json.loads(started.stdout)
    assert recording["room_id"] == "podcast"
    assert (recording["mode"], recording["stream_type"]) == ("mixed", "audio")
    assert recording["user_data"] == "from the file"
    assert recording["tags"] == ["flag"]  # a list flag replaces the file's whole list
    stopped = ctl(service.url, "record", "stop", recording["id"])
    assert stopped.returncode == 0, stopped.stderr
    assert [p.suffix for p in recorded(service, recording["id"])] == [".ogg"]


def test_a_request_on_stdin_and_a_room_on_the_command_line(service: ServiceProcess) -> None:
    body = {"room_id": "no-such-room", "stream_type": "audio", "format": "m4a", "tags": ["stdin"]}
    started = ctl(
        service.url, "record", "start", "podcast", "--request", "-", "--json",
        stdin=json.dumps(body),
    )  # fmt: skip
    assert started.returncode == 0, started.stderr
    recording = json.loads(started.stdout)
    assert (recording["room_id"], recording["format"]) == ("podcast", "m4a")
    assert recording["tags"] == ["stdin"]
    assert ctl(service.url, "record", "stop", recording["id"]).returncode == 0
    assert all(p.suffix == ".m4a" for p in recorded(service, recording["id"]))


def test_a_layout_change_from_a_file(service: ServiceProcess, tmp_path: Path) -> None:
    started = ctl(
        service.url, "--json", "record", "start", "call", "--mode", "mixed", "--layout", "grid"
    )
    assert started.returncode == 0, started.stderr
    recording_id = json.loads(started.stdout)["id"]
    change = tmp_path / "change.json"
    change.write_text(json.dumps({"layout": "speaker"}))
    try:
        changed = ctl(
            service.url, "--json", "layout", "set", recording_id, "--request", str(change)
        )
        assert changed.returncode == 0, changed.stderr
        assert json.loads(changed.stdout)["layout"]["template"] == "speaker"
        # The command line's layout wins over the file's.
        again = ctl(
            service.url, "--json", "layout", "set", recording_id, "vertical",
            "--request", str(change),
        )  # fmt: skip
        assert again.returncode == 0, again.stderr
        assert json.loads(again.stdout)["layout"]["template"] == "vertical"
    finally:
        assert ctl(service.url, "record", "stop", recording_id).returncode == 0
    assert recorded(service, recording_id)


@pytest.fixture
def nothing_sent() -> Iterator[Loopback]:
    """A loopback server that answers every request with a 500: a bad request file sends none."""

    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(500, 50001, "internal", "should not be asked"))

    with Loopback(handler) as server:
        yield server
    assert server.requests == []


BAD_FILES = [
    ("missing", None, "no request file named '{path}'"),
    (
        "broken",
        '{\n  "room_id": "call",\n  "mode": mixed\n}',
        "the request file {path} is not JSON: Expecting value at line 3, column 11",
    ),
    ("a list", '["call"]', "the request file {path} must hold a JSON object, not an array"),
    (
        "a wrong type",
        '{"room_id": "call", "split_seconds": "soon"}',
        "the request file {path}: split_seconds: Input should be a valid number",
    ),
    (
        "an unknown field",
        '{"room_id": "call", "colour": "red"}',
        "the request file {path}: colour: Extra inputs are not permitted",
    ),
    ("no room", '{"mode": "mixed"}', "give a ROOM, or a room_id in the --request file"),
]


@pytest.mark.parametrize(
    ("text", "message"), [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_a_bad_request_file_is_one_line_and_exit_2(
    nothing_sent: Loopback, tmp_path: Path, text: str | None, message: str
) -> None:
    path = tmp_path / "request.json"
    if text is not None:
        path.write_text(text)
    answer = ctl(nothing_sent.url, "record", "start", "--request", str(path))
    assert answer.returncode == 2
    assert answer.stdout == ""
    assert answer.stderr.startswith(f"recdesk-ctl: {message.format(path=path)}")
    assert answer.stderr.count("\n") == 1


def test_a_flag_replaces_the_file_field_it_names(tmp_path: Path) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(404, 40401, "room_not_found", "no room has the id 'call'"))

    path = tmp_path / "request.json"
    path.write_text('{"room_id": "call", "split_seconds": "soon", "folder": "kept"}')
    with Loopback(handler) as server:
        answer = ctl(server.url, "record", "start", "--request", str(path), "--split", "600")
    assert answer.returncode == 1
    assert answer.stderr == "recdesk-ctl: no room has the id 'call' (code 40401 room_not_found)\n"
    [sent] = server.requests
    assert json.loads(sent.body) == {"room_id": "call", "split_seconds": 600.0, "folder": "kept"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"layout": 3}', "the request on standard input: layout: a template id or a layout "
         "object, not a number"),
        ("{}", "the request on standard input: layout: Field required"),
    ],
)  # fmt: skip
def test_a_bad_layout_request_on_stdin(nothing_sent: Loopback, text: str, message: str) -> None:
    answer = ctl(nothing_sent.url, "layout", "set", "rec1", "--request", "-", stdin=text)
    assert answer.returncode == 2
    assert answer.stderr.startswith(f"recdesk-ctl: {message}")
    assert answer.stderr.count("\n") == 1

"""`recdesk-ctl` on a wrong command line: exit 2 and one line saying what to change, nothing sent.

And on a right one: the options land where they should, and a service or connection failure
exits 1 with one line.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from app.client.ctl import build_parser, layout_argument, main, recording_request
from tests.app.client.loopback import Loopback, Request, error_response
from tests.helpers.rtmp import free_port


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RECDESK_URL", "RECDESK_APP_ID", "RECDESK_SECRET"):
        monkeypatch.delenv(name, raising=False)


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the command line, check it is refused as a usage error; the line it printed."""
    assert main(list(argv)) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("recdesk-ctl: ")
    assert err.count("\n") == 1
    return err


def test_a_command_is_needed(capsys: pytest.CaptureFixture[str]) -> None:
    assert "COMMAND" in usage_error(capsys)


def test_an_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert "invalid choice: 'fly'" in usage_error(capsys, "fly")


def test_record_start_needs_a_room(capsys: pytest.CaptureFixture[str]) -> None:
    err = usage_error(capsys, "record", "start")
    assert "ROOM" in err
    assert "recdesk-ctl record start --help" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["record", "start", "r1", "--mode", "solo"], "argument --mode: invalid choice"),
        (["record", "start", "r1", "--split", "0"], "must be more than 0 seconds"),
        (["record", "start", "r1", "--max-idle", "soon"], "not a number of seconds: 'soon'"),
        (["record", "start", "r1", "--format", "avi"], "argument --format: invalid choice"),
        (["record", "list", "--state", "asleep"], "argument --state: invalid choice"),
        (["record", "stop"], "ID"),
        (["events", "--since", "-1"], "argument --since"),
        (["--url", "ftp://example.org", "health"], "not an http(s) URL: 'ftp://example.org'"),
        (["--url", "localhost:8080", "rooms"], "not an http(s) URL"),
        (["layout", "set", "rec1"], "FILE|TEMPLATE"),
    ],
)
def test_wrong_values(capsys: pytest.CaptureFixture[str], argv: list[str], words: str) -> None:
    assert words in usage_error(capsys, *argv)


def test_a_missing_layout_file_names_the_templates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = str(tmp_path / "nope.json")
    err = usage_error(capsys, "record", "start", "r1", "--layout", missing)
    assert f"no layout template or file named '{missing}'" in err
    assert "grid, floating, vertical, horizontal, speaker, screen_share, custom" in err


def test_a_layout_file_must_hold_a_json_object(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert "is not JSON" in usage_error(capsys, "layout", "set", "rec1", str(broken))
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    assert "must hold a JSON object" in usage_error(capsys, "layout", "set", "rec1", str(listed))


def test_a_layout_is_a_template_id_or_the_object_in_a_file(tmp_path: Path) -> None:
    assert layout_argument("speaker") == "speaker"
    path = tmp_path / "two.json"
    path.write_text(json.dumps({"template": "custom", "regions": []}))
    assert layout_argument(str(path)) == {"template": "custom", "regions": []}


def test_json_and_url_go_before_or_after_the_command() -> None:
    parser = build_parser()
    assert parser.parse_args(["--json", "rooms"]).json
    assert parser.parse_args(["rooms", "--json"]).json
    assert parser.parse_args(["record", "list", "--json"]).json
    assert not parser.parse_args(["rooms"]).json
    assert parser.parse_args(["rooms"]).url == "http://127.0.0.1:8080"
    assert parser.parse_args(["rooms", "--url", "http://h:1"]).url == "http://h:1"
    assert parser.parse_args(["--url", "http://h:1", "rooms"]).url == "http://h:1"


def test_the_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RECDESK_URL", "http://recorder:9000")
    assert build_parser().parse_args(["health"]).url == "http://recorder:9000"


def test_record_start_sends_only_the_options_given(tmp_path: Path) -> None:
    args = build_parser().parse_args(
        [
            *("record", "start", "room1", "--mode", "mixed", "--layout", "grid"),
            *("--include", "s1", "s2", "--include", "s3", "--tag", "x", "--split", "600"),
        ]
    )
    request = recording_request(args)
    assert request.model_dump(mode="json", exclude_unset=True) == {
        "room_id": "room1",
        "mode": "mixed",
        "layout": "grid",
        "include": ["s1", "s2", "s3"],
        "tags": ["x"],
        "split_seconds": 600.0,
    }


def test_nothing_is_sent_when_the_command_line_is_wrong(capsys: pytest.CaptureFixture[str]) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(500, 50001, "internal", "should not be asked"))

    with Loopback(handler) as server:
        usage_error(capsys, "--url", server.url, "record", "start", "r1", "--layout", "nope")
    assert server.requests == []


def test_a_service_error_is_one_line_with_its_code(capsys: pytest.CaptureFixture[str]) -> None:
    async def handler(request: Request, n: int, writer: asyncio.StreamWriter) -> None:
        writer.write(error_response(404, 40401, "room_not_found", "no room has the id 'nope'"))

    with Loopback(handler) as server:
        assert main(["--url", server.url, "room", "nope"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "recdesk-ctl: no room has the id 'nope' (code 40401 room_not_found)\n"


def test_an_unreachable_service_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert main(["--url", url, "health"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"recdesk-ctl: cannot connect to the service at {url}: ")
    assert err.count("\n") == 1


def test_help_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["record", "start", "--help"]) == 0
    assert "--stream-type" in capsys.readouterr().out

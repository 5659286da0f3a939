"""`recdesk-ctl download` never replaces a file that is there unless `--force` says so, against a
real server on loopback that serves one file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.client.ctl import main
from tests.app.client.test_download import DATA, META, downloads, serve_file


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RECDESK_URL", "RECDESK_APP_ID", "RECDESK_SECRET", "RECDESK_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("into_folder", [False, True], ids=["-o FILE", "-o FOLDER"])
def test_an_existing_file_is_refused_and_force_replaces_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], into_folder: bool
) -> None:
    there = tmp_path / META["name"]
    there.write_bytes(b"kept")
    output = tmp_path if into_folder else there
    with serve_file() as server:
        assert main(["--url", server.url, "download", "f1", "-o", str(output)]) == 2
        out, err = capsys.readouterr()
        assert out == ""
        assert err == (
            f"recdesk-ctl: {there} exists; pass --force to replace it, or choose another -o\n"
        )
        assert there.read_bytes() == b"kept"
        assert downloads(server) == []  # not a byte asked for
        assert list(tmp_path.iterdir()) == [there]  # no partial file left either

        assert main(["--url", server.url, "download", "f1", "-o", str(output), "--force"]) == 0
    assert capsys.readouterr().out == f"{there}\n"
    assert there.read_bytes() == DATA


def test_a_new_file_needs_no_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with serve_file() as server:
        assert main(["--url", server.url, "download", "f1", "-o", str(tmp_path)]) == 0
    assert (tmp_path / META["name"]).read_bytes() == DATA

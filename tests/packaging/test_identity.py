"""The app's identity on a desktop: its icon at every size, and its .desktop entry."""

from __future__ import annotations

import configparser
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
DESKTOP_FILE = ROOT / "packaging" / "linux" / "recdesk.desktop"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (its signature checked)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    assert head[12:16] == b"IHDR"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


@pytest.mark.parametrize("size", SIZES)
def test_icon_is_a_square_png_of_its_size(size: int):
    assert png_size(ICONS / f"recdesk-{size}.png") == (size, size)


def test_icon_source_is_a_square_svg():
    svg = ET.parse(ICONS / "recdesk.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 256 256"


def test_desktop_entry_validates():
    validator = shutil.which("desktop-file-validate")
    assert validator, "desktop-file-validate is missing: `make deps` installs desktop-file-utils"
    answer = subprocess.run(
        [validator, str(DESKTOP_FILE)], capture_output=True, text=True, check=False
    )
    assert answer.returncode == 0, answer.stdout + answer.stderr
    assert answer.stdout.strip() == ""  # not even a hint


def test_desktop_entry_starts_the_app_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    entry.read(DESKTOP_FILE, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == "recdesk"
    assert section["Icon"] == "recdesk"
    assert section["Terminal"] == "false"
    assert "Name[zh_CN]" in section or "GenericName[zh_CN]" in section

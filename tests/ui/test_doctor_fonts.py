"""The start-up check (`python -m ui.doctor`) finds that no font can draw Chinese and names the
package, using a real fontconfig set-up: one whose only font folder is empty, and the system's
(with fonts-noto-cjk, which `make deps` installs)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from ui.doctor import CJK_FONT_PACKAGE


def run_doctor(tmp_path: Path, language: str, **env: str) -> str:
    """What `python -m ui.doctor` prints offscreen (the platform check is not what is tested
    here), on a PATH with fontconfig's `fc-list` and no `apt-get`: it can say what to install,
    not install it."""
    tools = tmp_path / "bin"
    tools.mkdir(exist_ok=True)
    fc_list = shutil.which("fc-list")
    assert fc_list is not None, "fontconfig is a dependency of the tests (make deps)"
    if not (tools / "fc-list").exists():
        (tools / "fc-list").symlink_to(fc_list)
    done = subprocess.run(
        [sys.executable, "-m", "ui.doctor"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=Path(__file__).parents[2],
        env=dict(
            os.environ,
            PATH=str(tools),
            RECDESK_LANGUAGE=language,
            QT_QPA_PLATFORM="offscreen",
            **env,
        ),
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def empty_fontconfig(folder: Path) -> Path:
    """A fontconfig file whose one font folder holds no font."""
    (folder / "fonts").mkdir()
    config = folder / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{folder / 'fonts'}</dir>\n  <cachedir>{folder / 'cache'}</cachedir>\n"
        "</fontconfig>\n"
    )
    return config


def test_no_cjk_font_names_the_package(tmp_path: Path) -> None:
    config = str(empty_fontconfig(tmp_path))
    said = run_doctor(tmp_path, "zh_CN", FONTCONFIG_FILE=config)
    assert "no font has Chinese characters" in said
    assert f"apt-get install -y {CJK_FONT_PACKAGE}" in said
    # In English the missing font does not matter: nothing is said.
    assert run_doctor(tmp_path, "en", FONTCONFIG_FILE=config) == ""


def test_an_installed_cjk_font_is_found(tmp_path: Path) -> None:
    assert run_doctor(tmp_path, "zh_CN") == ""

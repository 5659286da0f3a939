"""The compiled translations for the desktop tests: `make qm` builds them; a test run started
without make compiles the `.ts` files that changed since (pyside6-lrelease, a fraction of a
second), so a test never reads a stale translation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ui.common.language import TRANSLATIONS

SOURCES = Path(__file__).parents[2] / "resources" / "translations"


def build_translations() -> None:
    """Compile every `resources/translations/*.ts` whose `.qm` is missing or older."""
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    TRANSLATIONS.mkdir(exist_ok=True)
    for source in sorted(SOURCES.glob("*.ts")):
        target = TRANSLATIONS / source.with_suffix(".qm").name
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        subprocess.run(
            [str(lrelease), "-silent", str(source), "-qm", str(target)], check=True, timeout=120
        )

"""The core runs without Qt: every `app` module imports while PySide6 and qasync cannot."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_every_app_module_imports_without_qt() -> None:
    script = textwrap.dedent(
        """
        import importlib, pkgutil, sys

        class NoQt:
            def find_spec(self, name, path=None, target=None):
                if name.split(".")[0] in ("PySide6", "qasync", "ui"):
                    raise ImportError(f"{name} is off limits to app/")

        sys.meta_path.insert(0, NoQt())
        import app
        for module in pkgutil.walk_packages(app.__path__, "app."):
            importlib.import_module(module.name)
        print("ok")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"

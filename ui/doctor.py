"""`python -m ui.doctor`: can Qt open a window here? If not, which system package is missing.

Qt aborts the whole process when its platform plugin cannot load, so the check runs Qt in a child
process and reads what it printed. On Linux the usual cause is a missing XCB library
(`libxcb-cursor0` since Qt 6.5); the package to install is named, and installed with apt-get
when the user can (root), like `make deps` does.

When the app's language is Chinese (`ui.common.language`), the check also asks fontconfig
(`fc-list :lang=zh`) for a font with Chinese characters; without one Qt draws every character as
a box. The package to install (`fonts-noto-cjk`) is named, or installed when root; the app starts
either way.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

# Library file → Debian package, for the libraries Qt's xcb plugin loads that are often missing.
QT_LIBRARY_PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}
_PROBE = "from PySide6.QtWidgets import QApplication; QApplication([]).processEvents()"
CJK_FONT_PACKAGE = "fonts-noto-cjk"


def missing_packages(output: str) -> list[str]:
    """Packages named by the libraries Qt could not load, from its output."""
    found = []
    failures = [
        line
        for line in output.splitlines()
        if "cannot open shared object" in line or "No such file" in line
    ]
    for library, package in QT_LIBRARY_PACKAGES.items():
        if any(library in line for line in failures) and package not in found:
            found.append(package)
    if not found and "xcb" in output and "could not load" in output.lower():
        found.append("libxcb-cursor0")
    return found


def has_cjk_font() -> bool | None:
    """Whether fontconfig knows a font for Chinese; None where there is no `fc-list` to ask."""
    if not shutil.which("fc-list"):
        return None
    listed = subprocess.run(
        ["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=60, check=False
    )
    return bool(listed.stdout.strip())


def check_fonts() -> None:
    """In Chinese, make sure a CJK font is installed: say which package, or install it (root)."""
    from PySide6.QtCore import QSettings  # QtCore only: it loads where the GUI libraries do not

    from ui.common.language import chosen_language, resolve

    if resolve(chosen_language(QSettings("RecDesk", "RecDesk"))) != "zh_CN":
        return
    if has_cjk_font() is not False:
        return
    command = f"apt-get install -y {CJK_FONT_PACKAGE}"
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"recdesk: no font has Chinese characters; installing {CJK_FONT_PACKAGE}")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        subprocess.run(
            command.split(), check=False, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        )
        return
    print("recdesk: no font has Chinese characters: the app's Chinese text would show as boxes.")
    print(f"  install one with: sudo {command}")


def check() -> int:
    """0 when Qt opens its platform; else print what to install (or install it) and return 1."""
    if sys.platform == "linux":
        check_fonts()
    if sys.platform != "linux" or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return 0
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        print("recdesk: no display (DISPLAY is not set); run it in a desktop session, or under")
        print("  xvfb-run make run")
        return 1
    probe = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ, QT_DEBUG_PLUGINS="1"),
        check=False,
    )
    if probe.returncode == 0:
        return 0
    output = probe.stdout + probe.stderr
    packages = missing_packages(output)
    if packages:
        # Qt names the first library it misses; the others it would miss next are found at once.
        others = QT_LIBRARY_PACKAGES.values()
        packages += [p for p in others if p not in packages and not _installed(p)]
    if not packages:
        lines = [line for line in output.splitlines() if re.search(r"qt\.qpa|error", line, re.I)]
        print("recdesk: Qt cannot open a window here:")
        print("\n".join("  " + line for line in lines[-5:]) or "  (no message)")
        return 1
    command = "apt-get install -y " + " ".join(packages)
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"recdesk: Qt needs {', '.join(packages)}; installing it")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        installed = subprocess.run(command.split(), check=False).returncode == 0
        return 0 if installed else 1
    print(f"recdesk: Qt cannot open a window: it needs {', '.join(packages)}.")
    print(f"  install it with: sudo {command}")
    return 1


def _installed(package: str) -> bool:
    if not shutil.which("dpkg-query"):
        return True
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True, check=False
    )
    return "install ok installed" in status.stdout


if __name__ == "__main__":
    sys.exit(check())

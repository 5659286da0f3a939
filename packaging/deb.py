"""Wrap the built bundle into a Debian package: `python packaging/deb.py` (`make bundle` runs it).

```
dist/recdesk_VERSION_ARCH.deb
  /opt/recdesk/                          the bundle (dist/RecDesk), licences in licenses/
  /usr/bin/recdesk -> /opt/recdesk/recdesk
  /usr/share/applications/recdesk.desktop
  /usr/share/icons/hicolor/SIZExSIZE/apps/recdesk.png, scalable/apps/recdesk.svg
  /usr/share/doc/recdesk/copyright
```

The version is what the bundle itself answers to `--version`, the architecture dpkg's own. The
package depends on the system libraries Qt's X11 platform loads but the bundle does not carry
(the list `ui.doctor` checks for), so installing it with apt brings them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The one list of the libraries Qt's X11 platform loads and their packages, which the start-up
# check also uses (imported after the repository root is put on the path).
from ui.doctor import QT_LIBRARY_PACKAGES  # noqa: E402

NAME = "recdesk"
BUNDLE = ROOT / "dist" / "RecDesk"
ICONS = ROOT / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# soundcard loads libpulse for system sound and microphones (PipeWire's Pulse server included);
# everything else works without it.
RECOMMENDS = ("libpulse0",)
MAINTAINER = "RecDesk maintainers <recdesk@users.noreply.github.com>"
DESCRIPTION = """\
Record audio/video rooms: desktop app and recording service
 RecDesk records real-time audio/video rooms: each participant's streams or
 one mixed picture with their sound, paused, resumed and split into parts,
 locally or on a recording service. The desktop app starts its own service
 with demo rooms, or connects to a remote one; it can also record a call on
 this computer (a window or the screen, the microphone and the speakers)."""


def version(executable: Path) -> str:
    """What the bundle says it is: `recdesk 0.1.0` gives `0.1.0`."""
    answer = subprocess.run(
        [str(executable), "--version"], capture_output=True, text=True, check=True, timeout=60
    )
    return answer.stdout.split()[-1]


def build(out: Path) -> Path:
    """Lay the package out under build/deb and build it with dpkg-deb into `out`."""
    if not (BUNDLE / NAME).is_file():
        raise SystemExit(f"no bundle at {BUNDLE}: run `make bundle`")
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    ver = version(BUNDLE / NAME)
    tree = ROOT / "build" / "deb" / f"{NAME}_{ver}_{arch}"
    shutil.rmtree(tree, ignore_errors=True)
    shutil.copytree(BUNDLE, tree / "opt" / NAME, symlinks=True)
    (tree / "usr" / "bin").mkdir(parents=True)
    (tree / "usr" / "bin" / NAME).symlink_to(f"/opt/{NAME}/{NAME}")
    _install(ROOT / "packaging" / "linux" / f"{NAME}.desktop", tree / "usr/share/applications")
    hicolor = tree / "usr" / "share" / "icons" / "hicolor"
    for size in SIZES:
        _install(ICONS / f"{NAME}-{size}.png", hicolor / f"{size}x{size}" / "apps", f"{NAME}.png")
    _install(ICONS / f"{NAME}.svg", hicolor / "scalable" / "apps")
    doc = tree / "usr" / "share" / "doc" / NAME
    _install(ROOT / "LICENSE", doc, "copyright")
    with (doc / "copyright").open("a") as copyright_file:
        copyright_file.write(
            f"\nThe libraries inside /opt/{NAME} come with their own licences: see\n"
            f"/opt/{NAME}/licenses/THIRD-PARTY.md and the files beside it.\n"
        )
    installed_kib = sum(p.lstat().st_size for p in tree.rglob("*") if not p.is_dir()) // 1024
    depends = ", ".join(sorted(set(QT_LIBRARY_PACKAGES.values())))
    control = tree / "DEBIAN" / "control"
    control.parent.mkdir()
    control.write_text(
        f"Package: {NAME}\nVersion: {ver}\nArchitecture: {arch}\nMaintainer: {MAINTAINER}\n"
        f"Installed-Size: {installed_kib}\nDepends: {depends}\n"
        f"Recommends: {', '.join(RECOMMENDS)}\nSection: video\nPriority: optional\n"
        f"Description: {DESCRIPTION}\n"
    )
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"{NAME}_{ver}_{arch}.deb"
    # gzip: every dpkg reads it, and it packs the bundle in seconds where xz takes minutes.
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", "-Zgzip", "-z6", "--build", str(tree), str(deb)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(tree)  # a second copy of the bundle, no longer needed
    return deb


def _install(source: Path, folder: Path, name: str | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (name or source.name)
    shutil.copyfile(source, target)
    target.chmod(0o644)


if __name__ == "__main__":
    print(build(ROOT / "dist"))

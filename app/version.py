"""RecDesk's version, for `--version` and the service's answers.

It comes from the installed distribution's metadata; a bundle carries that metadata too
(`packaging/recdesk.spec`). A source tree that was never installed says so rather than guessing.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "recdesk"


def recdesk_version() -> str:
    """The installed version, e.g. `0.1.0`."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "0+unknown"


def version_line(program: str) -> str:
    """What `PROGRAM --version` prints."""
    return f"{program} {recdesk_version()}"

"""Shell completion for `recdesk-ctl`: the scripts each shell loads, and the values it offers.

argcomplete does the work: the script a shell loads (`recdesk-ctl completion bash|zsh|fish`)
runs `recdesk-ctl` itself on Tab, and the program answers from its own parser, so commands,
flags and choices never drift from what the command line accepts. Room and recording ids, and the
names of the config's presets and storage profiles, are asked of the service named by
`--url`/`$RECDESK_URL`, with the same credentials as a command; a service that does not answer
within a second offers nothing rather than holding the prompt.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from argcomplete.completers import SuppressCompleter
from argcomplete.finders import CompletionFinder
from argcomplete.io import debug
from argcomplete.shell_integration import shellcode

from app.api.models import LAYOUT_TEMPLATES
from app.client.client import RecDeskClient
from app.client.policy import RetryPolicy
from app.client.signing import from_flags_or_environment

SHELLS = ("bash", "zsh", "fish")
_WAIT = 1.0  # seconds a Tab may wait for the service's ids


def script(shell: str, program: str) -> str:
    """The completion script that `shell` loads to complete `program`."""
    # zsh reads argcomplete's bash script, which detects zsh and registers itself with compdef.
    return shellcode([program], shell="bash" if shell == "zsh" else shell)


def autocomplete(parser: argparse.ArgumentParser) -> None:
    """Answer a shell's completion request and exit, when this run is one; else do nothing."""
    # Files are offered only where a completer says so (`layouts`), not after every word.
    CompletionFinder()(parser, default_completer=SuppressCompleter())


def layouts(prefix: str, **_: Any) -> list[str]:
    """A layout's template ids, and the JSON files (and folders on the way) that could hold one."""
    folder = os.path.dirname(prefix)
    try:
        entries = list(Path(folder or ".").iterdir())
    except OSError:
        entries = []
    files = [
        os.path.join(folder, entry.name) + ("/" if entry.is_dir() else "")
        for entry in entries
        if entry.name.startswith(os.path.basename(prefix))
        and (entry.is_dir() or entry.suffix == ".json")
    ]
    return [t for t in LAYOUT_TEMPLATES if t.startswith(prefix)] + sorted(files)


def room_ids(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The ids of the service's rooms."""

    async def ask(client: RecDeskClient) -> list[str]:
        return [room.room_id for room in await client.all_rooms()]

    return _from_service(parsed_args, ask, prefix)


def recording_ids(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The ids of the service's recordings, newest first."""

    async def ask(client: RecDeskClient) -> list[str]:
        return [recording.id for recording in await client.all_recordings()]

    return _from_service(parsed_args, ask, prefix)


def preset_names(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The names of the presets of the service's config."""

    async def ask(client: RecDeskClient) -> list[str]:
        return [preset.name for preset in await client.presets()]

    return _from_service(parsed_args, ask, prefix)


def storage_names(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The names of the storage profiles of the service's config."""

    async def ask(client: RecDeskClient) -> list[str]:
        return [info.profile for info in await client.storage_profiles() if info.profile]

    return _from_service(parsed_args, ask, prefix)


def _from_service(
    args: argparse.Namespace,
    ask: Callable[[RecDeskClient], Awaitable[list[str]]],
    prefix: str,
) -> list[str]:
    async def bounded() -> list[str]:
        app_id, secret, token = from_flags_or_environment(
            getattr(args, "app_id", None),
            getattr(args, "secret", None),
            getattr(args, "token", None),
            os.environ,
        )
        client = RecDeskClient(
            args.url, app_id=app_id, secret=secret, token=token, retry=RetryPolicy(attempts=1)
        )
        async with client:
            return await asyncio.wait_for(ask(client), _WAIT)

    try:
        found = asyncio.run(bounded())
    except Exception as exc:  # a Tab that finds no service offers nothing
        debug(f"no ids from the service at {args.url}: {exc!r}")  # with _ARC_DEBUG=1
        return []
    return [value for value in found if value.startswith(prefix)]

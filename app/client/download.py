"""Downloading a recorded file: into a `.part` file, resumed with Range after a drop, then renamed.

The temporary file is `<dest>.<file id>.part`, beside `dest`, so an interrupted download of the same
file resumes (in this call after a drop, or in a later call) and one of a different file never
mixes in. The file's metadata gives its size, which says when the bytes are complete.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import httpx

from app.client.errors import BadResponse, ConnectionFailed

if TYPE_CHECKING:
    from app.client.client import RecDeskClient

Progress = Callable[[int, int | None], None]
"""Called with the bytes so far and the total (None when unknown), as the download goes."""


async def download(
    client: RecDeskClient,
    file_id: str,
    dest: Path,
    *,
    progress: Progress | None = None,
    resume: bool = True,
) -> Path:
    """Save the file `file_id` at `dest`, or under its own name when `dest` is a folder."""
    meta = await client.file(file_id)
    if dest.is_dir():
        dest = dest / (Path(meta.name).name or file_id)
    part = dest.with_name(f"{dest.name}.{re.sub(r'[^A-Za-z0-9_-]', '_', file_id)}.part")
    if not resume:
        part.unlink(missing_ok=True)
    path = f"/v1/files/{quote(file_id, safe='')}"
    while True:
        have = part.stat().st_size if part.exists() else 0
        if have > meta.size:
            part.unlink()  # longer than the file: not its bytes
            have = 0
        if have == meta.size:
            part.touch()
            break
        fetch = _Fetch(client, path, part, meta.size, progress)
        try:
            await fetch.run(have)
        except ConnectionFailed:
            # Opening was retried already; a drop after new bytes is worth resuming from them.
            if not fetch.gained:
                raise
            await client.retry.wait(1)
            continue
        if fetch.have != meta.size:
            raise BadResponse(
                f"the download of file {file_id} ended at {fetch.have} of {meta.size} bytes"
            )
        break
    if progress is not None:
        progress(meta.size, meta.size)
    os.replace(part, dest)
    return dest


@dataclass
class _Fetch:
    """One request for the rest of the file: what it appended, and where that left the file."""

    client: RecDeskClient
    path: str
    part: Path
    size: int
    progress: Progress | None
    have: int = 0
    gained: int = 0

    async def run(self, have: int) -> None:
        """Append the bytes from `have` on to `part`, or rewrite it if the whole file comes."""
        self.have = have
        headers = {"Range": f"bytes={have}-"} if have else None
        stream = self.client.get_stream(self.path, params={"download": "1"}, headers=headers)
        async with stream as response:
            if response.status_code == 206:
                start = _range_start(response)
                if start != have:
                    raise BadResponse(f"asked for bytes from {have}, the service sent {start}")
            else:
                self.have = 0  # the whole file came back: Range was not honoured
            with self.part.open("ab" if self.have else "wb") as out:
                # Plain writes: chunks are small and the page cache takes them without a wait.
                async for chunk in response.aiter_bytes():
                    out.write(chunk)
                    self.have += len(chunk)
                    self.gained += len(chunk)
                    if self.progress is not None:
                        self.progress(self.have, self.size)


def _range_start(response: httpx.Response) -> int | None:
    match = re.fullmatch(r"bytes (\d+)-\d+/(\d+|\*)", response.headers.get("content-range", ""))
    return int(match.group(1)) if match else None

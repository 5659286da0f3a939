"""Room and user ids in Chinese survive into the recording's file names (a real nginx-rtmp room
recorded by a real `recdesk-server`), and the files open and decode to their end."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from app.api.models import Recording
from app.client.client import RecDeskClient
from tests.helpers.media import decodes, probe
from tests.helpers.rtmp import NginxRtmp, Publisher
from tests.helpers.service import ServiceProcess, run, wait_until


async def _recording_in(api: RecDeskClient, rec_id: str) -> Recording | None:
    rec = await api.recording(rec_id)
    return rec if rec.state == "recording" else None


def test_a_chinese_room_records_to_a_chinese_file_name(
    rtmp_service: ServiceProcess,
    rtmp_server: NginxRtmp,
    publish: Callable[[str], Publisher],
) -> None:
    room = f"数学课-一班{secrets.token_hex(2)}"
    # RTMP URLs carry a non-ASCII stream name percent-encoded; the service decodes it.
    publish(rtmp_server.url(quote(f"{room}__张三")))

    async def scenario() -> Recording:
        async with RecDeskClient(rtmp_service.url) as api:

            async def listed() -> bool:
                return any(r.room_id == room for r in await api.all_rooms())

            await wait_until(listed)
            rec = await api.start_recording(room_id=room, mode="single", folder="中文")
            await wait_until(lambda: _recording_in(api, rec.id))
            await asyncio.sleep(2.0)
            return await api.stop(rec.id)

    rec = run(scenario())

    assert (rec.state, rec.reason) == ("completed", "stopped")
    [file] = rec.files
    path = Path(file.path)
    assert path.parent.name == "中文"
    assert path.name.startswith(f"{room}_张三_"), path.name
    on_disk = rtmp_service.data_dir / file.path
    assert on_disk.is_file()
    assert probe(on_disk).codecs() == {"video": "h264", "audio": "aac"}
    assert decodes(on_disk)

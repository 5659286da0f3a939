"""An aiortc publisher in a Janus VideoRoom: a picture that flashes white and a tone that beeps,
both at the start of every wall-clock second, so a recording's A/V offset can be read from what
it decodes (`tests.helpers.sync`). Pictures and sound are made on one grid of wall-clock
time (a frame and a sample exactly at each whole second), so the flash and the beep are taken at
the same moment, and what a recording shows apart is the recording's doing.

`python -m tests.helpers.janus.publisher API ROOM DISPLAY [--video vp8|h264|none] [--audio
opus|none] [--tone HZ] [--screen]` joins `ROOM` as `DISPLAY`, publishes, prints `published ID`
and keeps publishing until it is terminated (it then leaves the room) or killed (Janus notices when
its session times out). It runs inside the lab's namespace (`JanusLab.python`),
with no STUN server, so that its only ICE candidate is the namespace's address.
"""

from __future__ import annotations

import argparse
import asyncio
import fractions
import math
import signal
import time
import uuid
from typing import Any

import httpx
import numpy as np
from aiortc import (
    MediaStreamTrack,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from av import AudioFrame, VideoFrame

WIDTH, HEIGHT, FPS = 320, 240, 15
RATE, PTIME = 48000, 0.02
BEEP = 0.1  # seconds of tone at the start of each second
TONE = 1000.0  # Hz by default; publishers of one room beep at pitches of their own (`--tone`)


class Flashes(MediaStreamTrack):
    """Grey frames with a moving bar, taken on a grid of wall-clock time that has a frame at the
    start of each second: that frame is white."""

    kind = "video"

    def __init__(self, shade: int = 60) -> None:
        super().__init__()
        self._start: float | None = None
        self._count = 0
        self._shade = shade

    async def recv(self) -> VideoFrame:
        if self._start is None:
            self._start = float(math.ceil(time.time()))  # the grid starts on a whole second
        due = self._start + self._count / FPS
        await asyncio.sleep(max(0.0, due - time.time()))
        picture = np.full((HEIGHT, WIDTH, 3), self._shade, dtype=np.uint8)
        if self._count % FPS == 0:
            picture[:] = 255
        x = self._count * 4 % WIDTH
        picture[:, x : x + 8] = (0, 200, 0)
        frame = VideoFrame.from_ndarray(picture, format="rgb24")
        frame.pts = round((due - self._start) * 90000)
        self._count += 1
        frame.time_base = fractions.Fraction(1, 90000)
        return frame


class Beeps(MediaStreamTrack):
    """Silence with a tone of `tone` Hz for `BEEP` s from the start of each wall-clock second."""

    kind = "audio"

    def __init__(self, tone: float = TONE) -> None:
        super().__init__()
        self._start: float | None = None
        self._samples = 0
        self._tone = tone

    async def recv(self) -> AudioFrame:
        count = round(RATE * PTIME)
        if self._start is None:
            self._start = float(math.ceil(time.time()))  # samples on the video's time grid
        due = self._start + self._samples / RATE
        await asyncio.sleep(max(0.0, due - time.time()))
        t = due + np.arange(count) / RATE
        tone = np.where(t % 1.0 < BEEP, 0.5 * np.sin(2 * math.pi * self._tone * t), 0.0)
        data = (tone * 32767).astype(np.int16).reshape(1, -1)
        frame = AudioFrame.from_ndarray(data, format="s16", layout="mono")
        frame.sample_rate = RATE
        frame.pts = self._samples
        frame.time_base = fractions.Fraction(1, RATE)
        self._samples += count
        return frame


class Janus:
    """Just enough of Janus's HTTP API for one publisher."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = httpx.AsyncClient(timeout=30, trust_env=False)
        self.session = 0
        self.handle = 0

    async def call(self, body: dict[str, Any], path: str = "") -> dict[str, Any]:
        body = {**body, "transaction": uuid.uuid4().hex}
        reply = await self.http.post(self.url + path, json=body)
        data: dict[str, Any] = reply.json()
        if data.get("janus") == "error":
            raise RuntimeError(f"janus: {data['error']}")
        return data

    async def attach(self) -> None:
        self.session = (await self.call({"janus": "create"}))["data"]["id"]
        got = await self.call(
            {"janus": "attach", "plugin": "janus.plugin.videoroom"}, f"/{self.session}"
        )
        self.handle = got["data"]["id"]

    async def message(self, body: dict[str, Any], jsep: dict[str, Any] | None = None) -> None:
        request: dict[str, Any] = {"janus": "message", "body": body}
        if jsep is not None:
            request["jsep"] = jsep
        await self.call(request, f"/{self.session}/{self.handle}")

    async def event(self, want: str) -> dict[str, Any]:
        """Long-poll until an event for our handle whose plugin data says `want`."""
        while True:
            reply = await self.http.get(f"{self.url}/{self.session}", params={"maxev": 1})
            data = reply.json()
            plugin = data.get("plugindata", {}).get("data", {})
            if plugin.get("error"):
                raise RuntimeError(f"janus: {plugin['error']}")
            if plugin.get("videoroom") == want or (want == "jsep" and "jsep" in data):
                return data

    async def keepalive(self) -> None:
        """Keep the session (the lab's Janus drops one that is quiet for a few seconds)."""
        while True:
            await self.call({"janus": "keepalive"}, f"/{self.session}")
            await asyncio.sleep(1.0)

    async def leave(self) -> None:
        """Leave the room as a closed call does."""
        await self.message({"request": "leave"})
        await self.call({"janus": "destroy"}, f"/{self.session}")


async def publish(args: argparse.Namespace) -> None:
    janus = Janus(args.api)
    await janus.attach()
    await janus.message(
        {"request": "join", "ptype": "publisher", "room": args.room, "display": args.display}
    )
    joined = await janus.event("joined")
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    descriptions = []
    if args.audio != "none":
        pc.addTrack(Beeps(args.tone))
    if args.video != "none":
        sender = pc.addTrack(Flashes(200 if args.screen else 60))
        codecs = [
            c
            for c in RTCRtpSender.getCapabilities("video").codecs
            if c.mimeType.lower() in (f"video/{args.video}", "video/rtx")
        ]
        pc.getTransceivers()[-1].setCodecPreferences(codecs)
        del sender
    await pc.setLocalDescription(await pc.createOffer())
    for transceiver in pc.getTransceivers():
        if transceiver.kind == "video":
            descriptions.append(
                {"mid": transceiver.mid, "description": "screen" if args.screen else "camera"}
            )
    offer = {"type": pc.localDescription.type, "sdp": pc.localDescription.sdp}
    await janus.message({"request": "publish", "descriptions": descriptions}, offer)
    answer = await janus.event("jsep")
    await pc.setRemoteDescription(RTCSessionDescription(**answer["jsep"]))
    print("published", joined["plugindata"]["data"]["id"], flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    alive = asyncio.create_task(janus.keepalive())
    await stop.wait()
    alive.cancel()
    await janus.leave()
    await pc.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("api")
    parser.add_argument("room", type=int)
    parser.add_argument("display")
    parser.add_argument("--video", default="vp8", choices=("vp8", "h264", "none"))
    parser.add_argument("--audio", default="opus", choices=("opus", "none"))
    parser.add_argument("--tone", type=float, default=TONE)
    parser.add_argument("--screen", action="store_true")
    asyncio.run(publish(parser.parse_args()))


if __name__ == "__main__":
    main()

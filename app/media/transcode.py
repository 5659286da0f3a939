"""Re-encoding of the one stream a container cannot hold as it is.

The remuxer copies packets; only when the output container has no place for a codec (AAC in WebM,
VP8 in MP4, raw frames from a capture device anywhere) does a `StreamTranscoder` decode that stream
and encode it with the container's codec. Timestamps follow the input's, so the re-encoded stream
stays in sync with the copied ones.
"""

from __future__ import annotations

from fractions import Fraction

import av
import av.container
import av.stream

from app.media.errors import RecordingError

# Speed over size: a recorder must keep up with the live input on a small machine.
_VIDEO_OPTIONS = {
    "libx264": {"preset": "veryfast", "crf": "23"},
    "libvpx": {"deadline": "realtime", "cpu-used": "8", "crf": "10", "b": "2M"},
}
_AUDIO_RATES = {"libopus": 48000}
_AUDIO_BIT_RATE = 128_000


class StreamTranscoder:
    """Decodes one input stream and encodes it into a new stream of an output container."""

    def __init__(
        self,
        output: av.container.OutputContainer,
        template: av.stream.Stream,
        encoder: str,
        frame_rate: float | None,
    ) -> None:
        # The input stream's own decoder context carries every codec parameter (sample format,
        # extradata, ...); nothing else decodes this stream, so the transcoder may own it.
        self._decoder = template.codec_context
        self._time_base = template.time_base or Fraction(1, 1000)
        # FFmpeg's lavfi and device inputs hand over frames wrapped in packets; to a user they are
        # raw video.
        name = template.codec_context.name
        self.source_codec = "rawvideo" if name == "wrapped_avframe" else name
        self._frame_ticks = 0
        self.stream: av.stream.Stream
        if template.type == "video":
            rate = Fraction(frame_rate or 30).limit_denominator(1001)
            stream = output.add_stream(encoder, rate=rate, options=_VIDEO_OPTIONS.get(encoder, {}))
            ctx = template.codec_context
            stream.width, stream.height = ctx.width, ctx.height
            stream.pix_fmt = "yuv420p"
            stream.codec_context.time_base = self._time_base
            self._frame_ticks = max(1, round(1 / (rate * self._time_base)))
        else:
            ctx = template.codec_context
            sample_rate = _AUDIO_RATES.get(encoder, ctx.sample_rate or 48000)
            # Devices report an unordered "2 channels" layout, which encoders refuse: name it.
            layout = "mono" if ctx.channels == 1 else "stereo"
            stream = output.add_stream(encoder, rate=sample_rate, layout=layout)
            stream.bit_rate = _AUDIO_BIT_RATE
        self.stream = stream
        self.codec = stream.codec_context.codec.canonical_name

    def encode(self, packet: av.Packet) -> list[av.Packet]:
        """Decode one input packet and return the packets it encodes to (often none yet)."""
        out: list[av.Packet] = []
        try:
            for frame in self._decoder.decode(packet):
                out.extend(self._encode(frame))
        except av.FFmpegError as exc:
            raise RecordingError(f"re-encoding {self.source_codec} failed: {exc}") from exc
        return out

    def flush(self) -> list[av.Packet]:
        """Drain the decoder and the encoder at the end of the recording."""
        out: list[av.Packet] = []
        try:
            for frame in self._decoder.decode(None):
                out.extend(self._encode(frame))
            out.extend(self._encode(None))
        except av.FFmpegError as exc:
            raise RecordingError(f"re-encoding {self.source_codec} failed: {exc}") from exc
        return out

    def _encode(self, frame: av.VideoFrame | av.AudioFrame | None) -> list[av.Packet]:
        if frame is not None:
            frame.time_base = self._time_base
        if isinstance(frame, av.VideoFrame) and frame.format.name != "yuv420p":
            pts = frame.pts
            frame = frame.reformat(format="yuv420p")
            frame.pts, frame.time_base = pts, self._time_base
        packets = list(self.stream.encode(frame))
        for packet in packets:
            if not packet.duration and self._frame_ticks:
                packet.duration = (
                    self._frame_ticks
                )  # x264 leaves it out; the file's length needs it
        return packets

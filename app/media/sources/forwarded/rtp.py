"""The few RTP and RTCP packets the relay reads and writes (RFC 3550, RFC 4585).

- RTP headers, read: payload type, sequence number, timestamp, SSRC.
- RTCP Sender Reports, written to FFmpeg: the (NTP time, RTP timestamp) pairs it aligns streams by.
- RTCP BYE, written to FFmpeg: a BYE on every stream ends its read at once.
- RTCP PLI (payload-specific feedback, FMT 1), written to the SFU: "send a keyframe".
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

VERSION = 2
RTCP_SR = 200
RTCP_RR = 201
RTCP_BYE = 203
RTCP_PSFB = 206
PLI_FMT = 1
NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900 (NTP) to 1970 (Unix)
# Our own SSRC in the RTCP we send: any value not used by the media will do.
RELAY_SSRC = 0x52444553

_HEADER = struct.Struct("!BBHII")


@dataclass(frozen=True, slots=True)
class RtpHeader:
    """The fields of an RTP header the relay needs."""

    payload_type: int
    sequence: int
    timestamp: int
    ssrc: int


def read_header(data: bytes) -> RtpHeader | None:
    """The header of an RTP packet; None for anything else (RTCP, junk)."""
    if len(data) < _HEADER.size:
        return None
    first, second, sequence, timestamp, ssrc = _HEADER.unpack_from(data)
    if first >> 6 != VERSION:
        return None
    payload_type = second & 0x7F
    if 72 <= payload_type <= 76:  # RTCP SR..APP multiplexed on the RTP port (RFC 5761)
        return None
    return RtpHeader(payload_type, sequence, timestamp, ssrc)


def sender_report(ssrc: int, unix_time: float, rtp_timestamp: int) -> bytes:
    """An RTCP SR that says `rtp_timestamp` of `ssrc` was sampled at `unix_time`."""
    ntp = round((unix_time + NTP_EPOCH_OFFSET) * 2**32) & 0xFFFF_FFFF_FFFF_FFFF
    return struct.pack(
        "!BBHIQIII",
        VERSION << 6,
        RTCP_SR,
        6,  # length in 32-bit words, minus one
        ssrc,
        ntp,
        rtp_timestamp & 0xFFFF_FFFF,
        0,  # packet count: FFmpeg does not read it
        0,  # octet count
    )


def receiver_report() -> bytes:
    """An empty RTCP RR: harmless to FFmpeg, used to see whether its RTCP port is open yet."""
    return struct.pack("!BBHI", VERSION << 6, RTCP_RR, 1, RELAY_SSRC)


def bye(ssrc: int) -> bytes:
    """An RTCP BYE for `ssrc`, with a reason: FFmpeg ignores RTP/RTCP packets under 12 bytes."""
    return struct.pack("!BBHIB3s", (VERSION << 6) | 1, RTCP_BYE, 2, ssrc, 3, b"bye")


def pli(media_ssrc: int) -> bytes:
    """An RTCP Picture Loss Indication for the video stream `media_ssrc`."""
    return struct.pack("!BBHII", (VERSION << 6) | PLI_FMT, RTCP_PSFB, 2, RELAY_SSRC, media_ssrc)

"""What a demuxer needs of FFmpeg beyond its defaults, to read no more per packet than it must.

PyAV opens every input with FFmpeg's `genpts` flag, which makes `av_read_frame` hold each packet
in a queue and look ahead until the packet has a presentation time. MP4 stores that time with
every sample, so there the queue only costs: a list entry allocated and the packet moved in and
out, on every packet (about 900 instructions, 2 % of a stream copy's, profiled with callgrind).
MP4 inputs (the files this project records, recovers and plays) are read without it; every other
format keeps it, since there it can fill real gaps (a packet split out of an MPEG-TS PES without a
timestamp, laced Matroska audio without a default duration).
"""

from __future__ import annotations

import av.container
from av.container.core import Flags

# FFmpeg's demuxer names (`container.format.name`) whose every packet carries its presentation
# time: MP4/MOV, where each sample, fragmented or not, has a decode time and a composition offset.
STAMPED_FORMATS = frozenset({"mov,mp4,m4a,3gp,3g2,mj2"})


def skip_pts_generation(container: av.container.InputContainer) -> bool:
    """Turn `genpts` off for an input whose format stamps every packet; True if it was."""
    if container.format.name not in STAMPED_FORMATS:
        return False
    container.flags = container.flags & ~Flags.gen_pts.value
    return True

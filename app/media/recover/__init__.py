"""Recovery: the file of a killed recorder made a finished file of the same format, in place.

A killed recorder leaves a file that plays up to its last complete fragment (MP4), cluster
(Matroska), page (Ogg) or packet (FLV, MPEG-TS), but lacks what closing writes: MP4's final index,
Matroska's cues and duration, HLS's `#EXT-X-ENDLIST`. `recover(path)` writes what is missing:

- **Files are copied packet for packet** (never re-encoded) into a temporary file beside the
  original, by the muxer and with the options that the format table gives the file's extension, so
  the result is what a recorder that closed normally would have written: a fragmented MP4 becomes a
  normal one. The temporary file replaces the original (`os.replace`, atomic within a folder) only
  once it is closed and opens again; on any failure it is removed and the original stays as it was.
- **Reading stops at the first error**: a kill in the middle of a write cuts the last fragment or
  cluster short, and everything before it is kept. A packet the demuxer flags as corrupt (a sample
  cut short) is dropped, and so is one whose decode time does not move forward, as when recording.
- **A killed MP4** is read without its edit lists: they say only that every track starts at zero,
  and FFmpeg misreads the one over the first fragment (every frame of that second at one time).
  The tracks then start together at zero, as a live recording's do; a file source's AAC priming
  (a frame of sound before the picture) plays instead of being trimmed.
- **HLS**: the hls muxer writes each segment whole when it ends and then lists it, so the EVENT
  playlist is complete up to the last finished segment. It becomes a VOD playlist ending with
  `#EXT-X-ENDLIST`; entries whose segment is missing, empty or unreadable are dropped, and the next
  segment, if the kill came while it was being written, is listed when it reads.
- **A finished file** recovers to an equivalent one (the same packets and duration).
- **A file with no media** (an MP4 whose recorder was killed before its first fragment holds only
  its `ftyp` and `free` boxes; any file in which no packet reads) raises `NothingRecorded`: there
  is nothing to finish, and the file is left as it is for the caller to remove.

The `FileInfo` returned describes the recovered file; its end is the time the recorder last wrote
(the file's modification time, which recovery keeps) and its start that minus the duration.
"""

from __future__ import annotations

from pathlib import Path

from app.media.errors import SourceError
from app.media.fileinfo import FileInfo
from app.media.formats import FORMATS, format_of
from app.media.recover.files import recover_file
from app.media.recover.playlist import recover_playlist


def recover(path: Path) -> FileInfo:
    """Make the recording at `path` a finished file of the same format, in place; describe it.

    Raises `SourceError` when `path` does not exist or is not a recording, `NothingRecorded` when
    it holds no media, and `RecordingError` when the recovered file cannot be written (the
    original is then untouched).
    """
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path} {'is not a file' if path.exists() else 'does not exist'}")
    fmt = format_of(path)
    if fmt is None:
        known = ", ".join(sorted({f.extension for f in FORMATS.values()}))
        raise SourceError(f"{path} is not a recording: its extension is none of {known}")
    if fmt.name == "hls":
        return recover_playlist(path)
    return recover_file(path, fmt)

"""Errors of the media engine.

```
RecDeskError
└── MediaError
    ├── SourceError            the source cannot be opened or read        (caller's fault)
    │   ├── NoStreamError      the source lacks the stream type asked for (caller's fault)
    │   ├── SourceChangedError a live source came back with other streams (caller's fault)
    │   ├── SourceIdleError    a live source sent nothing for too long    (an end, not a fault)
    │   └── NothingRecorded    a file to recover holds no media at all    (an end, not a fault)
    ├── OutputError            the output cannot be written               (caller's fault)
    │   └── FormatError        unknown container or impossible combination (caller's fault)
    ├── ImageError             a layout image is missing or not a PNG/JPEG (caller's fault)
    │   └── ImageTooLarge      its bytes or its picture are over the limits (caller's fault)
    └── RecordingError         the engine failed while recording          (system's fault)
```

PyAV's own exceptions are caught where they happen and re-raised as one of these with
`raise ... from exc`, so callers never see an `av.error` type.
"""

from __future__ import annotations

from app.errors import RecDeskError


class MediaError(RecDeskError):
    """Base of the media engine's errors."""


class SourceError(MediaError):
    """A source cannot be opened or read."""

    caller_fault = True


class NoStreamError(SourceError):
    """The source has no stream of the type the recording asked for."""


class SourceChangedError(SourceError):
    """A live source came back with streams other than the files hold (a new size, a new codec);
    what was written before is kept, and a recording that goes on starts new files."""


class SourceIdleError(SourceError):
    """A live source sent no data for longer than the read timeout; what came before is kept."""

    caller_fault = False


class NothingRecorded(SourceError):
    """A file to recover holds no media: its recorder was stopped before it wrote any (an MP4
    killed before its first fragment holds only its header)."""

    caller_fault = False


class OutputError(MediaError):
    """An output file cannot be created or written."""

    caller_fault = True


class FormatError(OutputError):
    """An unknown output format, or a format that cannot hold what was asked."""


class ImageError(MediaError):
    """A layout image cannot be found where its layout says, or is not a PNG or JPEG picture."""

    caller_fault = True


class ImageTooLarge(ImageError):
    """A layout image is larger, in bytes or in pixels, than the compositor takes."""


class RecordingError(MediaError):
    """The engine failed while recording; files finished so far are kept."""


def reason(exc: Exception) -> str:
    """FFmpeg's own words for an error, without the file name PyAV appends to them."""
    strerror = getattr(exc, "strerror", None)
    return str(strerror or exc).rstrip(".").lower() or type(exc).__name__

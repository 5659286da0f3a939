"""Layout images for the compositor: found by a resolver, read as bytes, decoded from memory.

```
layout field ─▶ ImageSource.read(ref) ─▶ bytes ─▶ probe_image (header: PNG/JPEG, size) ─▶ PyAV
                 ├─ ImageFolder       a name in the service's images area (`logo.png`)
                 ├─ LocalImageFiles   a file of this computer, as its user gave it (no URLs)
                 └─ NO_IMAGES         none at all: a layout that names one cannot be drawn
```

FFmpeg is never handed a caller's string: a URL or a device it would open is not a file here,
and the decoder reads bytes this module read, with the PNG or JPEG demuxer forced. The header is
read first, by this module, so a small file that claims a huge picture is refused before anything
is decoded; the decoder then fails on damaged data (`err_detect=explode`) rather than drawing half
a picture.
"""

from __future__ import annotations

import io
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

import av

from app.layout.images import NAME_RULE, is_image_name
from app.media.errors import ImageError, ImageTooLarge

ImageFormat = Literal["png", "jpeg"]

MAX_IMAGE_BYTES = 8 * 1024 * 1024
"""The largest image file the compositor reads (and the service stores)."""
MAX_IMAGE_SIDE = 3840
MAX_IMAGE_PIXELS = 3840 * 2160
"""No side longer than `MAX_IMAGE_SIDE`, and no more pixels than a 3840x2160 picture."""

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_DEMUXERS: dict[ImageFormat, str] = {"png": "png_pipe", "jpeg": "jpeg_pipe"}
# JPEG start-of-frame markers, which carry the picture's size: C0-CF but DHT, JPG and DAC.
_JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# A scheme such as `http:`, `file:` or `data:`; one letter is a Windows drive (`C:\logo.png`).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")


@dataclass(frozen=True)
class ImageInfo:
    """What an image's header says: its format and its picture size."""

    format: ImageFormat
    width: int
    height: int


def probe_image(data: bytes) -> ImageInfo:
    """The format and size of a PNG or JPEG from its header, within the limits; nothing decoded.

    `ImageError` when it is neither, `ImageTooLarge` when it is over `MAX_IMAGE_BYTES` or its
    picture over the size limits.
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageTooLarge(f"the image is over the limit of {MAX_IMAGE_BYTES // 2**20} MiB")
    if data.startswith(_PNG_SIGNATURE):
        info = _png_header(data)
    elif data.startswith(b"\xff\xd8\xff"):
        info = _jpeg_header(data)
    else:
        raise ImageError("not a PNG or JPEG image")
    if info.width < 1 or info.height < 1:
        raise ImageError(f"a {info.format.upper()} image without a picture size")
    if max(info.width, info.height) > MAX_IMAGE_SIDE or info.width * info.height > MAX_IMAGE_PIXELS:
        raise ImageTooLarge(
            f"the picture is {info.width}x{info.height}; at most {MAX_IMAGE_SIDE} pixels a side "
            "and 3840x2160 in all"
        )
    return info


def decode_image(data: bytes) -> av.VideoFrame:
    """The picture of a PNG or JPEG held in memory, decoded whole; `ImageError` if it is not one,
    or is damaged or cut short."""
    info = probe_image(data)
    try:
        with av.open(io.BytesIO(data), format=_DEMUXERS[info.format]) as container:
            stream = container.streams.video[0]
            stream.codec_context.options = {"err_detect": "explode"}
            frame = next(container.decode(stream), None)
    except (av.FFmpegError, IndexError) as exc:
        raise ImageError(f"a damaged or incomplete {info.format.upper()} image") from exc
    if frame is None or (frame.width, frame.height) != (info.width, info.height):
        raise ImageError(f"a damaged or incomplete {info.format.upper()} image")
    return frame


def fitted(picture: av.VideoFrame, width: int, height: int) -> av.VideoFrame:
    """A decoded image scaled to `width` x `height`: RGBA if it can be see-through, else yuv420p."""
    fmt = picture.format
    alpha = fmt.has_palette or any(c.is_alpha for c in fmt.components)
    return picture.reformat(width=width, height=height, format="rgba" if alpha else "yuv420p")


class ImageSource(Protocol):
    """Where a layout's images come from: what an image field holds, to the image's bytes."""

    def read(self, ref: str) -> bytes:
        """The bytes of the image `ref` stands for; `ImageError` if there is none."""
        ...


class NoImages:
    """No images at all: for a mix whose caller vouched for none."""

    def read(self, ref: str) -> bytes:
        """Always `ImageError`."""
        raise ImageError("this mix draws no images; give the layout none")


NO_IMAGES = NoImages()


class ImageFolder:
    """Images by name in one folder (the service's images area): `logo.png`, never a path.

    The name rule keeps every name inside the folder; a link there is not followed, and only a
    regular file is read, so nothing placed beside the images leads elsewhere. Messages never
    say where the folder is.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def read(self, ref: str) -> bytes:
        """The bytes of the image named `ref`."""
        return self.read_head(ref, MAX_IMAGE_BYTES + 1)

    def read_head(self, ref: str, size: int) -> bytes:
        """The first `size` bytes of the image named `ref` (its header, to list it cheaply)."""
        if not is_image_name(ref):
            raise ImageError(f"an image is named by {NAME_RULE}, not by a path or URL")
        try:
            return _read_file(self.folder / ref, follow=False, size=size)
        except OSError:
            raise ImageError(f"no image {ref!r} in the images area") from None


class LocalImageFiles:
    """Image files of this computer, as its user named them (`recdesk-record`, the desktop's
    local recorder); relative paths are from the working folder. A URL is never fetched."""

    def read(self, ref: str) -> bytes:
        """The bytes of the file `ref`."""
        if _SCHEME.match(ref):
            raise ImageError(f"{ref!r}: a layout image is a file of this computer, not a URL")
        try:
            return _read_file(Path(ref).expanduser(), follow=True)
        except OSError as exc:
            raise ImageError(f"cannot read the image {ref!r}: {exc.strerror or exc}") from None


def _read_file(path: Path, *, follow: bool, size: int = MAX_IMAGE_BYTES + 1) -> bytes:
    """A regular file's first `size` bytes: by default one past the limit, which
    `probe_image` refuses."""
    # O_NONBLOCK: opening a FIFO or a device must not wait for a writer; such a file is refused.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise IsADirectoryError(21, "not a regular file")
        return file.read(size)


def _png_header(data: bytes) -> ImageInfo:
    # The first chunk is IHDR: length 13, its type, then width and height (4 bytes each).
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ImageError("a PNG image without its header")
    return ImageInfo("png", int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big"))


def _jpeg_header(data: bytes) -> ImageInfo:
    at = 2
    while at + 4 <= len(data):
        if data[at] != 0xFF:
            break
        marker = data[at + 1]
        if marker == 0xFF:  # fill bytes before a marker
            at += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
            at += 2
            continue
        if marker in (0xD9, 0xDA):  # the end, or the scan, before any frame header
            break
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if marker in _JPEG_FRAMES and at + 9 <= len(data):
            height = int.from_bytes(data[at + 5 : at + 7], "big")
            width = int.from_bytes(data[at + 7 : at + 9], "big")
            return ImageInfo("jpeg", width, height)
        at += 2 + length
    raise ImageError("a JPEG image without its frame header")

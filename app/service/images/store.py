"""The images area: one file per image in `settings.images_dir`, named as layouts name it.

An upload is stored only once its bytes decode, from memory, as a PNG or JPEG whose picture is
within the limits (`app.media.mix.images`): a file that is not an image, is cut short, or claims
more pixels than the compositor takes never reaches the folder. It is written beside its final
name first and renamed into place, so a reader sees the old image or the new one, never half of
one. Names follow `app.layout.images.is_image_name`, so a name never leads out of the folder, and
files are read without following links. Nothing here puts a server path into a message.

Limits: `MAX_IMAGE_BYTES` (8 MiB, 413 `image_too_large`), a picture of at most 3840 pixels a side
and 3840x2160 in all (422 `limit_exceeded`), and `MAX_IMAGES` images (422 `limit_exceeded`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from app.api.errors import ApiError, ErrorCode
from app.api.models import Image, ImageStored
from app.layout.images import NAME_RULE, is_image_name
from app.media.errors import ImageError, ImageTooLarge
from app.media.mix.images import (
    MAX_IMAGE_BYTES,
    ImageFolder,
    ImageFormat,
    ImageInfo,
    decode_image,
    probe_image,
)

log = logging.getLogger(__name__)

MAX_IMAGES = 256
"""How many images the area holds at most; a new name beyond it is refused (422)."""

MEDIA_TYPES: dict[ImageFormat, str] = {"png": "image/png", "jpeg": "image/jpeg"}
_SUFFIX_FORMATS: dict[str, ImageFormat] = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
_UPLOAD_PREFIX = ".upload-"  # never an image name: a reader never lists a half-written file
# Enough to hold the header of nearly every image (a JPEG's metadata comes before its size).
_HEAD_BYTES = 256 * 1024


def image_format(media_type: str | None) -> ImageFormat:
    """The format a request's Content-Type announces; 422 `invalid_image` for any other type."""
    bare = (media_type or "").split(";", 1)[0].strip().lower()
    for fmt, known in MEDIA_TYPES.items():
        if bare == known:
            return fmt
    raise ApiError(ErrorCode.invalid_image, "Content-Type: must be image/png or image/jpeg")


def check_name(name: str) -> None:
    """422 `invalid_value` unless `name` is a plain image name such as `logo.png`."""
    if not is_image_name(name):
        raise ApiError(ErrorCode.invalid_value, f"image name: use {NAME_RULE}")


class ImageStore:
    """The images in `folder`, by name; blocking file work (call from a thread)."""

    def __init__(self, folder: Path, *, max_images: int = MAX_IMAGES) -> None:
        self.folder = folder
        self.max_images = max_images
        # The compositor's view of the area: what a preview and a worker read images through.
        self.files = ImageFolder(folder)

    def has(self, name: str) -> bool:
        """Whether the area holds an image of this (well-formed) name."""
        return self._entry(name) is not None

    def names(self) -> list[str]:
        """The names of the images, sorted."""
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return []
        return sorted(
            e.name for e in entries if is_image_name(e.name) and e.is_file(follow_symlinks=False)
        )

    def list(self) -> list[Image]:
        """Every image, by name (one that no longer reads as an image is left out, and logged)."""
        found = []
        for name in self.names():
            entry = self._entry(name)
            if entry is None:
                continue
            try:
                info = self._info(name)
            except ImageError as exc:
                log.warning("images: %s is left out of the list: %s", name, exc)
                continue
            found.append(_image(name, info, entry))
        return found

    def _info(self, name: str) -> ImageInfo:
        """An image's header, read from its first bytes (all of them, when the size is later)."""
        try:
            return probe_image(self.files.read_head(name, _HEAD_BYTES))
        except ImageError:
            return probe_image(self.files.read(name))

    def read(self, name: str) -> tuple[bytes, ImageFormat]:
        """An image's bytes and format; 404 `image_not_found` when there is none."""
        check_name(name)
        try:
            data = self.files.read(name)
            return data, probe_image(data).format
        except ImageError:
            raise _not_found(name) from None

    def put(self, name: str, data: bytes, announced: ImageFormat) -> ImageStored:
        """Check and store an upload under `name`, replacing what the name held."""
        check_name(name)
        info = _checked(data)
        if info.format != announced:
            raise ApiError(
                ErrorCode.invalid_image,
                f"Content-Type says {MEDIA_TYPES[announced]}, but the image is a "
                f"{info.format.upper()}",
            )
        named = _SUFFIX_FORMATS[os.path.splitext(name)[1].lower()]
        if named != info.format:
            raise ApiError(
                ErrorCode.invalid_image,
                f"{name} is named as a {named.upper()} image but holds a {info.format.upper()}",
            )
        replaced = self.has(name)
        if not replaced and len(self.names()) >= self.max_images:
            raise ApiError(
                ErrorCode.limit_exceeded,
                f"the images area holds at most {self.max_images} images; delete one first",
            )
        try:
            self._write(name, data)
            entry = os.stat(self.folder / name, follow_symlinks=False)
        except OSError as exc:
            raise _write_failed(name, exc) from None
        stored = _image(name, info, entry)
        return ImageStored(**stored.model_dump(), replaced=replaced)

    def delete(self, name: str) -> None:
        """Remove an image; 404 `image_not_found` when there is none."""
        check_name(name)
        if self._entry(name) is None:
            raise _not_found(name)
        try:
            os.unlink(self.folder / name)
        except FileNotFoundError:
            raise _not_found(name) from None

    def _entry(self, name: str) -> os.stat_result | None:
        """The image file's own status (a link is no image), or None."""
        if not is_image_name(name):
            return None
        try:
            entry = os.stat(self.folder / name, follow_symlinks=False)
        except OSError:
            return None
        return entry if _regular(entry) else None

    def _write(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=_UPLOAD_PREFIX)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, self.folder / name)  # a link of that name is replaced, not followed
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def _checked(data: bytes) -> ImageInfo:
    """The upload's header read and its whole picture decoded; the error it is answered with."""
    try:
        info = probe_image(data)
        decode_image(data)
    except ImageTooLarge as exc:
        if len(data) > MAX_IMAGE_BYTES:
            raise ApiError(ErrorCode.image_too_large, str(exc)) from None
        raise ApiError(ErrorCode.limit_exceeded, str(exc)) from None
    except ImageError as exc:
        raise ApiError(ErrorCode.invalid_image, f"not stored: {exc}") from None
    return info


def _image(name: str, info: ImageInfo, entry: os.stat_result) -> Image:
    return Image(
        name=name,
        size=entry.st_size,
        width=info.width,
        height=info.height,
        format=info.format,
        created=datetime.fromtimestamp(entry.st_mtime, UTC),
    )


def _regular(entry: os.stat_result) -> bool:
    return stat.S_ISREG(entry.st_mode)


def _not_found(name: str) -> ApiError:
    return ApiError(ErrorCode.image_not_found, f"no image {name!r} in the images area")


def _write_failed(name: str, exc: OSError) -> ApiError:
    """The answer to a failed write: 507 for a full disk; otherwise logged, never with a path."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return ApiError(
            ErrorCode.insufficient_storage, f"{name} was not stored: the service's disk is full"
        )
    log.error("images: storing %s failed: %s", name, exc)
    return ApiError(ErrorCode.internal, f"{name} was not stored; the service's log says why")

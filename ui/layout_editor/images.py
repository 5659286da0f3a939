"""Layout images: picked by name from the service's images area, or uploaded into it first.

A recording's layout may only name images the service holds (its compositor reads nothing else),
so the editor offers those: the field lists them, and Upload… sends a PNG or JPEG of this computer
to the service (`PUT /v1/images/{name}`), then picks it.

- `ImagePicker`    the field: the area's images by name, Upload… and Clear;
- `ServiceImages`  the area as the editor knows it, listed and uploaded into through the editor's
                   operations, so a refusal (not an image, too large) shows in its banner;
- `upload_name`    the name a file is uploaded under (`My Logo.PNG` → `My-Logo.png`).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QToolButton, QWidget

from app.api.models import Image
from app.errors import RecDeskError
from app.layout.images import IMAGE_SUFFIXES, MAX_NAME_LENGTH, is_image_name
from ui.common.operations import Operations
from ui.common.translate import translate
from ui.connection.connection import Connection


class NotAnImage(RecDeskError):
    """A file chosen for upload that is no PNG or JPEG, by its name."""

    caller_fault = True


IMAGE_FILTER = QT_TRANSLATE_NOOP("LayoutEditor", "PNG or JPEG images (*.png *.jpg *.jpeg)")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def upload_name(file_name: str) -> str | None:
    """The image name a file is uploaded under, or None for a file that is no PNG or JPEG."""
    path = Path(file_name)
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        return None
    stem = _UNSAFE.sub("-", path.stem).strip("-.") or "image"
    stem = stem.replace("..", ".")[: MAX_NAME_LENGTH - len(suffix)]
    name = stem + suffix
    return name if is_image_name(name) else None


class ImagePicker(QWidget):
    """An image of the service's images area, by name, with Upload… and Clear.

    `image_changed(str | None)` when the operator picks one (None: no image); `upload_requested
    (str)` with the file the operator chose to upload. A layout naming an image the list lacks
    shows it all the same, marked missing.
    """

    image_changed = Signal(object)
    upload_requested = Signal(str)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._image: str | None = None
        self._images: dict[str, Image] = {}
        self.combo = QComboBox()
        self.combo.activated.connect(lambda index: self.choose(self.combo.itemData(index)))
        self.upload = QToolButton()
        self.upload.setText(translate("LayoutEditor", "Upload…"))
        self.upload.setToolTip(
            translate(
                "LayoutEditor", "Send a PNG or JPEG of this computer to the service, and use it."
            )
        )
        self.upload.clicked.connect(self._browse)
        self.clear = QToolButton()
        self.clear.setText(translate("LayoutEditor", "Clear"))
        self.clear.clicked.connect(lambda: self.choose(None))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addWidget(self.combo, 1)
        row.addWidget(self.upload)
        row.addWidget(self.clear)
        self._fill()

    def image(self) -> str | None:
        """The image's name, or None."""
        return self._image

    def size_of(self, name: str) -> tuple[int, int] | None:
        """The picture size of an image of the area, when it is listed."""
        image = self._images.get(name)
        return None if image is None else (image.width, image.height)

    def set_images(self, images: Sequence[Image]) -> None:
        """Offer these images (emits nothing)."""
        self._images = {i.name: i for i in images}
        self._fill()

    def set_image(self, name: str | None) -> None:
        """Show `name` (emits nothing)."""
        self._image = name
        self._fill()

    def choose(self, name: str | None) -> None:
        """Take `name` as if the operator had picked it."""
        if name != self._image:
            self.set_image(name)
            self.image_changed.emit(name)

    def _fill(self) -> None:
        self.combo.blockSignals(True)
        try:
            self.combo.clear()
            self.combo.addItem(translate("LayoutEditor", "none"), None)
            for name, image in sorted(self._images.items()):
                self.combo.addItem(f"{name} ({image.width}x{image.height})", name)
            if self._image is not None and self._image not in self._images:
                self.combo.addItem(
                    translate("LayoutEditor", "{0} (not on the service)").format(self._image),
                    self._image,
                )
            self.combo.setCurrentIndex(max(0, self.combo.findData(self._image)))
        finally:
            self.combo.blockSignals(False)
        self.combo.setToolTip(self._image or "")
        self.clear.setEnabled(self._image is not None)

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self._title, "", translate("LayoutEditor", IMAGE_FILTER)
        )
        if path:
            self.upload_requested.emit(path)


class ServiceImages(QObject):
    """The service's images area for the editor: `changed(list[Image])` whenever it is listed."""

    changed = Signal(list)

    def __init__(
        self, connection: Connection, operations: Operations, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._connection = connection
        self._operations = operations
        self.images: list[Image] = []

    def refresh(self) -> None:
        """List the area again."""
        self._operations.run(self._connection.client.images(), on_done=self._listed)

    def upload(self, path: str, then: Callable[[str], None]) -> None:
        """Upload the file at `path`, list the area again, then `then(its name)`."""
        self._operations.run(self._upload(Path(path)), on_done=then)

    async def _upload(self, path: Path) -> str:
        name = upload_name(path.name)
        if name is None:
            raise NotAnImage(
                translate(
                    "LayoutEditor", "{0} is not a PNG or JPEG file; the service takes only those."
                ).format(path.name)
            )
        data = await asyncio.to_thread(path.read_bytes)
        stored = await self._connection.client.upload_image(name, data)
        self._listed(await self._connection.client.images())
        return stored.name

    def _listed(self, images: list[Image]) -> None:
        self.images = images
        self.changed.emit(images)

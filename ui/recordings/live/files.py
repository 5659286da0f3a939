"""A running recording's files as they grow: each part with its size and upload, and the bitrate.

The finished parts are the recording's `files` (with `recording.upload` events for how far each
upload got, `UploadProgress`); the parts still being written come from the service's
`RecordingLive` answer, whose sizes grow between reads. `ByteRate` turns two reads of the total
into the rate the recording writes at.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QWidget

from app.api.live import WritingFile
from app.api.models import RecordedFile
from ui.common.formats import format_duration, format_size, format_upload
from ui.common.palette import tint
from ui.common.translate import TranslationContext
from ui.recordings.uploads import UploadProgress

LiveFileSizes = TranslationContext("LiveFileSizes")


def format_bitrate(bits_per_second: float) -> str:
    """A rate as people read it: `850 kbit/s`, `1.2 Mbit/s`."""
    if bits_per_second >= 1_000_000:
        return LiveFileSizes.tr("{0} Mbit/s").format(f"{bits_per_second / 1_000_000:.1f}")
    return LiveFileSizes.tr("{0} kbit/s").format(f"{bits_per_second / 1000:.0f}")


@dataclass
class ByteRate:
    """The rate a total grows at, between the first and the last of the last few samples."""

    window: int = 5
    samples: list[tuple[float, int]] | None = None

    def add(self, total: int, at: float | None = None) -> None:
        """Take the total at `at` (monotonic seconds; now by default)."""
        samples = self.samples if self.samples is not None else []
        samples.append((time.monotonic() if at is None else at, total))
        self.samples = samples[-self.window :]

    def bits_per_second(self) -> float | None:
        """The rate in bits a second; None before two samples some time apart."""
        samples = self.samples or []
        if len(samples) < 2 or samples[-1][0] - samples[0][0] < 0.5:
            return None
        (t0, b0), (t1, b1) = samples[0], samples[-1]
        return max(0.0, (b1 - b0) * 8 / (t1 - t0))

    def clear(self) -> None:
        """Forget every sample (another recording)."""
        self.samples = None


class LiveFiles(QWidget):
    """The parts of a running recording, finished and growing, with sizes and uploads."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(0, 1)
        self._rows: list[tuple[QLabel, QLabel]] = []

    def rows(self) -> list[tuple[str, str]]:
        """What each row says: (file name, size and state), finished parts first."""
        return [(name.text(), detail.text()) for name, detail in self._rows if name.isVisible()]

    def show_files(
        self, files: list[RecordedFile], writing: list[WritingFile], uploads: UploadProgress
    ) -> None:
        """Show the finished `files` and those being `writing` now."""
        lines: list[tuple[str, str, str]] = []
        for file in sorted(files, key=lambda f: f.name):
            state, sent, total = uploads.of_file(file)
            upload = format_upload(state, sent, total)
            parts = [format_size(file.size), format_duration(file.duration), upload]
            lines.append((file.name, " · ".join(p for p in parts if p), file.upload_error or ""))
        for growing in sorted(writing, key=lambda w: w.name):
            text = LiveFileSizes.tr("{0} · writing").format(format_size(growing.size))
            lines.append((growing.name, text, ""))
        while len(self._rows) < len(lines):
            name_label, detail_label = QLabel(), QLabel()
            name_label.setTextFormat(Qt.TextFormat.PlainText)
            detail_label.setTextFormat(Qt.TextFormat.PlainText)
            detail_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            # A long name gives way to the size, which is what moves.
            name_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            row = len(self._rows)
            self._grid.addWidget(name_label, row, 0)
            self._grid.addWidget(detail_label, row, 1)
            self._rows.append((name_label, detail_label))
        for index, (name, detail) in enumerate(self._rows):
            shown = index < len(lines)
            name.setVisible(shown)
            detail.setVisible(shown)
            if shown:
                text, size, error = lines[index]
                name.setText(text)
                name.setToolTip(text if not error else f"{text}\n{error}")
                detail.setText(size)
                tint(detail, "error" if error else None)

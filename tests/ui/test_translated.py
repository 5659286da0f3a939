"""In Chinese, the main screens show no English word: every visible widget's text, tooltip,
placeholder, window title, menu and action, combo item and table header is walked, and a word of
Latin letters fails the test unless it is on the allow-list (format and codec names, units, the
demo service's room and user ids, RecDesk, URLs and file names).

The screens are the real ones against the session's demo service: the main window with a room
selected and its record panel (single-stream and mixed), the recordings list, the layout editor,
the local recorder panel and its settings dialog, the save questions, and the connect dialog.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QTabWidget,
    QTextEdit,
    QTreeView,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.media.sources.sound import PLAYS, sound_devices
from app.service.rooms.demo import DEMO_ROOMS
from tests.helpers.sound import SoundServer
from tests.ui.conftest import until
from ui.common.language import install_language
from ui.common.translate import translate
from ui.connection.dialog import ConnectDialog
from ui.connection.profiles import Profiles, SecretStore
from ui.local.save_dialogs import discard_question, replace_question, save_dialog
from ui.local.settings import LocalSettingsDialog
from ui.window import MainWindow

# Words that stay as they are in Chinese: names of formats, codecs and protocols, units, product
# and key names. (Ids of the demo rooms and users are added from the demo's own list.)
_ALLOWED_WORDS = """
    MP4 MKV WebM FLV TS HLS M4A OGG AAC Opus VP8 VP9 H.264 h264 aac opus vp8 H264 AV1
    mp4 mkv webm flv ts hls m4a ogg json JSON PNG JPEG png jpg jpeg RTMP HTTP HTTPS S3
    AppID URL API ID kB MB GB TB fps kbit kHz Hz dB px ms RecDesk Qt PyAV FFmpeg
    Ctrl Shift Alt Space Esc Del Enter Return Tab F1 F5 HD Full dBFS English MiB KiB
    PulseAudio PipeWire X11 DISPLAY WebRTC Logo ALSA V4L2 MPEG-TS Ogg
"""
ALLOWED = set(_ALLOWED_WORDS.split())
_DEMO_WORDS = {
    word
    for room in DEMO_ROOMS
    for text in (room.room_id, room.name, *(p.user_id for p in room.people))
    for word in re.findall(r"[A-Za-z]+", text)
}
# What is not a word to translate: URLs, file names and paths, name-rule fields, HTML tags.
_NOT_WORDS = re.compile(
    r"https?://\S+|<[^>]+>|&[a-z]+;|\{[a-z_]*\}|\S+\.(?:mp4|mkv|webm|flv|ts|m3u8|m4a|ogg|json|png|jpe?g)\b"
    r"|(?:~|\.{0,2})/\S+|\S+@\S+|#[0-9a-fA-F]{3,8}\b|\b[a-z0-9]+:[a-z0-9:,.]+"
)
# A Chinese menu's access key, "文件(&F)" (its tooltip "文件(F)"), and a key in "Ctrl+Shift+C".
_MNEMONIC = re.compile(r"\(&?[A-Za-z]\)|(?<=\+)[A-Za-z0-9]\b")
# Words of two letters or more; "720p30" is a size, not a word; "x" and "y" name coordinates.
_WORD = re.compile(r"(?<![0-9A-Za-z])[A-Za-z][A-Za-z0-9.'\u2019-]*[A-Za-z0-9]")


def _device_words() -> set[str]:
    """The words of the names this machine's sound server gives its devices
    ("Virtual_Microphone"): names, like room ids, not words to translate."""
    devices, _ = sound_devices()
    names = [d.description.removesuffix(PLAYS) for d in devices]
    return {word for name in names for word in re.findall(r"[A-Za-z]+", name)}


def english_words(text: str, names: Set[str] = frozenset()) -> list[str]:
    """The words of Latin letters in `text` that are not on the allow-list nor in `names`."""
    plain = _NOT_WORDS.sub(" ", _MNEMONIC.sub("", text).replace("&&", "&").replace("&", ""))
    return [
        word
        for word in _WORD.findall(plain)
        if word not in ALLOWED
        and word not in _DEMO_WORDS
        and word not in names
        and word.rstrip(".") not in ALLOWED
    ]


def _texts(widget: QWidget) -> Iterator[tuple[str, str]]:
    """(what, text) for each text a widget shows."""
    yield "tooltip", widget.toolTip()
    if widget.isWindow():
        yield "title", widget.windowTitle()
    match widget:
        case QLabel():
            yield "text", widget.text()
        case QAbstractButton():
            yield "text", widget.text()
        case QLineEdit():
            yield "placeholder", widget.placeholderText()
        case QTextEdit():
            yield "placeholder", widget.placeholderText()
        case QComboBox():
            yield "placeholder", widget.placeholderText()
            for index in range(widget.count()):
                yield "item", widget.itemText(index)
                yield "item tooltip", str(widget.itemData(index, Qt.ItemDataRole.ToolTipRole) or "")
        case QGroupBox():
            yield "title", widget.title()
        case QTabWidget():
            for index in range(widget.count()):
                yield "tab", widget.tabText(index)
                yield "tab tooltip", widget.tabToolTip(index)
        case QProgressBar():
            yield "format", widget.format() if widget.isTextVisible() else ""
        case QTableView() | QTreeView():
            header = widget.header() if isinstance(widget, QTreeView) else widget.horizontalHeader()
            model = widget.model()
            if header.isVisible() and model is not None:
                for column in range(header.count()):
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        text = model.headerData(column, Qt.Orientation.Horizontal, role)
                        yield "header", str(text or "")
    if isinstance(widget, QSpinBox):
        yield "prefix", widget.prefix()
        yield "suffix", widget.suffix()
    if isinstance(widget, QAbstractSpinBox):
        yield "special value", widget.specialValueText()
    for action in widget.actions():
        yield from _action_texts(action)


def _action_texts(action: QAction) -> Iterator[tuple[str, str]]:
    yield "action", action.text()
    if action.toolTip() != action.text().replace("&", ""):
        yield "action tooltip", action.toolTip()
    menu = action.menu()
    if isinstance(menu, QMenu):
        yield "menu", menu.title()
        for inner in menu.actions():
            yield from _action_texts(inner)


def untranslated(root: QWidget) -> list[str]:
    """Each visible text under `root` with an English word: "Class 'name': what: text"."""
    found = []
    names = _device_words()
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        for what, text in _texts(widget):
            if text and english_words(text, names):
                name = widget.objectName() or type(widget).__name__
                found.append(f"{type(widget).__name__} {name!r}: {what}: {text!r}")
    return sorted(set(found))


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:
    """The app in Chinese (as `RECDESK_LANGUAGE=zh_CN` starts it); English again afterwards."""
    install_language("zh_CN")
    yield
    install_language("en")


def test_the_main_screens_have_no_untranslated_word(
    chinese: None,
    qtbot: QtBot,
    aloop: qasync.QEventLoop,
    connection: object,
    settings: QSettings,
    tmp_path: Path,
    sound_server: SoundServer,
) -> None:
    # With a sound server the local recorder lists outputs and microphones by their names.
    window = MainWindow(connection, settings, data_dir=tmp_path / "app")  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1440, 900)
    window.show()
    found: list[str] = []

    async def scenario() -> None:
        await until(lambda: window.browser.model.rowCount() == 6)
        assert window.browser.select("meeting")
        await until(lambda: window.controls.room is not None)
        await until(window.room_view.stream_ids)
        assert window.menuBar().actions()[0].text() == "文件(&F)"  # the walk reads Chinese
        found.extend(untranslated(window))
        form = window.controls.form
        form.mode.setCurrentIndex(form.mode.findData("mixed"))
        found.extend(untranslated(window))
        window.record_tabs.setCurrentWidget(window.local_tab)
        found.extend(untranslated(window))
        editor = window.edit_layout()
        assert editor is not None
        editor.document.select(0)
        found.extend(untranslated(editor))
        editor.close()
        dialogs = [
            LocalSettingsDialog(settings, window),
            ConnectDialog(Profiles(settings), SecretStore(), window),
            replace_question(window, [tmp_path / "a.mp4", tmp_path / "b.mp4"], tmp_path),
            discard_question(window, "meeting", 3, 12_000_000),
        ]
        for dialog in dialogs:
            dialog.show()
            found.extend(untranslated(dialog))
            dialog.close()
        # The save dialog is Qt's own: what this project writes in it is walked, not Qt's labels.
        keep = "Keep for later puts it in {0} as “{1}”, listed with your local recordings."
        save = save_dialog(
            window,
            "meeting",
            tmp_path / "meeting.mp4",
            ".mp4",
            note=translate("SaveFlow", keep).format(tmp_path, "meeting.mp4"),
            on_discard=lambda: None,
        )
        save.show()
        buttons = save.findChild(QDialogButtonBox)
        assert buttons is not None
        for ours in (
            save.findChild(QLabel, "saveNote"),
            save.findChild(QPushButton, "discard"),
            buttons.button(QDialogButtonBox.StandardButton.Cancel),
            save.findChild(QComboBox, "fileTypeCombo"),
        ):
            assert ours is not None
            found.extend(untranslated(ours))
        save.close()

    aloop.run_until_complete(scenario())
    # Closed, the window stops asking for thumbnails; those on their way are let go before the
    # connection closes.
    window.close_without_asking()
    aloop.run_until_complete(window.operations.cancel_all())
    assert found == [], "untranslated:\n" + "\n".join(found)


def test_the_allow_list_lets_through_only_names() -> None:
    assert english_words("录制 MP4 · 1920 x 1080 · 30 fps · 128 kbit/s · alice · 720p30") == []
    assert english_words("保存到 ~/Videos/meeting-001.mp4 或 https://example.com/a b") == []
    assert english_words("Start recording") == ["Start", "recording"]
    assert english_words("开始 &Record") == ["Record"]

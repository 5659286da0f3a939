"""Named layout presets: saved, loaded, imported and exported, and the bar that does it."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.layout.errors import LayoutError
from app.layout.model import Layout
from tests.helpers.layouts import grid_layout
from ui.layout_editor.document import LayoutDocument
from ui.layout_editor.presets import PresetsBar, PresetStore, file_stem


@pytest.fixture
def document() -> LayoutDocument:
    """A document holding the room's grid."""
    return LayoutDocument(grid_layout())


# --- presets --------------------------------------------------------------------------------------


def test_presets_round_trip(tmp_path: Path) -> None:
    store = PresetStore(tmp_path / "presets")
    assert store.names() == []
    layout = grid_layout()
    names = ["Weekly", "Team / all hands", "CON", ".hidden", "trailing.", "ünï 2"]
    for name in names:
        store.save(name, layout)
    assert store.names() == sorted(names, key=str.casefold)
    assert all(store.load(name) == layout for name in names)
    files = sorted(p.name for p in (tmp_path / "presets").iterdir())
    assert "Team %2F all hands.json" in files
    assert not any(f.startswith(".") or f.upper().startswith("CON.") for f in files)
    assert file_stem("trailing.") == "trailing%2E"

    exported = tmp_path / "out" / "weekly.json"
    exported.parent.mkdir()
    store.export("Weekly", exported)
    assert Layout.load(exported) == layout
    # "Weekly" is taken, whatever the case.
    assert store.import_file(exported) == "weekly (2)"
    assert store.load("weekly (2)") == layout

    store.delete("Weekly")
    assert "Weekly" not in store.names()
    with pytest.raises(LayoutError, match="no preset named 'Weekly'"):
        store.load("Weekly")
    with pytest.raises(LayoutError, match="no preset named"):
        store.delete("Weekly")
    with pytest.raises(LayoutError, match="needs a name"):
        store.save("  ", layout)


def test_importing_takes_the_file_name_and_never_overwrites(tmp_path: Path) -> None:
    store = PresetStore(tmp_path / "presets")
    source = tmp_path / "Studio.json"
    grid_layout().save(source)
    assert store.import_file(source) == "Studio"
    assert store.import_file(source) == "Studio (2)"
    assert store.import_file(source, name="Mine") == "Mine"
    assert store.names() == ["Mine", "Studio", "Studio (2)"]


def test_a_bad_import_says_what_is_wrong_and_changes_nothing(
    qtbot: QtBot, tmp_path: Path, document: LayoutDocument
) -> None:
    store = PresetStore(tmp_path / "presets")
    store.save("Kept", grid_layout())
    bad = tmp_path / "bad.json"
    data = grid_layout().to_json()
    data["regions"][0]["width"] = 641
    data["canvas"]["fps"] = 500
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(LayoutError) as raised:
        store.import_file(bad)
    problems = "\n".join(raised.value.problems)
    assert "regions[0].width: must be a positive even number, got 641" in problems
    assert "canvas.fps" in problems
    assert store.names() == ["Kept"]

    bar = PresetsBar(store, document)
    qtbot.addWidget(bar)
    before = document.layout
    with qtbot.waitSignal(bar.failed) as failed:
        assert bar.import_file(str(bad)) is None
    assert "bad.json" in failed.args[0]
    assert "641" in failed.args[0]
    assert store.names() == ["Kept"]
    assert document.layout == before
    not_json = tmp_path / "notes.json"
    not_json.write_text("{not json", encoding="utf-8")
    with pytest.raises(LayoutError, match="not valid JSON"):
        store.import_file(not_json)


def test_the_presets_bar_saves_loads_and_deletes(
    qtbot: QtBot, tmp_path: Path, document: LayoutDocument
) -> None:
    store = PresetStore(tmp_path / "presets")
    bar = PresetsBar(store, document)
    qtbot.addWidget(bar)
    failures: list[str] = []
    bar.failed.connect(failures.append)
    assert not bar.load_button.isEnabled()
    saved = document.layout
    assert bar.save_as("Grid of three")
    assert bar.combo.currentText() == "Grid of three"
    assert bar.load_button.isEnabled()
    document.edit(saved.with_canvas(replace(saved.canvas, fps=60)), "fps")
    with qtbot.waitSignal(bar.loaded):
        assert bar.load("Grid of three")
    assert document.layout == saved
    document.undo_stack.undo()  # loading is a step of its own
    assert document.layout.canvas.fps == 60
    exported = tmp_path / "shared.json"
    assert bar.export("Grid of three", str(exported))
    assert Layout.load(exported) == saved
    assert bar.save_as("Another")
    assert bar.combo.currentText() == "Another"
    fresh = PresetsBar(store, document)
    qtbot.addWidget(fresh)
    assert fresh.combo.currentText() == "Another"  # the first, so Load has one to load
    assert bar.delete("Another")
    assert bar.delete("Grid of three")
    assert bar.combo.count() == 0
    assert failures == []
    # An invalid layout is not kept.
    document.edit(saved.with_region(0, replace(saved.regions[0], width=3)), "odd")
    assert not bar.save_as("Broken")
    assert "regions[0].width" in failures[-1]
    assert store.names() == []

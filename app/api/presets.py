"""The wire models of what the service's config offers a start request: presets and storage.

`GET /v1/presets` answers `PresetList` and `GET /v1/storage` `StorageList`; a client lists them to
offer a choice, and `POST /v1/recordings` names one with `preset` or `storage`. Storage keys are
write-only: neither answer carries them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from app.api.models import StorageInfo


class Preset(BaseModel):
    """A preset of the service's config (`[presets.NAME]`), as `GET /v1/presets` lists it.

    `fields` are its start options as `POST /v1/recordings` takes them, except `storage`, which
    is shown apart and without its keys.
    """

    model_config = ConfigDict(extra="ignore")

    name: str
    fields: dict[str, Any] = {}
    storage: StorageInfo | None = None


class PresetList(BaseModel):
    """Every preset of the service's config, in the config's order."""

    model_config = ConfigDict(extra="ignore")

    items: list[Preset]


class StorageList(BaseModel):
    """The storage profiles of the service's config (`[storage.NAME]`), without their keys; a
    start request's `storage` may name one (`profile`)."""

    model_config = ConfigDict(extra="ignore")

    items: list[StorageInfo]

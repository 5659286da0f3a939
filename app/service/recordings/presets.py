"""Start requests that name a preset of the service's config, and the presets as answers show them.

One resolution serves every front: a `POST /v1/recordings` with `preset` and the auto-recorder
both build their request with the preset's `for_room` (`app.service.config.Preset`), so a preset
means the same wherever it is used. The request's own fields win over the preset's: those it
gave, even as null (pydantic's `model_fields_set`), not those it left to their defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from pydantic import ValidationError

from app.api.errors import ApiError, ErrorCode
from app.api.models import RecordingCreate, StorageInfo, StorageParams
from app.api.presets import Preset as PresetModel
from app.service.storage.targets import target_of


class Preset(Protocol):
    """A named set of start options (`app.service.config.Preset`)."""

    @property
    def name(self) -> str:
        """The preset's name."""
        ...

    @property
    def request(self) -> Mapping[str, Any]:
        """Its fields, as the config gives them: a `POST /v1/recordings` body without its room."""
        ...

    def for_room(self, room_id: str, overrides: Mapping[str, Any] | None = None) -> RecordingCreate:
        """The start request for this room, `overrides` over the preset's fields."""
        ...


def with_preset(request: RecordingCreate, presets: Mapping[str, Preset]) -> RecordingCreate:
    """`request` with its preset's fields filled in (as it is without one).

    422 `unknown_preset` for a name the config does not have, listing those it has.
    """
    if request.preset is None:
        return request
    preset = presets.get(request.preset)
    if preset is None:
        known = ", ".join(presets) or "none: add [presets.NAME] to the service's config"
        raise ApiError(
            ErrorCode.unknown_preset, f"preset: no preset {request.preset!r} (presets: {known})"
        )
    given = request.model_fields_set - {"room_id", "preset"}
    overrides = {name: getattr(request, name) for name in given}
    try:
        return preset.for_room(request.room_id, overrides)
    except ValidationError as exc:  # checked on its own at the start; not in every mix
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ApiError(
            ErrorCode.invalid_value, f"{where}: {first['msg']} (with preset {preset.name!r})"
        ) from None


def preset_model(preset: Preset, profiles: Mapping[str, StorageParams]) -> PresetModel:
    """A preset as `GET /v1/presets` shows it: its fields, and its storage without the keys."""
    fields = {key: value for key, value in preset.request.items() if key != "storage"}
    return PresetModel(
        name=preset.name,
        fields=fields,
        storage=_storage_info(preset.request.get("storage"), profiles),
    )


def _storage_info(storage: object, profiles: Mapping[str, StorageParams]) -> StorageInfo | None:
    # The config was checked at the start: a name is a profile, a table valid parameters.
    if isinstance(storage, str) and storage in profiles:
        return target_of(profiles[storage], storage).info()
    if isinstance(storage, Mapping):
        return target_of(StorageParams.model_validate(storage)).info()
    return None


def storage_models(profiles: Mapping[str, StorageParams]) -> list[StorageInfo]:
    """The storage profiles as `GET /v1/storage` lists them, by name, without their keys."""
    return [target_of(params, name).info() for name, params in profiles.items()]

"""What the service's config offers a start request: its presets and its storage profiles.

A client lists them to offer a choice (the desktop's record form, `recdesk-ctl`'s completion);
`POST /v1/recordings` takes either by name (`preset`, `storage`). Storage keys are never shown.
"""

from __future__ import annotations

from fastapi import APIRouter

from app.api.presets import PresetList, StorageList
from app.service.recordings.presets import preset_model, storage_models
from app.service.routes.deps import ServiceDep

router = APIRouter(prefix="/v1", tags=["presets"])


@router.get("/presets", response_model=PresetList)
async def presets(service: ServiceDep) -> PresetList:
    """The config's presets (`[presets.NAME]`), in its order: each one's fields and storage."""
    config = service.settings.config
    if config is None:
        return PresetList(items=[])
    return PresetList(
        items=[preset_model(preset, config.storage) for preset in config.presets.values()]
    )


@router.get("/storage", response_model=StorageList)
async def storage(service: ServiceDep) -> StorageList:
    """The config's storage profiles (`[storage.NAME]`), by name, without their keys."""
    config = service.settings.config
    return StorageList(items=[] if config is None else storage_models(config.storage))

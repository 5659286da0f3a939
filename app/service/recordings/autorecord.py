"""Automatic recording: a room that matches a rule is recorded with the rule's preset while people
publish in it.

The recorder only decides *when to start*. Everything after the start is the task manager's, as
for any recording: it adds and drops streams as people come and go, stops the task as `idle` once
the room has had nothing to record for the preset's `max_idle_seconds` (so a publisher who drops
and comes back within that time goes on in the same task), and keeps active tasks across a
restart. One room, seen by the recorder:

```
            someone publishes                 the task ends as idle
  waiting ─────────────────▶ recording ─────────────────────────────▶ waiting
     ▲                           │  (a new task at once if someone is back by then)
     │ the room empties          │ ended otherwise: an operator's stop, max-duration,
     └──────────────── held ◀────┘ a failure; or a create that failed; or the room is
                                   already recorded in the preset's mode by someone else
```

- The first rule that matches a room wins; its preset's request gets the tag `auto:PRESET`.
- **Held** rooms are not recorded again until they empty (no stream left). So an operator's stop
  is not undone while the people it stopped are still there, a failure is not retried in a loop,
  and a recording the operator started by hand in the same mode is left alone. The next publisher
  after the room has emptied starts a new task.
- State is in memory only. After a restart `start` looks at the rooms that are live and at their
  active tasks: a task tagged with the room's preset in the preset's mode is followed as its own,
  any other active task in that mode holds the room, so no duplicate is ever started.
- Each time a live room becomes held, the event log gets `autorecord.held` with the room, the
  preset, the reason and whether it was a failure (a preset that does not fit, a create refused or
  failed, a task that failed), so operators and scripts see it; a failure is also logged as a
  warning. A room already empty is not held, and nothing is published for it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any, Protocol

from app.api.errors import ApiError
from app.api.models import ACTIVE_STATES, Mode, Recording, RecordingCreate
from app.service.rooms.base import RoomChange, RoomState
from app.service.store.eventlog import Publisher

log = logging.getLogger(__name__)

AUTO_TAG = "auto:"


def auto_tag(preset: str) -> str:
    """The tag of the recordings a preset's rule starts."""
    return AUTO_TAG + preset


class Rule(Protocol):
    """Which rooms are recorded, and with which preset (`app.service.config.AutoRule`)."""

    @property
    def preset(self) -> str:
        """The preset's name."""
        ...

    def matches(self, room_id: str) -> bool:
        """Whether the rule applies to this room."""
        ...


class Preset(Protocol):
    """How a room is recorded (`app.service.config.Preset`)."""

    @property
    def name(self) -> str:
        """The preset's name."""
        ...

    def for_room(self, room_id: str) -> RecordingCreate:
        """The start request for this room."""
        ...


class Tasks(Protocol):
    """What the recorder needs of the task manager
    (`app.service.recordings.manager.TaskManager`)."""

    def active_ids(self, room_id: str) -> list[str]:
        """Ids of the room's active recordings."""
        ...

    def get(self, recording_id: str) -> Recording:
        """A recording."""
        ...

    async def create(self, request: RecordingCreate) -> Recording:
        """Start a recording."""
        ...

    async def wait_ended(self, recording_id: str) -> Recording:
        """Wait until a recording has ended; its final record."""
        ...


class Rooms(Protocol):
    """What the recorder needs of the room provider (`app.service.rooms.base.RoomProvider`)."""

    def rooms(self) -> list[RoomState]:
        """Every room known now."""
        ...

    def room(self, room_id: str) -> RoomState | None:
        """One room, or None."""
        ...


class AutoRecorder:
    """Starts a recording with the rule's preset when a matching room gets a publisher."""

    def __init__(
        self,
        rules: Sequence[Rule],
        presets: Mapping[str, Preset],
        tasks: Tasks,
        rooms: Rooms,
        events: Publisher,
    ) -> None:
        missing = sorted({r.preset for r in rules} - set(presets))
        if missing:
            raise ValueError(f"rules name presets that do not exist: {', '.join(missing)}")
        self._rules = tuple(rules)
        self._presets = dict(presets)
        self._tasks = tasks
        self._rooms = rooms
        self._events = events
        self._following: dict[str, str] = {}  # room → the active recording this recorder started
        self._held: dict[str, str] = {}  # room → why it waits until it empties
        self._starting: set[str] = set()  # rooms whose create is under way
        self._jobs: set[asyncio.Task[None]] = set()
        self._closed = False

    def preset_for(self, room_id: str) -> Preset | None:
        """The preset of the first rule that matches the room, if any."""
        rule = next((r for r in self._rules if r.matches(room_id)), None)
        return None if rule is None else self._presets[rule.preset]

    def held(self, room_id: str) -> str | None:
        """Why a live room is not auto-recorded until it empties, or None."""
        return self._held.get(room_id)

    async def start(self) -> None:
        """Record every matching room that is live now (unless it records already)."""
        self._closed = False
        for room in self._rooms.rooms():
            self._consider(room.room_id)

    def room_changed(self, change: RoomChange) -> None:
        """A provider's report, after the task manager has seen it (on the event loop)."""
        if not self._closed:
            self._consider(change.room_id)

    async def stop(self) -> None:
        """Cancel the starts under way; running recordings are the task manager's to shut down."""
        self._closed = True
        jobs = list(self._jobs)
        for job in jobs:
            job.cancel()
        await asyncio.gather(*jobs, return_exceptions=True)

    # --- inner workings ---------------------------------------------------------------------------

    def _consider(self, room_id: str) -> None:
        """Start the room's recording if it is live, matches, and nothing stands in the way."""
        preset = self.preset_for(room_id)
        if preset is None:
            return
        room = self._rooms.room(room_id)
        if room is None or not room.live:
            if (why := self._held.pop(room_id, None)) is not None:
                log.info("auto-record %s: the room emptied; was held (%s)", room_id, why)
            return
        if room_id in self._held or room_id in self._starting or room_id in self._following:
            return
        try:
            request = self._request(preset, room_id)
        except Exception as exc:  # a preset that does not fit this room: a config problem
            self._hold(room_id, f"preset {preset.name!r} does not fit: {exc}", failed=True)
            return
        if (other := self._active_in(room_id, request.mode)) is not None:
            if auto_tag(preset.name) in other.tags:
                log.info("auto-record %s: following %s, started before", room_id, other.id)
                self._follow(room_id, other.id)
            else:
                self._hold(room_id, f"already recorded in {other.mode} mode by {other.id}")
            return
        self._starting.add(room_id)
        self._spawn(self._create(room_id, request))

    def _request(self, preset: Preset, room_id: str) -> RecordingCreate:
        request = preset.for_room(room_id)
        tag = auto_tag(preset.name)
        if tag in request.tags:
            return request
        return request.model_copy(update={"tags": [*request.tags, tag]})

    def _active_in(self, room_id: str, mode: Mode) -> Recording | None:
        for recording_id in self._tasks.active_ids(room_id):
            try:
                rec = self._tasks.get(recording_id)
            except ApiError:
                continue
            if rec.mode == mode and rec.state in ACTIVE_STATES:
                return rec
        return None

    async def _create(self, room_id: str, request: RecordingCreate) -> None:
        try:
            rec = await self._tasks.create(request)
        except ApiError as exc:
            self._hold(room_id, f"the start was refused: {exc.code.name}: {exc}", failed=True)
            return
        except Exception as exc:
            log.exception("auto-record %s: the start failed", room_id)
            self._hold(room_id, f"the start failed: {exc}", failed=True)
            return
        finally:
            self._starting.discard(room_id)
        log.info("auto-record %s: started %s (%s)", room_id, rec.id, ", ".join(request.tags))
        self._follow(room_id, rec.id)

    def _follow(self, room_id: str, recording_id: str) -> None:
        self._following[room_id] = recording_id
        self._spawn(self._until_ended(room_id, recording_id))

    async def _until_ended(self, room_id: str, recording_id: str) -> None:
        try:
            rec = await self._tasks.wait_ended(recording_id)
        finally:
            if self._following.get(room_id) == recording_id:
                del self._following[room_id]
        if self._closed:
            return
        log.info("auto-record %s: %s ended (%s: %s)", room_id, rec.id, rec.state, rec.reason)
        if rec.state == "completed" and rec.reason == "idle":
            # Someone may have come back while it was stopping: they get a new task at once.
            self._consider(room_id)
            return
        self._hold(
            room_id, f"{rec.id} ended ({rec.state}: {rec.reason})", failed=rec.state == "failed"
        )

    def _hold(self, room_id: str, why: str, *, failed: bool = False) -> None:
        """Hold a live room until it empties, and report it; an empty one needs no holding."""
        room = self._rooms.room(room_id)
        live = room is not None and room.live
        level = logging.WARNING if failed else logging.INFO
        until = "not recorded until the room empties" if live else "the room is empty"
        log.log(level, "auto-record %s: %s: %s", room_id, until, why)
        if not live:
            return
        newly = room_id not in self._held
        self._held[room_id] = why
        if newly:
            preset = self.preset_for(room_id)
            name = preset.name if preset is not None else ""
            self._events.publish(
                "autorecord.held",
                {"room_id": room_id, "preset": name, "reason": why, "failed": failed},
            )

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        job = asyncio.get_running_loop().create_task(coro)
        self._jobs.add(job)
        job.add_done_callback(self._done)

    def _done(self, job: asyncio.Task[None]) -> None:
        self._jobs.discard(job)
        if not job.cancelled() and (exc := job.exception()) is not None:
            log.error("auto-recording failed: %s", exc, exc_info=exc)

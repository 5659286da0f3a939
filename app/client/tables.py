"""Plain text for `recdesk-ctl`: the service's resources as aligned tables and detail blocks.

- `table`            columns aligned with two spaces between, sizes and durations right-aligned;
- `duration`, `size` `1:02:03`, `12.3 MB` (decimal units, as `ls --si` and disk makers count);
- `rooms_table`, `streams_table`, `recordings_table`, `files_table`, `providers_table`,
  `images_table`, `presets_table`, `storage_table`  one row per item;
- `health_detail`, `room_detail`, `recording_detail`  a `key  value` block, then its table
  (the room providers, the streams, the files);
- `event_line`       one line per event, for following the stream.

A missing value prints as `-`, so every row has every column.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime

from app.api.models import (
    Event,
    Health,
    Image,
    ProviderHealthModel,
    RecordedFile,
    Recording,
    Room,
    StorageInfo,
    Stream,
)
from app.api.presets import Preset

NONE = "-"
_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, right: Collection[int] = ()
) -> str:
    """Rows under their headers, each column as wide as its widest cell; no trailing spaces."""
    widths = [len(header) for header in headers]
    for row in rows:
        for column, cell in enumerate(row):
            widths[column] = max(widths[column], len(cell))
    lines = []
    for row in (headers, *rows):
        cells = [
            cell.rjust(width) if column in right else cell.ljust(width)
            for column, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def details(pairs: Sequence[tuple[str, str]]) -> str:
    """`key  value` lines with the values aligned."""
    width = max((len(key) for key, _ in pairs), default=0)
    return "\n".join(f"{key.ljust(width)}  {value}".rstrip() for key, value in pairs)


def duration(seconds: float | None) -> str:
    """`1:02:03` for 3723 s, `0:00:05` for 4.6 s; `-` for None."""
    if seconds is None:
        return NONE
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def size(count: int | None) -> str:
    """`512 B`, `12.3 MB`, `1.5 GB`; `-` for None."""
    if count is None:
        return NONE
    if count < 1000:
        return f"{count} B"
    value = float(count)
    unit = 0
    # Move up while the rounded value would read 1000.0 or more in this unit.
    while value >= 999.95 and unit < len(_UNITS) - 1:
        value /= 1000
        unit += 1
    return f"{value:.1f} {_UNITS[unit]}"


def when(moment: datetime | None) -> str:
    """A time in the local zone, to the second."""
    if moment is None:
        return NONE
    return moment.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values) if values else NONE


def rooms_table(rooms: Sequence[Room]) -> str:
    """Rooms: id, name, live, number of streams, active recordings."""
    rows = [
        [
            room.room_id,
            room.name,
            "yes" if room.live else "no",
            str(len(room.streams)),
            _listed(room.recording),
        ]
        for room in rooms
    ]
    return table(["ID", "NAME", "LIVE", "STREAMS", "RECORDING"], rows, right={3})


def _video(stream: Stream) -> str:
    if stream.width is None or stream.height is None:
        return stream.codec or NONE
    fps = f" {stream.fps:g} fps" if stream.fps else ""
    return f"{stream.codec or '?'} {stream.width}x{stream.height}{fps}"


def _audio(stream: Stream) -> str:
    if stream.audio_codec is None:
        return NONE
    rate = f" {stream.sample_rate / 1000:g} kHz" if stream.sample_rate else ""
    channels = f" {stream.channels} ch" if stream.channels else ""
    return f"{stream.audio_codec}{rate}{channels}"


def streams_table(streams: Sequence[Stream]) -> str:
    """A room's streams: id, user, kind, video and audio format, since when."""
    rows = [[s.stream_id, s.user_id, s.kind, _video(s), _audio(s), when(s.since)] for s in streams]
    return table(["STREAM", "USER", "KIND", "VIDEO", "AUDIO", "SINCE"], rows)


def recordings_table(recordings: Sequence[Recording]) -> str:
    """Recordings: id, room, mode, state, elapsed time, number of files."""
    rows = [
        [r.id, r.room_id, r.mode, r.state, duration(r.elapsed), str(len(r.files))]
        for r in recordings
    ]
    return table(["ID", "ROOM", "MODE", "STATE", "ELAPSED", "FILES"], rows, right={4, 5})


def files_table(files: Sequence[RecordedFile]) -> str:
    """Files: id, name, size, duration, recording; where any has storage, its upload state and
    download URL (or why its upload failed: it is tried again)."""
    headers = ["ID", "NAME", "SIZE", "DURATION", "RECORDING"]
    rows = [[f.file_id, f.name, size(f.size), duration(f.duration), f.recording_id] for f in files]
    if any(f.upload is not None for f in files):
        headers += ["UPLOAD", "URL"]
        for row, f in zip(rows, files, strict=True):
            where = f.download_url or (f"error: {f.upload_error}" if f.upload_error else NONE)
            row += [f.upload or NONE, where]
    return table(headers, rows, right={2, 3})


def images_table(images: Sequence[Image]) -> str:
    """The images area: name, format, picture size, bytes, when stored."""
    rows = [
        [i.name, i.format, f"{i.width}x{i.height}", size(i.size), when(i.created)] for i in images
    ]
    return table(["NAME", "FORMAT", "PICTURE", "SIZE", "STORED"], rows, right={3})


def health_detail(health: Health) -> str:
    """The service's version, uptime, free space and running recordings, then its providers."""
    head = details(
        [
            ("version", health.version),
            ("uptime", duration(health.uptime)),
            ("free", size(health.free_bytes)),
            ("data dir", health.data_dir or NONE),
            ("recordings", str(health.recordings)),
        ]
    )
    if not health.providers:
        return head
    return f"{head}\n\n{providers_table(health.providers)}"


def providers_table(providers: Sequence[ProviderHealthModel]) -> str:
    """Room providers: name, kind, ok or not, rooms, when last checked, what is wrong."""
    rows = [
        [p.name, p.kind, "yes" if p.ok else "no", str(p.rooms), when(p.checked_at), p.error or NONE]
        for p in providers
    ]
    return table(["PROVIDER", "KIND", "OK", "ROOMS", "CHECKED", "ERROR"], rows, right={3})


def room_detail(room: Room) -> str:
    """A room's fields, then its streams."""
    head = details(
        [
            ("room", room.room_id),
            ("name", room.name),
            ("live", "yes" if room.live else "no"),
            ("recording", _listed(room.recording)),
        ]
    )
    return f"{head}\n\n{streams_table(room.streams)}"


def recording_detail(recording: Recording) -> str:
    """A recording's settings, state and timings, then its files."""
    state = f"{recording.state} ({recording.reason})" if recording.reason else recording.state
    layout = recording.layout.template if recording.layout else None
    head = details(
        [
            ("recording", recording.id),
            ("room", recording.room_id),
            ("mode", f"{recording.mode}, {recording.stream_type}, {recording.format}"),
            ("state", state),
            ("elapsed", duration(recording.elapsed)),
            ("created", when(recording.created)),
            ("started", when(recording.started)),
            ("ended", when(recording.ended)),
            ("gaps", _gaps(recording)),
            ("layout", str(layout) if layout else NONE),
            ("include", _listed(recording.include)),
            ("exclude", _listed(recording.exclude)),
            ("tags", _listed(recording.tags)),
            ("user data", recording.user_data or NONE),
            ("preset", recording.preset or NONE),
            ("storage", _storage(recording)),
            ("callback", recording.callback_url or NONE),
        ]
    )
    if not recording.files:
        return head
    return f"{head}\n\n{files_table(recording.files)}"


def _gaps(recording: Recording) -> str:
    """`0:02:30 missing from 2025-01-01 10:00:00 (service-restarted)` for each gap, or `-`."""
    said = [
        f"{duration((gap.to - gap.from_).total_seconds())} missing from {when(gap.from_)} "
        f"({gap.reason})"
        for gap in recording.gaps
    ]
    return "; ".join(said) if said else NONE


def presets_table(presets: Sequence[Preset]) -> str:
    """The config's presets: name, where they upload, and their fields as `key=value`."""
    rows = [
        [
            p.name,
            _storage_text(p.storage),
            " ".join(f"{key}={_field(value)}" for key, value in p.fields.items()) or NONE,
        ]
        for p in presets
    ]
    return table(["NAME", "STORAGE", "FIELDS"], rows)


def storage_table(profiles: Sequence[StorageInfo]) -> str:
    """The config's storage profiles: name, vendor, and where (endpoint/bucket/prefix)."""
    rows = [[s.profile or NONE, s.vendor, _where(s), s.region or NONE] for s in profiles]
    return table(["PROFILE", "VENDOR", "WHERE", "REGION"], rows)


def _storage(recording: Recording) -> str:
    """`s3_compatible http://host/bucket/prefix (profile NAME)`, or `-`."""
    return _storage_text(recording.storage)


def _where(storage: StorageInfo) -> str:
    return "/".join(p for p in (storage.endpoint or "", storage.bucket, storage.prefix) if p)


def _storage_text(storage: StorageInfo | None) -> str:
    if storage is None:
        return NONE
    profile = f" (profile {storage.profile})" if storage.profile else ""
    return f"{storage.vendor} {_where(storage)}{profile}"


def _field(value: object) -> str:
    if isinstance(value, str):
        # A value with spaces or quotes is quoted (JSON), so each `key=value` reads as one.
        return value if value and not any(c in value for c in " \"'\t\n") else json.dumps(value)
    if isinstance(value, dict) and isinstance(value.get("stream_id"), str):
        return str(value["stream_id"])  # a whole stream is too long for a line; its id will do
    return json.dumps(value, separators=(",", ":"))


def event_line(event: Event) -> str:
    """`id  time  type  key=value ...` for one event; empty values are left out."""
    fields = " ".join(
        f"{key}={_field(value)}" for key, value in event.data.items() if value is not None
    )
    return f"{event.id}  {when(event.at)}  {event.type}  {fields}".rstrip()

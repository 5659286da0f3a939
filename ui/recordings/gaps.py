"""What a recording missed, in words: "2 min 30 s missing (service restarted)".

A recording that went on after its service or its worker restarted lists the stretch between its
parts as a gap (`Recording.gaps`); the task list shows them beside its reason, so the operator
knows a file's timeline jumps there.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.api.models import Recording, RecordingGap


def _tr(text: str) -> str:
    return QCoreApplication.translate("RecordingGaps", text)


def gap_length(seconds: float) -> str:
    """`2 min 30 s`, `45 s`, `1 h 5 min`: how long, to the second under an hour."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _tr("{h} h {m} min").format(h=hours, m=minutes)
    if minutes:
        return _tr("{m} min {s} s").format(m=minutes, s=secs)
    return _tr("{s} s").format(s=secs)


def gap_reason(reason: str) -> str:
    """A gap's reason in the operator's language (an unknown one as the service wrote it)."""
    names = {
        "service-restarted": _tr("service restarted"),
        "worker-restarted": _tr("recorder restarted"),
    }
    return names.get(reason, reason)


def gap_note(gap: RecordingGap) -> str:
    """`2 min 30 s missing (service restarted)`."""
    length = gap_length((gap.to - gap.from_).total_seconds())
    return _tr("{length} missing ({reason})").format(length=length, reason=gap_reason(gap.reason))


def gaps_note(recording: Recording) -> str:
    """Every gap of a recording, `; `-separated; "" when it missed nothing."""
    return "; ".join(gap_note(gap) for gap in recording.gaps)


def gaps_tooltip(recording: Recording) -> str:
    """Each gap on its own line, with when it began and ended (local time)."""
    lines = [
        _tr("{note}: from {start} to {end}").format(
            note=gap_note(gap),
            start=gap.from_.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            end=gap.to.astimezone().strftime("%H:%M:%S"),
        )
        for gap in recording.gaps
    ]
    return "\n".join(lines)

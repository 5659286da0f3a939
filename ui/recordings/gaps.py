"""What a recording missed, in words: "2 min 30 s missing (service restarted)".

A recording that went on after its service or its worker restarted lists the stretch between its
parts as a gap (`Recording.gaps`); the task list shows them beside its reason, so the operator
knows a file's timeline jumps there.
"""

from __future__ import annotations

from app.api.models import Recording, RecordingGap
from ui.common.translate import translate


def gap_length(seconds: float) -> str:
    """`2 min 30 s`, `45 s`, `1 h 5 min`: how long, to the second under an hour."""
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return translate("RecordingGaps", "{h} h {m} min").format(h=hours, m=minutes)
    if minutes:
        return translate("RecordingGaps", "{m} min {s} s").format(m=minutes, s=secs)
    return translate("RecordingGaps", "{s} s").format(s=secs)


def gap_reason(reason: str) -> str:
    """A gap's reason in the operator's language (an unknown one as the service wrote it)."""
    names = {
        "service-restarted": translate("RecordingGaps", "service restarted"),
        "worker-restarted": translate("RecordingGaps", "recorder restarted"),
    }
    return names.get(reason, reason)


def gap_note(gap: RecordingGap) -> str:
    """`2 min 30 s missing (service restarted)`."""
    length = gap_length((gap.to - gap.from_).total_seconds())
    return translate("RecordingGaps", "{length} missing ({reason})").format(
        length=length, reason=gap_reason(gap.reason)
    )


def gaps_note(recording: Recording) -> str:
    """Every gap of a recording, `; `-separated; "" when it missed nothing."""
    return "; ".join(gap_note(gap) for gap in recording.gaps)


def gaps_tooltip(recording: Recording) -> str:
    """Each gap on its own line, with when it began and ended (local time)."""
    lines = [
        translate("RecordingGaps", "{note}: from {start} to {end}").format(
            note=gap_note(gap),
            start=gap.from_.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            end=gap.to.astimezone().strftime("%H:%M:%S"),
        )
        for gap in recording.gaps
    ]
    return "\n".join(lines)

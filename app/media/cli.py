"""`recdesk-record`: record a source to files from the command line.

```
recdesk-record SOURCE [SOURCE ...] -o OUTPUT [--format mp4|mkv|webm|flv|ts|hls|m4a|ogg]
               [--stream-type audio|video|av|separate] [--duration SECONDS] [--live]
               [--split SECONDS] [--snapshot-every SECONDS] [--max-idle SECONDS]
               [--stdin-commands]
recdesk-record --recover PATH
recdesk-record --list-protocols | --list-devices | --version
```

Prints one JSON line per event on stdout: `started`, `file` (each file or part as soon as it is
final), `snapshot`, `paused`, `resumed`, `source-lost`, `source-back`. SIGINT and SIGTERM finish the
files and exit 0; SIGUSR1 toggles pause and SIGUSR2 takes a snapshot (where signals are missing,
`--stdin-commands` reads `pause`, `resume`, `snapshot` and `stop` lines from stdin).
Exit status: 0 recorded (or stopped after `--max-idle` without data, which stderr says), 1 the
recording failed (files finished so far are kept and reported), 2 bad input, with one line on
stderr that says what to fix.

The order of the checks is the order of the costs: arguments, then the output folder, then the
source, then the stream type, and only then is anything written.
"""

from __future__ import annotations

import argparse
import json
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from app.errors import RecDeskError
from app.media.allocator import fix_mmap_threshold
from app.media.capabilities import input_protocols
from app.media.errors import OutputError
from app.media.events import Event
from app.media.formats import FORMATS, ContainerFormat, split_output
from app.media.mix.images import LocalImageFiles
from app.media.pipeline.layouts import DEFAULT_CANVAS, make_layout, parse_size
from app.media.pipeline.opening import open_mix, stream_ids
from app.media.pipeline.outputs import OutputRequest, OutputsExist, build_outputs, check_folder
from app.media.plan import STREAM_TYPES
from app.media.remux import Remuxer
from app.media.sinks.container import DEFAULT_SEGMENT_LENGTH
from app.media.sources import MediaSource, open_source, parse_source
from app.media.sources.devices import (
    GROUPS,
    WAYLAND_MESSAGE,
    device_kinds,
    device_report,
    wayland_session,
)
from app.media.sources.reconnect import DEFAULT_MAX_IDLE
from app.version import version_line

PROG = "recdesk-record"


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message} (see {PROG} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The command line."""
    parser = _Parser(
        prog=PROG,
        description="Record live or file sources to files, copying packets without re-encoding.",
    )
    parser.add_argument("--version", action="version", version=version_line(PROG))
    parser.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="file, URL, lavfi:GRAPH, DEVICE:TARGET, window:TITLE, loopback:NAME or mic:NAME "
        "(--list-devices lists this computer's)",
    )
    parser.add_argument(
        "-o", "--output", type=Path, help="output file; its extension picks the format"
    )
    parser.add_argument(
        "--format", choices=list(FORMATS), help="container (default: from OUTPUT, else mp4)"
    )
    parser.add_argument("--stream-type", choices=STREAM_TYPES, help="what to record (default: av)")
    parser.add_argument(
        "--duration", type=_positive, metavar="SECONDS", help="stop after this much media"
    )
    parser.add_argument(
        "--live", action="store_true", help="play a file source in real time, in a loop"
    )
    parser.add_argument(
        "--live-position",
        type=_non_negative,
        default=0.0,
        metavar="SECONDS",
        help="with --live: start this far into the live timeline",
    )
    parser.add_argument(
        "--segment-length",
        type=_positive,
        default=DEFAULT_SEGMENT_LENGTH,
        metavar="SECONDS",
        help="HLS segment length (default: %(default)s)",
    )
    parser.add_argument(
        "--layout",
        metavar="TEMPLATE|FILE.json",
        help="mix the sources: grid, floating, vertical, horizontal, speaker, screen_share, or a "
        "layout file (several sources are mixed on a grid by default)",
    )
    parser.add_argument(
        "--size",
        default=f"{DEFAULT_CANVAS.width}x{DEFAULT_CANVAS.height}",
        metavar="WxH",
        help="mix size (default: %(default)s)",
    )
    parser.add_argument(
        "--fps",
        type=int,
        default=DEFAULT_CANVAS.fps,
        metavar="N",
        help="mix frame rate (default: %(default)s)",
    )
    parser.add_argument(
        "--split",
        type=_positive,
        metavar="SECONDS",
        help="write parts of this many seconds, named OUTPUT-001, OUTPUT-002, ...",
    )
    parser.add_argument(
        "--snapshot-every",
        type=_positive,
        metavar="SECONDS",
        help="write a JPEG of the video every this many seconds (OUTPUT-snap-00001.jpg, ...)",
    )
    parser.add_argument(
        "--max-idle",
        type=_positive,
        default=DEFAULT_MAX_IDLE,
        metavar="SECONDS",
        help="stop after this long without data from a live source (default: %(default)g)",
    )
    parser.add_argument(
        "--stdin-commands",
        action="store_true",
        help="read pause, resume, snapshot and stop commands from stdin, one per line",
    )
    parser.add_argument(
        "-y", "--overwrite", action="store_true", help="replace existing output files"
    )
    parser.add_argument(
        "--recover",
        type=Path,
        metavar="PATH",
        help="finish a file left by a killed recorder, in place, and exit",
    )
    parser.add_argument(
        "--list-protocols", action="store_true", help="list the input protocols and exit"
    )
    parser.add_argument(
        "--list-devices",
        action="store_true",
        help="list screens, windows, cameras, microphones and system sound, and exit",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `recdesk-record`."""
    args = build_parser().parse_args(argv)
    fix_mmap_threshold()  # a long recording holds what its muxers keep, not the heap's holes
    if args.list_protocols:
        print("\n".join(input_protocols()))
        return 0
    if args.list_devices:
        _print_devices()
        return 0
    try:
        if args.recover is not None:
            from app.media.recover import recover  # only this path needs it

            _print_event(recover(args.recover))
            return 0
        return _record(args)
    except RecDeskError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2 if exc.caller_fault else 1


def _record(args: argparse.Namespace) -> int:
    if not args.sources:
        raise _UsageError("give a SOURCE to record")
    if args.output is None:
        raise _UsageError("give an output file with -o OUTPUT")
    stem, fmt = split_output(args.output, args.format)
    mixed = len(args.sources) > 1 or args.layout is not None
    if mixed:
        source = _open_mix(args, fmt)
    else:
        spec = parse_source(args.sources[0])
        if args.live and spec.kind != "file":
            raise _UsageError(
                f"--live paces a file; {spec} is live already, record it without --live"
            )
        check_folder(stem.parent, what="output folder", advice="choose another -o")
        source = open_source(
            spec, live=args.live, position=args.live_position, max_idle=args.max_idle
        )
    try:
        request = OutputRequest(
            format=fmt,
            stem=stem,
            stream_type=args.stream_type,
            split=args.split,
            segment_length=args.segment_length,
            naming="replace" if args.overwrite else "refuse",
            snapshot_every=args.snapshot_every,
            label=source.label if mixed else args.sources[0],
        )
        try:
            outputs = build_outputs(source, request, on_snapshot=_print_event)
        except OutputsExist as exc:
            raise OutputError(f"{exc}; pass -y to replace it, or choose another -o") from None
        remuxer = Remuxer(
            source,
            outputs.sinks,
            duration=args.duration,
            snapshots=outputs.snapshots,
            on_event=_print_event,
        )
        return _run(remuxer, stdin_commands=args.stdin_commands)
    finally:
        source.close()


def _open_mix(args: argparse.Namespace, fmt: ContainerFormat) -> MediaSource:
    ids = stream_ids(args.sources)
    layout, warnings = make_layout(
        args.layout or "grid", ids, size=parse_size(args.size), fps=args.fps
    )
    for warning in warnings:
        print(f"{PROG}: warning: {warning}", file=sys.stderr)
    check_folder(args.output.parent, what="output folder", advice="choose another -o")
    return open_mix(
        args.sources,
        layout,
        fmt,
        live=args.live,
        position=args.live_position,
        max_idle=args.max_idle,
        images=LocalImageFiles(),  # the user's own files, as the layout file names them
    )


def _run(remuxer: Remuxer, *, stdin_commands: bool) -> int:
    handlers = {
        signal.SIGINT: lambda *_: remuxer.stop(),
        signal.SIGTERM: lambda *_: remuxer.stop(),
    }
    if hasattr(signal, "SIGUSR1"):  # not on Windows: --stdin-commands there
        handlers[signal.SIGUSR1] = lambda *_: remuxer.toggle_pause()
        handlers[signal.SIGUSR2] = lambda *_: remuxer.snapshot()
    previous = {sig: signal.signal(sig, handler) for sig, handler in handlers.items()}
    if stdin_commands:
        threading.Thread(target=_read_commands, args=(remuxer,), daemon=True).start()
    try:
        result = remuxer.run()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if result.reason == "idle":
        print(f"{PROG}: stopped: {result.error}", file=sys.stderr)
        return 0
    if result.error is not None:
        print(f"{PROG}: {result.error}", file=sys.stderr)
        return 1
    return 0


def _read_commands(remuxer: Remuxer) -> None:
    commands = {
        "pause": remuxer.pause,
        "resume": remuxer.resume,
        "toggle": remuxer.toggle_pause,
        "snapshot": remuxer.snapshot,
        "stop": remuxer.stop,
    }
    for line in sys.stdin:
        command = commands.get(line.strip().lower())
        if command is None:
            print(
                f"{PROG}: unknown command {line.strip()!r}; use " + ", ".join(commands),
                file=sys.stderr,
            )
            continue
        command()


def _print_event(event: Event) -> None:
    print(json.dumps(event.as_event()), flush=True)


def _print_devices() -> None:
    """The devices by group, each as the argument that records it (quoted for a shell)."""
    kinds = device_kinds()
    print("device kinds: " + (", ".join(kinds) if kinds else "none"))
    report = device_report()
    width = min(40, max((len(shlex.quote(d.source)) for d in report.devices), default=0))
    for group in GROUPS:
        print(f"{group.capitalize()}:")
        for device in report.group(group):
            print(f"  {shlex.quote(device.source):{width}}  {device.description}")
        if group in report.unavailable:
            print(f"  none: {report.unavailable[group]}")
    if wayland_session():
        print(WAYLAND_MESSAGE)


class _UsageError(RecDeskError):
    caller_fault = True


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number of seconds")
    return value


def _non_negative(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text} is negative")
    return value


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds") from None


if __name__ == "__main__":
    sys.exit(main())

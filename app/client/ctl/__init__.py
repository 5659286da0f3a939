"""`recdesk-ctl`: drive a recording service from the command line.

```
recdesk-ctl [--url URL] [--app-id ID --secret SECRET | --token TOKEN] [--json] COMMAND
  health | rooms | room ID | files [--name] [--room] [--recording] | events [--since N]
  record start [ROOM] [--request FILE] [options] | record stop|pause|resume|status ID
  record list [--room] [--state] | layout set ID [FILE|TEMPLATE] [--request FILE]
  download FILE_ID [-o PATH] [--force] | images [list] | images upload FILE [--name NAME]
  images delete NAME | completion bash|zsh|fish | --version
```

The URL comes from `--url`, else `$RECDESK_URL`, else `http://127.0.0.1:8080`. A service beyond
loopback needs credentials: an AppID and its secret (`--app-id`, `--secret`, else
`$RECDESK_APP_ID`, `$RECDESK_SECRET`), with which every request is signed, or a token (`--token`,
else `$RECDESK_TOKEN`), sent as `Authorization: Bearer`. Flags win over the environment, and a
kind named by a flag puts the other kind's variables aside; prefer the variables for secrets,
which on the command line show in `ps`. Output is aligned plain text, or with `--json` (before or
after the command) the JSON of what the service answered: lists as one `{"items": [...]}` with
every page, events one object per line. Errors are one line on stderr; the exit status is 1 when
the service or the connection failed and 2 for a wrong command line or request file, checked
before anything is sent. `download` never replaces a file that is there (exit 2, as
`recdesk-record` without `-y`) unless `--force` says so.

The folder's modules: `parser` (the command line), `bodies` (the JSON a command sends, from flags
and `--request` files), `commands` (what each command does and prints), `completion` (the shell
scripts and the values Tab offers).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence

from app.client.client import RecDeskClient
from app.client.ctl.bodies import layout_argument, layout_request, recording_request
from app.client.ctl.commands import HANDLERS
from app.client.ctl.completion import autocomplete, script
from app.client.ctl.parser import PROG, UsageError, build_parser
from app.client.errors import ClientError, ServiceError
from app.client.signing import from_flags_or_environment

__all__ = ["build_parser", "layout_argument", "main", "recording_request"]


async def _run(client: RecDeskClient, args: argparse.Namespace) -> int:
    try:
        async with client:
            text = await HANDLERS[args.command](client, args)
    except ServiceError as exc:
        where = f"code {exc.number} {exc.name}" if exc.number is not None else f"HTTP {exc.status}"
        print(f"{PROG}: {exc.message} ({where})", file=sys.stderr)
        return 1
    except ClientError as exc:
        print(f"{PROG}: {exc.message}", file=sys.stderr)
        return 1
    except UsageError as exc:  # found wrong only once the service answered
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    if text is not None:
        print(text)
    return 0


def _prepare(args: argparse.Namespace) -> RecDeskClient:
    """Check everything the command line names and build its body: nothing is sent yet."""
    if args.command == "record" and args.action == "start":
        args.body = recording_request(args)
    if args.command == "layout":
        args.body = layout_request(args)
    if args.command == "images" and args.action == "upload":
        try:
            args.image = args.file.read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read {args.file}: {exc.strerror or exc}") from None
    try:
        app_id, secret, token = from_flags_or_environment(
            args.app_id, args.secret, args.token, os.environ
        )
        return RecDeskClient(args.url, app_id=app_id, secret=secret, token=token)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `recdesk-ctl`; returns the exit status."""
    parser = build_parser()
    if argv is None:  # a shell asking for completions is answered here, and the process ends
        autocomplete(parser)
    try:
        args = parser.parse_args(argv)
        if args.command == "completion":
            print(script(args.shell, PROG), end="")
            return 0
        client = _prepare(args)
    except UsageError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else 0
    try:
        return asyncio.run(_run(client, args))
    except KeyboardInterrupt:
        # Ctrl-C is how `events` ends; anywhere else it cut a command short.
        return 0 if args.command == "events" else 130
    except BrokenPipeError:
        # The reader (`| head`) has gone: stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0

"""Credentials never reach a log: `RedactCredentials` blanks them in every record.

uvicorn's access log writes each request's path with its query string, and a query may carry a
bearer token (`?Token=`, in whatever case a caller wrote it), a signature (`Signature`,
`X-RecDesk-Signature`, a storage's presigned `X-Amz-Signature`, a download link's `sig`) or a
secret. The filter replaces the value of every query-like `NAME=VALUE` whose name ends in `sig`,
`token`, `signature`, `secret` or `password` (in any case) with `[hidden]`, in the
record's message and in each of its string arguments, and `Authorization: Bearer ...` the same
way. Only the arguments
change, not the message's template, so `app.logs.RepeatLimiter` still counts one message as one.

`install()` puts it on every handler of the root logger, the handlers `app.logs.limit_repeats`
wrapped included: a filter on a logger would miss the records that propagate from its children.
"""

from __future__ import annotations

import logging
import re

HIDDEN = "[hidden]"
# A name that ends so; `sig` is a download link's (`app.service.links`). `SignatureNonce` is no
# secret, and stays: a log line can still be found by it.
_NAME = r"[\w.%-]*?(?:token|signature|secret|password|sig)"
_PAIR = re.compile(rf"(?i)(\b{_NAME}=)[^&\s\"'#]*")
_BEARER = re.compile(r"(?i)(\bbearer\s+)[^\s\"',]+")


def redact(text: str) -> str:
    """`text` with the values of credential parameters and bearer tokens hidden."""
    if "=" not in text and "earer" not in text:  # most lines: nothing to look at
        return text
    return _BEARER.sub(rf"\g<1>{HIDDEN}", _PAIR.sub(rf"\g<1>{HIDDEN}", text))


class RedactCredentials(logging.Filter):
    """Hides credentials in each record's message and string arguments; drops no record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                key: redact(value) if isinstance(value, str) else value
                for key, value in record.args.items()
            }
        return True


def install(logger: logging.Logger | None = None) -> RedactCredentials:
    """Put one `RedactCredentials` on every handler of `logger` (the root logger)."""
    found = RedactCredentials()
    for handler in (logger or logging.getLogger()).handlers:
        handler.addFilter(found)
    return found

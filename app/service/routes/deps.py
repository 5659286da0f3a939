"""What every route needs: the running `Service`, and cursors for plain lists."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from app.api.errors import ApiError, ErrorCode

if TYPE_CHECKING:
    from app.service.app import Service


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated["Service", Depends(_service)]


def offset_cursor(offset: int) -> str:
    """An opaque cursor for a position in a list."""
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def read_offset(cursor: str | None) -> int:
    """The position an `offset_cursor` stands for; 422 for anything else."""
    if cursor is None:
        return 0
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "o" and int(value) >= 0:
            return int(value)
    except (ValueError, UnicodeDecodeError):
        pass
    raise ApiError(ErrorCode.invalid_value, f"cursor {cursor!r}: not a cursor this service gave")

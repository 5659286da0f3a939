"""A mixed recording's layout on the wire: read once into a `Layout`, written as its JSON form.

A request names a layout as a template id (`"grid"`, arranged for the room's streams by the
service) or gives the layout itself, as the JSON form of `app.layout.Layout`. Either is read here,
while the request is parsed, and a bad one is a validation error of type `invalid_layout` (which
the service answers with that code, 422, and every problem in its message), or, for a layout beyond
a limit (canvas size, region count), of type `layout_limit` (answered `limit_exceeded`): past this
point every layout is a checked `Layout`, and the OpenAPI document shows its schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from app.layout.errors import LayoutError, LayoutLimitError
from app.layout.model import TEMPLATES, Layout, TemplateId

INVALID_LAYOUT = "invalid_layout"
"""The validation error type of a layout that breaks a rule."""
LAYOUT_LIMIT = "layout_limit"
"""The validation error type of a layout beyond a limit (`app.layout.checks`)."""


def read_layout(value: object) -> Layout:
    """A `Layout` from its JSON form (or as it is); `invalid_layout` names every problem."""
    if not isinstance(value, Layout | Mapping):
        raise PydanticCustomError(INVALID_LAYOUT, "layout: must be a layout object")
    try:
        if isinstance(value, Layout):
            value.validate()  # one built in code (a compat front's): checked all the same
            return value
        return Layout.from_json(value)
    except LayoutLimitError as exc:
        raise PydanticCustomError(LAYOUT_LIMIT, "; ".join(exc.problems)) from exc
    except LayoutError as exc:
        raise PydanticCustomError(INVALID_LAYOUT, "; ".join(exc.problems)) from exc


def read_layout_or_template(value: object) -> Layout | TemplateId:
    """A template id as it is (when it is one), else a `Layout` as `read_layout` reads it."""
    if isinstance(value, str):
        if value not in TEMPLATES:
            raise PydanticCustomError(
                INVALID_LAYOUT,
                f"layout: unknown template {value!r}; use one of {', '.join(TEMPLATES)} "
                "or a layout object",
            )
        return value
    return read_layout(value)


# Read before pydantic sees it, so pydantic only meets a checked `Layout` (which it keeps as it is)
# and gives the schema and the JSON form of the dataclass itself, which are the layout's.
WireLayout = Annotated[Layout, BeforeValidator(read_layout)]
"""A layout in a model: its JSON form in, a checked `Layout` inside, its JSON form out."""

LayoutOrTemplate = Annotated[Layout | TemplateId, BeforeValidator(read_layout_or_template)]
"""A layout, or a template id the service arranges for the room's streams."""


def layout_json(
    layout: Layout | Mapping[str, Any] | str,
) -> dict[str, Any] | Mapping[str, Any] | str:
    """What a client sends for a layout: a `Layout` as its JSON form; a template id or a JSON form
    as given, for the service to check (its answer names every problem)."""
    return layout.to_json() if isinstance(layout, Layout) else layout

"""The async HTTP client of the recording service, and `recdesk-ctl`.

Speaks HTTP only: may import `app.api`, `app.layout` (template names), `app.errors`, httpx and
httpx-sse, never `app.service` or `app.media`.
"""

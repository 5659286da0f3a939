"""The async HTTP client of the recording service, and `recdesk-ctl`.

Speaks HTTP only: may import `app.api` and `app.errors`, never `app.service` or `app.media`.
"""

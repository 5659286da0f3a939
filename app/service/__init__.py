"""The recording service (`recdesk-server`): FastAPI app, tasks, rooms, store, storage, webhooks.

May import `app.api`, `app.media`, `app.layout` and `app.errors`.
"""

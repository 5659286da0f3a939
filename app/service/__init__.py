"""The recording service (`recdesk-server`): FastAPI app, tasks, rooms, store, storage, webhooks."""

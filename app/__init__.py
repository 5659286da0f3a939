"""RecDesk core: everything that runs without Qt.

Packages, from the bottom up (each may import only those below it; `pyproject.toml` holds the
import-linter contracts that keep it so):

- `app.errors`  the root of every error RecDesk raises.
- `app.layout`  the mixed-stream layout model.
- `app.media`   the PyAV engine: sources, remuxer, sinks, the `recdesk-record` command.
- `app.api`     wire models shared by the service and its client.
- `app.service` the recording service (`recdesk-server`).
- `app.client`  the async HTTP client and `recdesk-ctl`.
"""

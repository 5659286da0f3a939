"""The service's state: the SQLite store, its schema, the event log and secrets sealed at rest."""

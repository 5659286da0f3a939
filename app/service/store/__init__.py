"""The service's state: the store (SQLite, or PostgreSQL shared by several services), its schema,
the event log and secrets sealed at rest."""

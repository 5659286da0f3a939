"""Who may use the service: the `[auth]` table, request credentials and the guard before routes."""

"""Recordings as the service runs them: requests checked into tasks, their workers, file names,
layouts, and the automatic recording rules."""

"""Storage: where a recording's files are uploaded (S3-compatible), the profiles, and the queue."""

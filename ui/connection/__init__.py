"""The link to a recording service: the embedded one, or a remote one from a saved profile."""

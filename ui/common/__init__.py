"""What every feature of the desktop uses: errors in words, value formats, background operations."""

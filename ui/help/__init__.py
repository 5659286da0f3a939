"""The Help menu's windows: the README's quick start, and the window's keyboard shortcuts."""

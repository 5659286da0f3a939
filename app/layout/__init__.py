"""Mixed-stream layout model, templates and geometry (filled in by the compositor's issue).

Imports nothing of ours but `app.errors`.
"""

"""The desktop app (PySide6 + qasync): the only package that imports Qt.

May import `app.client`, `app.api`, `app.layout`, `app.media` and `app.errors`.
"""

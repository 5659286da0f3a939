"""Wire models (pydantic) and the stable error codes shared by the service and its client.

May import `app.layout` and `app.errors`.
"""

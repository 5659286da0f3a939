"""The recording worker: one recording task in a process of its own (`python -m app.worker.main`).

The service starts it, gives it a job and commands, and reads its events; the job and the
commands become the media engine's calls here. It knows nothing of HTTP, the store or tasks.
"""

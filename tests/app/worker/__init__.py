"""Tests of app/worker: the recording worker process and its recorder."""

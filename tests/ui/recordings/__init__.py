"""Tests of ui/recordings."""

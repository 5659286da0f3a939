"""Tests of ui/rooms."""

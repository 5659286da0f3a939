"""Tests of ui/connection."""

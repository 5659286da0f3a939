"""Tests of ui/help."""

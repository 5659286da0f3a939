"""Tests of ui/layout_editor."""

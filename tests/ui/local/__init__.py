"""Tests of ui/local."""

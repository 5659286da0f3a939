"""The Ray backend: the only code of RecDesk that imports `ray` (an import-linter contract)."""

"""Recording on this computer: the local recorder panel, its settings, saving, history and
recovery."""

"""The rooms of the service: a searchable browser, and the selected room with its streams."""

"""The service's recordings: the record controls of a room, and every recording with its files."""

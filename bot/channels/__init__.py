"""Channels: thin edges that carry messages between the outside world and the core."""

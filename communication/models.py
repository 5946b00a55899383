"""Models of the communication app; built by its own issue."""

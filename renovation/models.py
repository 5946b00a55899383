"""Models of the renovation app; built by its own issue."""

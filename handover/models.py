"""Models of the handover app; built by its own issue."""

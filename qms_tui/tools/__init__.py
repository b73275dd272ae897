"""Developer tools (not imported by the application)."""

"""Every change of data goes through these functions (ARCHITECTURE.md invariant 2)."""

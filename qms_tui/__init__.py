"""qms-tui: the electoral quality management system (SGCE) of the IECM, in the terminal."""

__version__ = "0.1.0"

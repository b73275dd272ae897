"""The TUI in a browser (``qms serve``): the textual-serve server, and the app each browser
session runs, which asks for a QMS login before it reads or shows any record."""

CLIENT_ENV = "QMS_WEB_CLIENT"  # the browser's address, set by `qms serve` in each session's environment

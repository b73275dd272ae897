"""``python -m qms_tui`` is the ``qms`` command."""

from qms_tui.cli import main

if __name__ == "__main__":
    main()

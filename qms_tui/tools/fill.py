"""Fill Spanish translations from a JSON file {msgid: msgstr}: ``python -m qms_tui.tools.fill F``.

For translators working outside a PO editor; then run ``python -m qms_tui.tools.i18n update``.
"""

from __future__ import annotations

import json
import sys

from babel.messages.pofile import write_po

from qms_tui.tools.i18n import PO, read_catalog


def main(path: str) -> int:
    wanted = json.loads(open(path, encoding="utf-8").read())
    catalog = read_catalog()
    filled = 0
    for msgid, msgstr in wanted.items():
        message = catalog.get(msgid)
        if message is not None and msgstr:
            message.string = msgstr
            filled += 1
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True)
    print(f"{filled} translations filled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""Keep the Spanish catalogue complete: ``python -m qms_tui.tools.i18n [update|check]``.

``update`` extracts every msgid (``tr``, ``_``, ``N_``, ``tr_lang``) from the package, merges it
into ``locale/es/LC_MESSAGES/qms.po`` keeping existing translations, drops obsolete ones,
and compiles ``qms.mo``. ``check`` lists msgids without a translation (exit 1 if any).
Needs Babel (a dev dependency); the application reads the compiled ``.mo`` with gettext.
"""

from __future__ import annotations

import ast
import io
import re
import sys
from datetime import datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE = Path(__file__).resolve().parents[1]
PO = PACKAGE / "locale" / "es" / "LC_MESSAGES" / "qms.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"tr": None, "_": None, "N_": None, "tr_lang": (2,)}


def extract() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(PACKAGE), method_map=[("**/tools/**.py", "ignore"), ("**.py", "python")],
        keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True,
    ):
        if isinstance(message, tuple):
            message = message[0]
        if message:
            found.setdefault(message, []).append((f"qms_tui/{filename}", lineno))
    for message, where in in_fstrings().items():
        found.setdefault(message, []).extend(where)
    return found


#: ``tr('literal')`` (or ``_``, ``N_``) written inside an f-string: Babel does not look there on
#: Python < 3.12 (the f-string is one token), so these are found by pattern.
IN_FSTRING = re.compile(r"""\b(?:tr|N_|_)\(\s*('(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*[,)]""")
FSTRING = re.compile(r"""\bf(['"]).*\b(?:tr|N_|_)\(""")


def in_fstrings() -> dict[str, list[tuple[str, int]]]:
    found: dict[str, list[tuple[str, int]]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "tools" in path.relative_to(PACKAGE).parts:
            continue
        for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not FSTRING.search(line):
                continue
            for literal in IN_FSTRING.findall(line):
                message = ast.literal_eval(literal)
                if message:
                    found.setdefault(message, []).append((f"qms_tui/{path.relative_to(PACKAGE)}", lineno))
    return found


def read_catalog() -> Catalog:
    if not PO.exists():
        return Catalog(locale="es", domain="qms")
    with PO.open("rb") as fh:
        return read_po(fh, locale="es", domain="qms")


def build(existing: Catalog, msgids: dict[str, list[tuple[str, int]]]) -> Catalog:
    fixed = datetime(2026, 1, 1)  # a fixed header date keeps the catalogue's diffs to real changes
    catalog = Catalog(locale="es", domain="qms", project="qms-tui", charset="utf-8",
                      creation_date=fixed, revision_date=fixed, last_translator="qms-tui",
                      language_team="es")
    for msgid in sorted(msgids):
        old = existing.get(msgid)
        catalog.add(msgid, old.string if old else "", locations=sorted(set(msgids[msgid]))[:3])
    return catalog


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    return buf.getvalue()


def missing(catalog: Catalog, msgids: dict[str, list[tuple[str, int]]]) -> list[str]:
    return sorted(m for m in msgids if not (catalog.get(m) and catalog.get(m).string))


def update() -> list[str]:
    msgids = extract()
    catalog = build(read_catalog(), msgids)
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, omit_header=False, sort_output=True)
    MO.write_bytes(compiled(catalog))
    return missing(catalog, msgids)


def main(argv: list[str]) -> int:
    cmd = argv[0] if argv else "update"
    if cmd == "update":
        gaps = update()
        print(f"{PO.relative_to(PACKAGE.parent)}: {len(gaps)} msgids without a Spanish translation")
        return 0
    if cmd == "check":
        gaps = missing(read_catalog(), extract())
        for m in gaps:
            print(m)
        return 1 if gaps else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

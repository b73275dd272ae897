"""Translation: English msgids, Spanish catalogue first (gettext .mo under ``locale/``).

``tr(msgid, **params)`` translates into the current language and formats ``{name}`` params.
The language is chosen once at start (``--lang``, ``QMS_LANG``, config), default Spanish.
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
DOMAIN = "qms"
LOCALE_DIR = Path(__file__).parent / "locale"

_language = DEFAULT_LANGUAGE
_catalogs: dict[str, gettext.NullTranslations] = {}


def _catalog(lang: str) -> gettext.NullTranslations:
    if lang not in _catalogs:
        if lang == "en":
            _catalogs[lang] = gettext.NullTranslations()
        else:
            _catalogs[lang] = gettext.translation(
                DOMAIN, localedir=LOCALE_DIR, languages=[lang], fallback=True
            )
    return _catalogs[lang]


def set_language(lang: str | None) -> str:
    """Select the language (``es``/``en``); unknown or empty values give the default."""
    global _language
    lang = (lang or os.environ.get("QMS_LANG") or DEFAULT_LANGUAGE).lower()[:2]
    _language = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    return _language


def get_language() -> str:
    return _language


def _untranslated(msgid: str, text: str) -> str:
    """A msgid may carry a context for translators, ``"risk|closed"``: shown as "closed"."""
    if text == msgid and "|" in msgid:
        return msgid.split("|", 1)[1]
    return text


def tr(msgid: str, /, **params: object) -> str:
    text = _untranslated(msgid, _catalog(_language).gettext(msgid))
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return text
    return text


def tr_lang(lang: str, msgid: str, /, **params: object) -> str:
    """Translate into a given language without changing the current one (reports)."""
    text = _untranslated(msgid, _catalog(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).gettext(msgid))
    return text.format(**params) if params else text


_ = tr

"""TUI fixtures: a small frozen database, a fixed Spanish mini-catalogue, worker waiting."""

from __future__ import annotations

import gettext
from collections.abc import Iterator

import pytest

from qms_tui import i18n
from tui.dataset import TODAY, fill

#: The Spanish the tests (and snapshots) see, fixed so they don't move while the real
#: catalogue (qms_tui/locale/es) is being written.
SPANISH = {
    "Indicators": "Indicadores", "Indicator": "Indicador", "Nonconformities": "No conformidades",
    "Audits": "Auditorías", "Dashboard": "Tablero", "Quality policy": "Política de calidad",
    "Quality objectives and indicators": "Objetivos de calidad e indicadores",
    "Open nonconformities (by age in days)": "No conformidades abiertas (antigüedad en días)",
    "Overdue measurements": "Mediciones atrasadas",
    "Coming up: audits and management reviews": "Próximas auditorías y revisiones por la dirección",
    "Improvement projects by PDCA stage": "Proyectos de mejora por etapa PHVA",
    "on target": "en meta", "at risk": "en riesgo", "off target": "fuera de meta", "no data": "sin datos",
    "Severity": "Severidad", "Total": "Total", "major": "mayor", "minor": "menor",
    "not classified": "sin clasificar", "Drafts raised automatically to review: {n}":
    "Borradores automáticos por revisar: {n}", "Actions past their due date: {n}": "Acciones vencidas: {n}",
    "in force since {date}": "vigente desde {date}", "Indicators without an objective":
    "Indicadores sin objetivo", "planned": "planeada", "{n} periods missing": "faltan {n} periodos",
    "never measured": "nunca medido", "Plan": "Planear", "Do": "Hacer", "Check": "Verificar", "Act": "Actuar",
    "Back": "Regresar", "Refresh": "Actualizar", "Help": "Ayuda", "Search": "Buscar", "Commands": "Comandos",
    "quality coordinator": "coordinador(a) de calidad", "New indicator": "Nuevo indicador",
    "Open the list": "Abrir la lista", "rows {first}–{last} of {total}": "filas {first}–{last} de {total}",
    "Target": "Meta", "must be a number": "debe ser un número", "Name": "Nombre",
}


class _MiniCatalogue(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return SPANISH.get(message, message)


@pytest.fixture
def spanish() -> Iterator[None]:
    saved = i18n._catalogs.get("es")
    i18n._catalogs["es"] = _MiniCatalogue()
    i18n.set_language("es")
    yield
    if saved is None:
        i18n._catalogs.pop("es", None)
    else:
        i18n._catalogs["es"] = saved


@pytest.fixture
def tui_db(tmp_path):  # type: ignore[no-untyped-def]
    """A SQLite file with the small dataset (written through the services)."""
    from qms_tui.db.session import Database
    from qms_tui.services.setup import init_database

    db = Database(f"sqlite:///{tmp_path / 'tui.db'}")
    init_database(db)
    fill(db)
    yield db
    db.dispose()


@pytest.fixture(autouse=True)
def _log_in_tmp(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture(autouse=True)
def _no_cursor_blink(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Input

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


def make_app(db, lang: str = "es", login: str = "coord"):  # type: ignore[no-untyped-def]
    from qms_tui.app import QmsApp

    return QmsApp(db=db, lang=lang, login=login, today=TODAY)


async def settle(pilot, rounds: int = 3) -> None:  # type: ignore[no-untyped-def]
    """Wait until the workers are done and their messages handled (no sleeps)."""
    for _ in range(rounds):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    keys = {" ": "space", "%": "percent_sign", "-": "minus", ".": "full_stop", ",": "comma"}
    await pilot.press(*[keys.get(ch, ch) for ch in text])

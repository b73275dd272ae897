"""What every report shares: its metadata (title, institute, author, when), the language,
value formatting, and the Jinja2 environment that turns a context into HTML.

No WeasyPrint here: the HTML is built (and tested against golden files) without it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from qms_tui import __version__
from qms_tui.domain import enums as E
from qms_tui.domain import risk as rating
from qms_tui.domain.clauses import ISO54001, STANDARDS, get_clause
from qms_tui.domain.enums import Meaning
from qms_tui.domain.indicators import STATUS_SYMBOL
from qms_tui.domain.specs import FIELD_LABELS, SPECS
from qms_tui.i18n import LANGUAGES, tr_lang
from qms_tui.reports.texts import MSG

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
STYLESHEET = STATIC / "report.css"
INSTITUTE = "Instituto Electoral de la Ciudad de México"
TIMEZONE = "America/Mexico_City"

#: Which enumeration labels a stored value, by the name templates use.
CHOICES: dict[str, type[E.Choice]] = {
    "audit_kind": E.AuditKind, "audit_status": E.AuditStatus, "finding_kind": E.FindingKind,
    "nc_source": E.NcSource, "severity": E.Severity, "nc_status": E.NcStatus, "rca": E.RcaMethod,
    "ishikawa": E.IshikawaCategory, "action_kind": E.ActionKind, "action_status": E.ActionStatus,
    "effectiveness": E.Effectiveness, "review_status": E.ReviewStatus, "review_input": E.ReviewInputItem,
    "review_output": E.ReviewOutputKind, "pdca": E.Pdca, "document_kind": E.DocumentKind,
    "version_status": E.VersionStatus, "policy_status": E.RecordStatus, "objective_status": E.ObjectiveStatus,
    "direction": E.Direction, "frequency": E.Frequency, "light": E.Light, "risk_kind": E.RiskKind,
    "treatment": E.Treatment, "risk_status": E.RiskStatus, "process_category": E.ProcessCategory,
    "programme_status": E.ProgrammeStatus, "audit_role": E.AuditRole, "checklist": E.ChecklistResult,
    "signature_meaning": Meaning,
}

#: The enumeration of each kind's ``status`` column.
STATUS_CHOICE = {
    "policy": "policy_status", "objective": "objective_status", "indicator": "light", "risk": "risk_status",
    "programme": "programme_status", "audit": "audit_status", "finding": "finding_kind",
    "nonconformity": "nc_status", "review": "review_status", "project": "pdca", "document": "version_status",
}


@dataclass(frozen=True)
class Part:
    """One HTML document of a report: template and context; ``name`` names it in progress."""

    name: str
    template: str
    context: dict[str, Any]
    weight: int = 0  # rough size: the biggest parts are rendered first


@dataclass(frozen=True)
class Meta:
    """Who made the report, when, about what. ``generated_at`` is injected (tests fix it)."""

    kind: str  # evidence | audit | review | project | indicators | capa
    title: str  # translated
    lang: str
    author: str
    generated_at: datetime  # aware
    subject: str = ""  # e.g. the standard's full title, or the record's code and title
    period: str = ""  # translated "from … to …" when the report covers one
    institute: str = INSTITUTE
    keywords: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        if self.generated_at.tzinfo is None:
            raise ValueError("generated_at must be an aware datetime")

    @property
    def local_time(self) -> datetime:
        try:
            return self.generated_at.astimezone(ZoneInfo(TIMEZONE))
        except Exception:  # no time-zone database: show UTC
            return self.generated_at

    @property
    def generated_text(self) -> str:
        when = self.local_time
        return texts(self.lang)["generated_by"].format(when=when.strftime("%Y-%m-%d %H:%M"),
                                                       zone=when.strftime("%Z") or "UTC", author=self.author,
                                                       version=__version__)


# ---------------------------------------------------------------- formatting


def texts(lang: str) -> dict[str, str]:
    """Every report text in ``lang`` (keys of :data:`qms_tui.reports.texts.MSG`)."""
    return _texts(lang)


@cache
def _texts(lang: str) -> dict[str, str]:
    return {key: tr_lang(lang, msgid) for key, msgid in MSG.items()}


MONTHS = {
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
           "octubre", "noviembre", "diciembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def long_date(day: date | None, lang: str) -> str:
    if day is None:
        return "—"
    month = MONTHS[lang][day.month - 1]
    return f"{day.day} de {month} de {day.year}" if lang == "es" else f"{day.day} {month} {day.year}"


def fdate(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def num(value: Any, digits: int = 2) -> str:
    """A number for people: at most ``digits`` decimals, no trailing zeros, thousands with a
    thin space (the same in both languages; IECM documents use a decimal point)."""
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return str(value)
    text = f"{value:,.{digits}f}".replace(",", "\u202f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def size(value: int | None) -> str:
    if value is None:
        return "—"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024  # type: ignore[assignment]
    return str(value)


def css_string(text: str) -> Markup:
    """``text`` as the body of a CSS string (between double quotes), safe inside <style>: quotes,
    backslashes and HTML's special characters become CSS escapes."""
    return Markup("".join(c if c.isprintable() and c not in '"\\&<>\'' else f"\\{ord(c):x} " for c in text))


class Labels:
    """Translated names in one language: choices, fields, kinds, clauses, lights."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def choice(self, kind: str, value: Any) -> str:
        if value is None or value == "":
            return "—"
        try:
            return tr_lang(self.lang, CHOICES[kind](value).msgid)
        except ValueError:
            return str(value)

    def status(self, entity: str, value: Any) -> str:
        kind = STATUS_CHOICE.get(entity)
        return self.choice(kind, value) if kind else ("—" if value is None else str(value))

    def field(self, name: str) -> str:
        return tr_lang(self.lang, FIELD_LABELS.get(name, name))

    def kind(self, entity: str, plural: bool = False) -> str:
        spec = SPECS[entity]
        return tr_lang(self.lang, spec.plural if plural else spec.title)

    def clause(self, number: str) -> str:
        try:
            return get_clause(ISO54001, number).title(self.lang)
        except KeyError:
            return ""

    def standard(self, standard: str) -> str:
        es, en = STANDARDS[standard]
        return es if self.lang == "es" else en

    def light(self, value: str | None) -> Markup:
        value = value or "none"
        return Markup('<span class="light {0}">{1}\u00a0{2}</span>').format(
            value, STATUS_SYMBOL.get(value, "·"), self.choice("light", value))

    def band(self, value: str | None) -> str:
        return tr_lang(self.lang, rating.BAND_LABEL[value]) if value else "—"


def fmt(template: str, **params: Any) -> str:
    return template.format(**params)


def kv_rows(rows: list[tuple[str, Any]], short: int = 48) -> list[list[tuple[str, Any, int]]]:
    """Label/value pairs laid out two per table row; a long value takes a whole row.
    Each cell is (label, value, colspan of the value)."""
    out: list[list[tuple[str, Any, int]]] = []
    pending: list[tuple[str, Any, int]] = []
    for label, value in rows:
        shown = "—" if value is None or value == "" else value
        if len(str(shown)) <= short and "\n" not in str(shown):
            pending.append((label, shown, 1))
            if len(pending) == 2:
                out.append(pending)
                pending = []
        else:
            if pending:
                out.append([(pending[0][0], pending[0][1], 3)])
                pending = []
            out.append([(label, shown, 3)])
    if pending:
        out.append([(pending[0][0], pending[0][1], 3)])
    return out


class ChartMaker:
    """Charts for the templates (inline SVG), with translated legends."""

    def __init__(self, lang: str) -> None:
        self.T = texts(lang)

    def indicator(self, detail: Mapping[str, Any]) -> Markup:
        from qms_tui.reports import charts

        if not detail.get("series"):
            return Markup("")
        labels = {"value": self.T["chart_value"], "target": self.T["chart_target"],
                  "band": self.T["chart_band"], "threshold": self.T["chart_threshold"]}
        return Markup(charts.indicator_chart(dict(detail), labels))

    def progress(self, points: list[tuple[str, float | None, str]], unit: str = "") -> Markup:
        from qms_tui.reports import charts

        return Markup(charts.progress_chart(points, unit))

    def bars(self, categories: list[str], series: list[tuple[str, list[float], str]],
             **kwargs: Any) -> Markup:
        from qms_tui.reports import charts

        return Markup(charts.bars_chart(categories, series, **kwargs))


@cache
def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True,
                      lstrip_blocks=True, undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters.update(date=fdate, num=num, size=size, css=css_string, fmt=fmt)
    env.globals.update(kv_rows=kv_rows)
    return env


def render_html(template: str, context: Mapping[str, Any], meta: Meta) -> str:
    """The HTML of ``template`` for ``context`` in the report's language."""
    lang = meta.lang
    env = environment()
    return env.get_template(template).render(
        **context, meta=meta, lang=lang, T=texts(lang), L=Labels(lang), version=__version__,
        long_date=lambda d: long_date(d, lang), charts=ChartMaker(lang),
        page_css=css_string(meta.title), institute_css=css_string(meta.institute),
        footer_css=css_string(meta.generated_text),
    )

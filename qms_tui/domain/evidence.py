"""The evidence pack's records as plain, picklable data (built by
:mod:`qms_tui.services.evidence`): report renderers receive them in other processes and unpickle
them without loading the database layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Part:
    """A sub-record shown inside an item (a plan, a finding, an action …), for the manifest."""

    entity: str
    code: str
    version: int
    sha256: str


@dataclass(frozen=True)
class SignedBy:
    """An electronic signature of an item (or of one of its parts) and whether the record
    still matches the state that was signed."""

    record: str  # code of the signed record (the item, a document version, a check)
    meaning: str  # stored value of qms_tui.domain.enums.Meaning
    signer: str
    signed_at: datetime
    matches: bool
    reason: str | None = None


@dataclass(frozen=True)
class Item:
    entity: str
    code: str
    title: str
    version: str  # "v2" (policy), "3.0" (document), else the record's revision "rev. 4"
    owner: str | None
    approver: str | None
    date: date | None
    status: str | None  # stored value of the record's state
    clauses: tuple[str, ...]  # as linked
    sha256: str  # SHA-256 of the record's canonical state: the JSON its last trail event holds
    detail: dict[str, Any] = field(default_factory=dict)
    parts: tuple[Part, ...] = ()
    home: str | None = None  # the clause showing it in full
    revision: int = 0  # the stored row's version counter
    signatures: tuple[SignedBy, ...] = ()  # oldest first


@dataclass(frozen=True)
class Ref:
    entity: str
    code: str
    via: str | None = None  # the linked clause when it is a parent of this one


@dataclass(frozen=True)
class ClauseEvidence:
    number: str
    title_es: str
    title_en: str
    group: str  # top-level clause ("4" … "10")
    electoral: bool  # an ISO/TS 54001 electoral process (8.5.1.1 … 8.5.1.8)
    refs: tuple[Ref, ...]
    not_applicable: bool = False  # an electoral process excluded from the scope (4.3)

    @property
    def gap(self) -> bool:
        return not self.refs and not self.not_applicable

    def title(self, lang: str) -> str:
        return self.title_es if lang == "es" else self.title_en


@dataclass(frozen=True)
class ProcessApplicability:
    """An ISO/TS 54001 electoral process and the IECM processes declared for it (4.3)."""

    no: int
    number: str
    title_es: str
    title_en: str
    processes: tuple[dict[str, Any], ...]  # code, name, applicable, justification, owner

    @property
    def applicable(self) -> bool | None:
        """True if any declared process applies, False if all are excluded, None if undeclared."""
        if not self.processes:
            return None
        return any(p["applicable"] for p in self.processes)


@dataclass(frozen=True)
class EvidencePack:
    standard: str
    start: date
    end: date
    clauses: tuple[ClauseEvidence, ...]
    items: dict[tuple[str, str], Item]  # (entity, code) → item, in KINDS then code order
    electoral: tuple[ProcessApplicability, ...] = ()

    @property
    def gaps(self) -> tuple[ClauseEvidence, ...]:
        return tuple(c for c in self.clauses if c.gap)

    def item(self, ref: Ref) -> Item:
        return self.items[(ref.entity, ref.code)]

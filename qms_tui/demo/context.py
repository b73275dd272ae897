"""What every part of the demo loader shares: the session, "today", the random source,
the people acting, and the codes of the records created so far."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role

#: Seed of every random number of the demo: two loads give the same values.
SEED = 2025

SYSTEM_LOGIN = "sistema"


@dataclass
class Ctx:
    session: Session
    today: date
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    actors: dict[str, Actor] = field(default_factory=dict)
    #: symbolic key ("nc.closed", "aud.internal") -> record code, filled while loading
    codes: dict[str, str] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)
    #: actions (risk treatments) to mark done once the action service is at hand:
    #: (action code, owner login, completed on)
    done_actions: list[tuple[str, str, date]] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.today.year

    def day(self, offset: int) -> date:
        """``today`` plus ``offset`` days (negative: in the past)."""
        return self.today + timedelta(days=offset)

    def as_(self, login: str) -> Actor:
        """The person ``login`` acting (their role decides what the services allow)."""
        return self.actors[login]

    @property
    def system(self) -> Actor:
        return self.actors[SYSTEM_LOGIN]

    def keep(self, key: str, dto: Any) -> Any:
        """Remember ``dto``'s code (and id) under ``key``; returns the DTO."""
        self.codes[key] = dto.code
        self.ids[key] = dto.id
        return dto

    def code(self, key: str) -> str:
        return self.codes[key]


def system_actor() -> Actor:
    return Actor(login=SYSTEM_LOGIN, role=Role.ADMIN, name="Carga de datos de demostración")

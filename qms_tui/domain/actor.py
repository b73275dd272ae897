"""Who is acting: every service call takes an Actor."""

from __future__ import annotations

from dataclasses import dataclass

from qms_tui.domain.enums import Role


@dataclass(frozen=True)
class Actor:
    login: str
    role: str = Role.COORDINATOR
    name: str = ""
    person_id: int | None = None

    @property
    def label(self) -> str:
        return self.name or self.login


SYSTEM = Actor(login="system", role=Role.ADMIN, name="Sistema")

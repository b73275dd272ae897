"""Who may do what. Services call :func:`authorize` before every write.

The full matrix per role and per entity (and the rules of ISO 9001 9.2.2 on auditor
independence) is refined by the security work; the baseline here is enforced everywhere:
the read-only role changes nothing, and only people in charge of the QMS manage users.
"""

from __future__ import annotations

from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role
from qms_tui.domain.errors import PermissionDenied

ADMIN_ONLY = {"person"}


def may(actor: Actor, entity: str, verb: str) -> bool:
    if actor.role == Role.READER:
        return False
    if entity in ADMIN_ONLY and verb != "read":
        return actor.role in (Role.ADMIN, Role.COORDINATOR)
    return True


def authorize(actor: Actor, entity: str, verb: str) -> None:
    if not may(actor, entity, verb):
        raise PermissionDenied(
            N_("{who} ({role}) may not {verb} records of this kind"),
            who=actor.label, role=Role(actor.role).label(), verb=verb,
        )

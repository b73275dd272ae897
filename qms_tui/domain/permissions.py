"""Who may do what: the permission matrix of the five roles. Services call :func:`authorize`
before every write (``records.create/update/transition/remove`` do it for every entity), so the
rules hold for the TUI, the CLI, importers and jobs alike — hiding a key is only a courtesy.

Verbs: **c**\\ reate, **u**\\ pdate, **t**\\ ransition (a workflow step), **d**\\ elete, **s**\\ ign
(an electronic signature: approving a policy version, a document version, an audit report, a
review's minutes; verifying effectiveness; closing a nonconformity) and **m**\\ anage_users
(``qms users``: roles, disabling, other people's signing PINs). Reading is open to every role.

Rules behind the table:

- **administrator**: everything, users included.
- **quality coordinator**: everything on the quality records, signs the approvals and closes
  nonconformities (and signs the emergency changes of documents and processes during an
  electoral freeze window, ``services/freeze.py``); registers people and manages users, but only an administrator grants or
  removes the administrator role (:func:`authorize_values`). Never deletes a person.
- **process owner**: works the records of the day-to-day management — nonconformities
  (correction, root cause, actions, planning the effectiveness check), actions, measurements,
  risks, document drafts (write, submit, discard; never approve), evidence, objective plans,
  quality circles. Approves nothing, closes no nonconformity, manages no user.
- **internal auditor**: the audit programme (maintains and approves it: no signature) and the
  audits under way (plan details, confirm, perform), their team, checklist and findings;
  raises the nonconformity of a finding (create only); attaches evidence; verifies
  effectiveness (a follow-up audit; signs "verified effectiveness"; a check found not
  effective sends the NC back to root-cause analysis as part of that step). The audit report
  is **accepted by a quality coordinator or administrator** (the programme manager, ISO 19011
  5.5 / 6.6), not by the auditors who wrote it: auditors may not sign audits.
- **process owners and auditors** both take part in quality circles (members, meetings,
  agreements, improvement projects).
- **read-only** (*consulta*): nothing.

Rules that need the data stay in the services: an auditor does not audit their own process
(ISO 9001 9.2.2, ``services/audits.py``); the effectiveness verifier owns none of the actions
(10.2.1 d, ``services/nonconformities.py``); the last active administrator cannot be demoted
or disabled (``services/users.py``).

An entity missing from the table (a new one) is open to administrators and coordinators only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role
from qms_tui.domain.errors import PermissionDenied

VERBS: dict[str, str] = {
    "c": "create", "u": "update", "t": "transition", "d": "delete", "s": "sign", "m": "manage_users",
}
ALL = frozenset(VERBS.values())
ROLES: tuple[str, ...] = (Role.ADMIN, Role.COORDINATOR, Role.PROCESS_OWNER, Role.AUDITOR, Role.READER)

# c create · u update · t transition · d delete · s sign · m manage_users · * all · - nothing
TABLE = """
entity                admin  coordinator  process_owner  auditor  reader
person                *      cum          -              -        -
org_unit              *      cutd         -              -        -
process               *      cutds        -              -        -
event                 *      cutd         -              -        -
stage                 *      cutd         -              -        -
policy                *      cutds        -              -        -
policy_communication  *      cutd         -              -        -
objective             *      cutd         -              -        -
objective_plan        *      cutd         cu             -        -
indicator             *      cutd         -              -        -
measurement           *      cutd         cud            -        -
risk                  *      cutd         cut            -        -
programme             *      cutd         -              ut       -
audit                 *      cutds        -              ut       -
audit_member          *      cutd         -              cud      -
checklist_item        *      cutd         -              cud      -
finding               *      cutd         -              cud      -
nonconformity         *      cutds        cut            c        -
cause                 *      cutd         cud            -        -
action                *      cutd         cut            -        -
effectiveness_check   *      cutds        cu             ts       -
review                *      cutds        -              -        -
review_input          *      cutd         -              -        -
review_output         *      cutd         -              -        -
circle                *      cutd         cutd           cutd     -
circle_member         *      cutd         cutd           cutd     -
meeting               *      cutd         cutd           cutd     -
agreement             *      cutd         cutd           cutd     -
project               *      cutd         cutd           cutd     -
document              *      cutds        cu             -        -
document_version      *      cutds        cutd           -        -
evidence              *      cutd         cu             c        -
"""

#: Roles with every verb on an entity the table does not list yet.
UNLISTED = frozenset({Role.ADMIN.value, Role.COORDINATOR.value})


def _parse(table: str) -> dict[str, dict[str, frozenset[str]]]:
    lines = [line.split() for line in table.strip().splitlines()]
    header, rows = lines[0], lines[1:]
    roles = header[1:]
    assert tuple(roles) == tuple(r.value for r in ROLES), roles  # type: ignore[attr-defined]
    matrix: dict[str, dict[str, frozenset[str]]] = {role: {} for role in roles}
    for cells in rows:
        entity, grants = cells[0], cells[1:]
        assert len(grants) == len(roles), entity
        for role, grant in zip(roles, grants, strict=True):
            if grant == "*":
                verbs = ALL
            elif grant == "-":
                verbs = frozenset()
            else:
                verbs = frozenset(VERBS[letter] for letter in grant)
            matrix[role][entity] = verbs
    return matrix


#: ``MATRIX[role][entity]`` → the verbs that role may perform on that entity.
MATRIX: dict[str, dict[str, frozenset[str]]] = _parse(TABLE)
ENTITIES: tuple[str, ...] = tuple(MATRIX[Role.ADMIN.value])


def verbs(role: str, entity: str) -> frozenset[str]:
    """What ``role`` may do on ``entity`` (reading is always allowed and not listed)."""
    grants = MATRIX.get(str(role))
    if grants is None:  # an unknown role: nothing
        return frozenset()
    if entity not in grants:
        return ALL if str(role) in UNLISTED else frozenset()
    return grants[entity]


def may(actor: Actor, entity: str, verb: str) -> bool:
    """Whether ``actor`` may ``verb`` records of ``entity`` (for screens: show a key or not)."""
    if verb == "read":
        return True
    return verb in verbs(actor.role, entity)


VERB_MSGIDS: dict[str, str] = {
    "create": N_("permission|create"), "update": N_("permission|change"),
    "transition": N_("permission|move through their workflow"), "delete": N_("permission|delete"),
    "sign": N_("permission|sign (approve, verify or close)"),
}


class Refused(PermissionDenied):
    """A refusal by the matrix; its role, verb and record kind are translated when shown."""

    TRANSLATED = ("role", "verb", "records")

    def __str__(self) -> str:
        from qms_tui.i18n import tr

        params = {k: tr(v) if k in self.TRANSLATED and isinstance(v, str) else v
                  for k, v in self.params.items()}
        return tr(self.message, **params)


def _role_msgid(role: str) -> str:
    try:
        return Role(role).msgid
    except ValueError:
        return str(role)


def authorize(actor: Actor, entity: str, verb: str) -> None:
    """Raise :class:`PermissionDenied` (saying who, which role, and what) unless allowed."""
    if may(actor, entity, verb):
        return
    from qms_tui.domain.specs import SPECS

    if verb == "manage_users":
        raise Refused(N_("{who} ({role}) may not manage users"), who=actor.label, role=_role_msgid(actor.role))
    spec = SPECS.get(entity)
    raise Refused(
        N_("{who} ({role}) may not {verb} records of this kind: {records}"),
        who=actor.label, role=_role_msgid(actor.role), verb=VERB_MSGIDS.get(verb, verb),
        records=spec.plural if spec is not None else entity,
    )


def authorize_values(
    actor: Actor, entity: str, values: Mapping[str, Any], current: Mapping[str, Any] | None = None
) -> None:
    """Rules that depend on the values written: only an administrator grants, removes or
    disables the administrator role (so a coordinator cannot raise anyone — themselves
    included — to administrator)."""
    if entity != "person" or actor.role == Role.ADMIN:
        return
    old_role = (current or {}).get("role")
    new_role = values.get("role", old_role)
    touches_admin = Role.ADMIN in (old_role, new_role) and (
        new_role != old_role or values.get("active") is False)
    if touches_admin:
        raise Refused(
            N_("only an administrator may grant, remove or disable the administrator role; "
               "{who} is {role}"),
            who=actor.label, role=_role_msgid(actor.role),
        )

"""The permission matrix, exhaustively: every role × every entity × every verb against an
expectation written here independently (as the rules of the issue, not as a copy of the
table in ``domain/permissions.py``)."""

from __future__ import annotations

import pytest

from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.domain.errors import PermissionDenied
from qms_tui.domain.permissions import ENTITIES, MATRIX, authorize, authorize_values, may
from qms_tui.domain.specs import SPECS

VERBS = ("create", "update", "transition", "delete", "sign", "manage_users")
ROLES = ("admin", "coordinator", "process_owner", "auditor", "reader")

# -- the rules, in words ------------------------------------------------------------------
# Records that carry an electronic signature (approvals, verification, closure, emergency
# changes of documents and processes during a freeze).
SIGNED = {"policy", "document_version", "audit", "review", "nonconformity", "effectiveness_check",
          "document", "process"}
# Process owners run the day-to-day records of their area; auditors the audits.
WRITE = "create update transition delete"
OWNER = {
    "nonconformity": "create update transition", "cause": "create update delete",
    "action": "create update transition", "effectiveness_check": "create update",
    "measurement": "create update delete", "risk": "create update transition",
    "document": "create update", "document_version": WRITE, "evidence": "create update",
    "objective_plan": "create update", "circle": WRITE, "circle_member": WRITE, "meeting": WRITE,
    "agreement": WRITE, "project": WRITE,
}
AUDITOR = {
    "audit": "update transition", "programme": "update transition", "audit_member": "create update delete",
    "checklist_item": "create update delete", "finding": "create update delete",
    "nonconformity": "create", "effectiveness_check": "transition sign", "evidence": "create",
    "circle": WRITE, "circle_member": WRITE, "meeting": WRITE, "agreement": WRITE, "project": WRITE,
}


def expected(role: str, entity: str, verb: str) -> bool:
    if verb == "read":
        return True
    if role == "admin":
        return True
    if role == "reader":
        return False
    if role == "coordinator":
        if entity == "person":
            return verb in ("create", "update", "manage_users")
        if verb == "manage_users":
            return entity not in SPECS  # an entity the matrix does not know: the default
        if verb == "sign":
            return entity in SIGNED or entity not in SPECS
        return True
    if entity not in SPECS:
        return False
    table = OWNER if role == "process_owner" else AUDITOR
    return verb in table.get(entity, "").split()


CASES = [(r, e, v) for r in ROLES for e in [*sorted(SPECS), "some_new_entity"] for v in (*VERBS, "read")]


@pytest.mark.parametrize(("role", "entity", "verb"), CASES)
def test_every_role_entity_and_verb(role, entity, verb):
    actor = Actor(login="x", role=role, name="X")
    assert may(actor, entity, verb) is expected(role, entity, verb)
    if expected(role, entity, verb):
        authorize(actor, entity, verb)
    else:
        with pytest.raises(PermissionDenied):
            authorize(actor, entity, verb)


def test_the_table_lists_every_entity_of_the_specs_and_only_known_verbs():
    assert set(ENTITIES) == set(SPECS)
    assert set(MATRIX) == set(ROLES)
    for grants in MATRIX.values():
        assert set(grants) == set(SPECS)
        for verbs in grants.values():
            assert verbs <= set(VERBS)


def test_the_read_only_role_and_unknown_roles_can_do_nothing():
    for role in ("reader", "visitor"):
        actor = Actor(login="x", role=role)
        assert not any(may(actor, e, v) for e in SPECS for v in VERBS)


def test_the_refusal_says_who_which_role_and_what_in_the_current_language():
    from qms_tui import i18n

    reader = Actor(login="eortega", role=Role.READER, name="Eduardo Ortega")
    with pytest.raises(PermissionDenied) as err:
        authorize(reader, "nonconformity", "create")
    assert str(err.value) == ("Eduardo Ortega (read-only) may not create records of this kind: Nonconformities")
    i18n.set_language("es")
    text = str(err.value)
    assert "Eduardo Ortega" in text and "No conformidades" in text and "may not" not in text


@pytest.mark.parametrize(("values", "current", "allowed"), [
    ({"role": "coordinator"}, None, True),  # registering a coordinator
    ({"role": "admin"}, None, False),  # registering an administrator
    ({"role": "admin"}, {"role": "coordinator"}, False),  # promoting (themselves or anyone)
    ({"role": "reader"}, {"role": "admin"}, False),  # demoting an administrator
    ({"active": False}, {"role": "admin", "active": True}, False),  # disabling an administrator
    ({"email": "a@iecm.mx"}, {"role": "admin", "active": True}, True),  # an administrator's e-mail
    ({"active": False}, {"role": "auditor", "active": True}, True),
])
def test_only_an_administrator_grants_removes_or_disables_the_administrator_role(values, current, allowed):
    coordinator = Actor(login="lhernandez", role=Role.COORDINATOR, name="Laura")
    admin = Actor(login="jmartinez", role=Role.ADMIN)
    authorize_values(admin, "person", values, current)
    authorize_values(coordinator, "indicator", {"role": "admin"}, None)  # only people have roles
    if allowed:
        authorize_values(coordinator, "person", values, current)
    else:
        with pytest.raises(PermissionDenied, match="only an administrator"):
            authorize_values(coordinator, "person", values, current)

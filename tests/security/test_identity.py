"""Identity: the OS login (or, on PostgreSQL, the database role) mapped to a QMS user;
unknown and disabled logins read only or are refused."""

from __future__ import annotations

import os
import pwd

import pytest

from qms_tui.db.session import Database
from qms_tui.domain.enums import Role
from qms_tui.domain.errors import PermissionDenied, UsageError
from qms_tui.services import identity, records, users
from qms_tui.services.search import actor_for_login, create_record

from .conftest import BOOT

RISK = {"kind": "risk", "title": "Pérdida de paquetes", "likelihood": "2", "impact": "4"}


def test_the_os_login_comes_from_the_uid_not_from_the_environment(monkeypatch):
    real = pwd.getpwuid(os.geteuid()).pw_name
    for var in ("USER", "LOGNAME", "USERNAME"):
        monkeypatch.setenv(var, "lhernandez")
    assert identity.os_login() == real


def test_a_known_active_login_is_its_user_whatever_the_case(db, people):
    actor = identity.resolve_actor(db, "LHernandez")
    assert (actor.login, actor.role, actor.name, actor.person_id) == (
        "lhernandez", Role.COORDINATOR, "Laura Hernández", people["coordinator"].person_id)
    assert actor_for_login(db, "ovargas").role == Role.PROCESS_OWNER  # the TUI's entry point delegates


def test_unknown_and_disabled_logins_read_only_by_default_or_are_refused(db, people, monkeypatch):
    users.disable_user(db, people["admin"], "vmorales")
    for login in ("visitante", "vmorales"):
        actor = identity.resolve_actor(db, login)
        assert actor.role == Role.READER and actor.person_id is None
        with pytest.raises(PermissionDenied):
            create_record(db, actor, "risk", RISK)
    with pytest.raises(identity.UnknownUser, match="visitante is not a QMS user"):
        identity.resolve_actor(db, "visitante", unknown="refuse")
    monkeypatch.setenv("QMS_UNKNOWN_LOGIN", "refuse")
    with pytest.raises(identity.UnknownUser, match="vmorales is disabled"):
        actor_for_login(db, "vmorales")
    assert identity.resolve_actor(db, "lhernandez").role == Role.COORDINATOR
    monkeypatch.setenv("QMS_UNKNOWN_LOGIN", "maybe")
    with pytest.raises(UsageError, match="QMS_UNKNOWN_LOGIN"):
        identity.resolve_actor(db, "visitante")


def test_database_identity_on_sqlite_is_the_os_login(db, people, monkeypatch):
    monkeypatch.setenv("QMS_IDENTITY", "database")
    if db.sqlite:
        assert identity.database_login(db) is None
        assert identity.resolve_actor(db, "ovargas").login == "ovargas"


def test_on_postgresql_the_database_role_is_the_identity(db, pg_login, monkeypatch):
    role, url = pg_login("qmsu")
    with db.write() as s:
        records.create(s, BOOT, "person", {"code": role, "name": "Persona de prueba", "role": "auditor"})
    as_role = Database(url)
    try:
        assert identity.database_login(as_role) == role
        # whatever OS login the process claims, the server says who it is
        actor = identity.resolve_actor(as_role, "lhernandez", identity="database")
        assert (actor.login, actor.role) == (role, Role.AUDITOR)
        monkeypatch.setenv("QMS_IDENTITY", "database")
        assert actor_for_login(as_role, "jmartinez").login == role
        monkeypatch.setenv("QMS_IDENTITY", "os")
        assert actor_for_login(as_role, "jmartinez").login == "jmartinez"
    finally:
        as_role.dispose()
    # the owner's (or a superuser's) connection is nobody's: the OS login is used
    assert identity.database_login(db) is None
    assert identity.resolve_actor(db, "visitante", identity="database").login == "visitante"


def test_a_database_role_without_a_qms_user_only_reads(db, pg_login):
    _role, url = pg_login("nobody")
    as_role = Database(url)
    try:
        actor = identity.resolve_actor(as_role, "jmartinez", identity="database")
        assert actor.role == Role.READER and actor.login != "jmartinez"
        with pytest.raises(identity.UnknownUser):
            identity.resolve_actor(as_role, "jmartinez", identity="database", unknown="refuse")
    finally:
        as_role.dispose()

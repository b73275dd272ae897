"""``qms users add|list|set-role|disable|passwd``: through the services with the calling
user's rights; bootstrap of the first administrator; signing PINs never leave the services."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from qms_tui.cli import cli
from qms_tui.db.models import Person, TrailEvent
from qms_tui.domain.enums import Role
from qms_tui.domain.errors import PermissionDenied, ValidationError
from qms_tui.services import identity, trail, users


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("QMS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("QMS_LANG", "en")
    for var in ("QMS_DATABASE_URL", "QMS_DEBUG", "QMS_IDENTITY", "QMS_UNKNOWN_LOGIN"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def qms(db, db_url, monkeypatch):  # type: ignore[no-untyped-def]
    """``qms(login, *args, input=None)``: run the CLI on the test database as OS user ``login``."""
    def run(login: str, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        monkeypatch.setattr(identity, "os_login", lambda: login)
        return CliRunner().invoke(cli, ["--db", db_url, *args], input=input, catch_exceptions=True)

    return run


def _people(db) -> dict[str, tuple[str, bool, str | None]]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return {p.code: (p.role, p.active, p.password_hash) for p in s.execute(select(Person)).scalars()}


def test_bootstrap_then_the_matrix_applies(db, qms):
    r = qms("root", "users", "add", "jmartinez", "--name", "Jorge Martínez", "--role", "admin")
    assert r.exit_code == 0, r.output
    assert "bootstrap: jmartinez is the first administrator" in r.output
    # no second bootstrap: an unknown login is now a reader and is refused, with the reason
    r = qms("root", "users", "add", "intruso", "--name", "X", "--role", "admin")
    assert r.exit_code == 1
    assert "error: root (read-only) may not manage users" in r.output
    r = qms("jmartinez", "users", "add", "lhernandez", "--name", "Laura Hernández", "--role", "coordinator")
    assert r.exit_code == 0 and "added lhernandez (quality coordinator)" in r.output and "bootstrap" not in r.output
    for login, role in (("ovargas", "process_owner"), ("eortega", "reader")):
        assert qms("lhernandez", "users", "add", login, "--name", login, "--role", role).exit_code == 0
    # a coordinator may not make anyone an administrator (themselves included)
    r = qms("lhernandez", "users", "set-role", "lhernandez", "admin")
    assert r.exit_code == 1 and "only an administrator may grant" in r.output
    # a process owner and a reader manage no users, and are told why
    for login in ("ovargas", "eortega"):
        r = qms(login, "users", "set-role", "eortega", "auditor")
        assert r.exit_code == 1 and "may not manage users" in r.output, r.output
        r = qms(login, "users", "disable", "lhernandez")
        assert r.exit_code == 1 and "may not manage users" in r.output
    r = qms("lhernandez", "users", "set-role", "eortega", "auditor")
    assert r.exit_code == 0 and "eortega is now internal auditor" in r.output
    r = qms("lhernandez", "users", "disable", "ovargas")
    assert r.exit_code == 0 and "ovargas is disabled" in r.output
    r = qms("ovargas", "users", "list")  # reading is open to everyone
    assert r.exit_code == 0
    lines = {line.split()[0]: line for line in r.output.splitlines()}
    assert set(lines) == {"eortega", "jmartinez", "lhernandez", "ovargas"}
    assert "disabled" in lines["ovargas"] and "active" in lines["lhernandez"]
    assert _people(db)["eortega"][0] == "auditor"
    r = qms("lhernandez", "users", "add", "x", "--name", "X", "--role", "jefe")
    assert r.exit_code == 1 and "Role: must be one of" in r.output
    with db.read() as s:
        assert trail.verify(s) == []
        actors = {(e.actor, e.role) for e in s.execute(select(TrailEvent).where(TrailEvent.entity == "person")).scalars()}
    assert ("root", "admin") in actors and ("lhernandez", "coordinator") in actors


def test_the_last_administrator_stays(db, people):
    admin = people["admin"]
    with pytest.raises(PermissionDenied, match="last active administrator"):
        users.set_role(db, admin, "jmartinez", "coordinator")
    with pytest.raises(PermissionDenied, match="last active administrator"):
        users.disable_user(db, admin, "jmartinez")
    users.add_user(db, admin, "root2", "Otra administradora", "admin")
    assert users.disable_user(db, admin, "jmartinez").active is False


def test_signing_pins_are_scrypt_hashes_that_never_leave_the_services(db, people, qms):
    r = qms("lhernandez", "users", "passwd", "lhernandez", input="123456\n123456\n")
    assert r.exit_code == 0 and "signing PIN of lhernandez set" in r.output, r.output
    stored = _people(db)["lhernandez"][2]
    scheme, n, r_, p, salt, digest = stored.split("$")
    assert (scheme, n, r_, p, len(salt), len(digest)) == ("scrypt", "16384", "8", "1", 32, 64)
    assert users.pin_matches(stored, "123456") and not users.pin_matches(stored, "654321")
    assert users.has_pin(db, "lhernandez") and not users.has_pin(db, "ovargas")
    # changing your own: the current PIN first (asked by the CLI)
    r = qms("lhernandez", "users", "passwd", "lhernandez", input="000000\nabcdef\nabcdef\n")
    assert r.exit_code == 1 and "Current signing PIN: is incorrect" in r.output
    r = qms("lhernandez", "users", "passwd", "lhernandez", input="123456\nabcdef\nabcdef\n")
    assert r.exit_code == 0
    assert users.pin_matches(_people(db)["lhernandez"][2], "abcdef")
    # anybody sets their own PIN (a reader too); someone else's is managing users
    r = qms("eortega", "users", "passwd", "eortega", input="lector1\nlector1\n")
    assert r.exit_code == 0
    r = qms("ovargas", "users", "passwd", "lhernandez", input="999999\n999999\n")
    assert r.exit_code == 1 and "may not manage users" in r.output
    with pytest.raises(PermissionDenied, match="administrator's PIN"):
        users.set_pin(db, people["coordinator"], "jmartinez", "zzzzzz")
    with pytest.raises(ValidationError) as err:
        users.set_pin(db, people["admin"], "ovargas", "123")
    assert err.value.lines() == ["Signing PIN: must have at least 6 characters"]
    # the hash is in no DTO and the trail keeps only its SHA-256
    assert "password_hash" not in users.list_users(db)[0].__dataclass_fields__
    with db.read() as s:
        afters = [json.loads(e.after) for e in s.execute(
            select(TrailEvent).where(TrailEvent.entity == "person", TrailEvent.code == "lhernandez")).scalars()]
        assert trail.verify(s) == []
    hashes = [a["password_hash"] for a in afters if a.get("password_hash")]
    assert hashes and all(h.startswith("sha256:") and "scrypt" not in h for h in hashes)


def test_a_coordinator_resets_someone_elses_pin_and_the_role_names_are_flexible(db, people):
    coord = people["coordinator"]
    users.set_pin(db, coord, "ovargas", "nuevo-pin")
    assert users.has_pin(db, "ovargas")
    assert users.set_role(db, coord, "vmorales", "process owner").role == Role.PROCESS_OWNER


def test_the_bootstrap_never_reopens(db, people):
    from qms_tui.domain.actor import Actor
    from qms_tui.services import records

    admin, stranger = people["admin"], Actor(login="intruso", role=Role.READER)
    with db.write() as s:  # every administrator demoted behind the users commands' back
        records.update(s, admin, "person", "jmartinez", {"role": "coordinator"})
    with pytest.raises(PermissionDenied):
        users.add_user(db, stranger, "intruso", "Intruso", "admin")

"""Who is using the QMS: the login mapped to a QMS user (a person whose code is the login).

- ``QMS_IDENTITY=os`` (default): the login is the OS account of the process — its effective
  uid, never the ``USER``/``LOGNAME`` variables, which anybody can set. Over SSH that is the
  SSH user.
- ``QMS_IDENTITY=database``: on PostgreSQL the login is the database role of the connection
  (``current_user``). With peer authentication over the local socket the server itself
  vouches for it, so nobody can claim to be someone else. A connection as a superuser or as
  the owner of the schema (the administrators' and the scheduler's account) is not a person:
  it falls back to the OS login. SQLite has no roles: the OS login is used.
- ``QMS_UNKNOWN_LOGIN=readonly`` (default) or ``refuse``: what a login that is no active QMS
  user gets — a read-only actor, or a refusal (:class:`UnknownUser`).

The environment variables are read at each call; arguments given explicitly win.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import func, or_, select, text

from qms_tui.config import os_login
from qms_tui.db.models import Person
from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import N_, Role
from qms_tui.domain.errors import PermissionDenied, UsageError
from qms_tui.services.tx import Tx, reading

IDENTITY_ENV, UNKNOWN_ENV = "QMS_IDENTITY", "QMS_UNKNOWN_LOGIN"
IDENTITIES, UNKNOWN = ("os", "database"), ("readonly", "refuse")


class UnknownUser(PermissionDenied):
    """The login is not an active QMS user and the configuration refuses such logins."""


def _setting(value: str | None, env: str, allowed: tuple[str, ...]) -> str:
    chosen = (value or os.environ.get(env) or allowed[0]).strip().lower()
    if chosen not in allowed:
        raise UsageError(N_("{name} must be one of {allowed}, not {value}"),
                         name=env, allowed=", ".join(allowed), value=chosen)
    return chosen


def identity_mode(value: str | None = None) -> str:
    """``os`` or ``database`` (``QMS_IDENTITY``)."""
    return _setting(value, IDENTITY_ENV, IDENTITIES)


def unknown_policy(value: str | None = None) -> str:
    """``readonly`` or ``refuse`` (``QMS_UNKNOWN_LOGIN``)."""
    return _setting(value, UNKNOWN_ENV, UNKNOWN)


def database_login(db: Any) -> str | None:
    """The PostgreSQL role of the connection when it is a person's (peer authentication);
    None on SQLite, or for a superuser or the owner of the QMS tables."""
    if getattr(db, "sqlite", True):
        return None
    with db.engine.connect() as conn:
        row = conn.execute(text(
            "SELECT current_user, r.rolsuper, "
            "       pg_get_userbyid(c.relowner) = current_user AS owner "
            "FROM pg_roles r LEFT JOIN pg_class c ON c.oid = to_regclass('trail_event') "
            "WHERE r.rolname = current_user"
        )).first()
    if row is None:
        return None
    login, superuser, owner = row
    return None if superuser or owner else str(login)


def login_for(db: Any, os_login_name: str | None = None, *, identity: str | None = None) -> str:
    """The login of whoever is using ``db`` under the configured identity."""
    fallback = os_login_name or os_login()
    if identity_mode(identity) == "database":
        return database_login(db) or fallback
    return fallback


def actor_of(tx: Tx, login: str, *, unknown: str | None = None) -> Actor:
    """The Actor of ``login``: the active person whose code is the login (exact, else
    case-insensitive), else read-only or refused (``unknown``)."""
    with reading(tx) as session:
        row = session.execute(
            select(Person.id, Person.code, Person.name, Person.role, Person.active)
            .where(or_(Person.code == login, func.lower(Person.code) == login.lower()))
            .order_by((Person.code == login).desc())
        ).first()
    if row is not None and row.active:
        return Actor(login=row.code, role=row.role, name=row.name, person_id=row.id)
    if unknown_policy(unknown) == "refuse":
        if row is None:
            raise UnknownUser(N_("{login} is not a QMS user; ask an administrator to add you "
                                 "(qms users add)"), login=login)
        raise UnknownUser(N_("{login} is disabled in the QMS; ask an administrator"), login=login)
    return Actor(login=login, role=Role.READER, name=login)


def resolve_actor(
    db: Any, os_login_name: str | None = None, *, unknown: str | None = None, identity: str | None = None
) -> Actor:
    """Who is acting on ``db``: the login under the configured identity (``os`` or
    ``database``) mapped to a QMS user; unknown or disabled logins read only or are refused."""
    return actor_of(db, login_for(db, os_login_name, identity=identity), unknown=unknown)

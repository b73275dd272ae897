"""Security fixtures: one person per role, PostgreSQL login roles for peer-style identity."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from qms_tui.domain.actor import Actor
from qms_tui.domain.enums import Role
from qms_tui.services import records

#: login → (name, role): one QMS user per role
PEOPLE = {
    "jmartinez": ("Jorge Martínez", Role.ADMIN),
    "lhernandez": ("Laura Hernández", Role.COORDINATOR),
    "ovargas": ("Óscar Vargas", Role.PROCESS_OWNER),
    "vmorales": ("Verónica Morales", Role.AUDITOR),
    "eortega": ("Eduardo Ortega", Role.READER),
}
ROLE_LOGIN = {role.value: login for login, (_n, role) in PEOPLE.items()}
BOOT = Actor(login="root", role=Role.ADMIN, name="setup")  # a built-in actor, no person


@pytest.fixture
def people(db) -> dict[str, Actor]:  # type: ignore[no-untyped-def]
    """The five users; returns role value → Actor (with person_id)."""
    out = {}
    with db.write() as s:
        for login, (name, role) in PEOPLE.items():
            dto = records.create(s, BOOT, "person", {"code": login, "name": name, "role": role})
            out[role.value] = Actor(login=login, role=role, name=name, person_id=dto.id)
    return out


@pytest.fixture
def pg_login(db, db_url) -> Iterator[Callable[..., tuple[str, str]]]:  # type: ignore[no-untyped-def]
    """``pg_login(prefix, *grants)`` creates a PostgreSQL login role named ``prefix_<random>``
    (roles are cluster-wide; dropped after the test) that may use the test's schema and read
    its tables, runs the extra GRANT statements (``{role}`` and ``{schema}`` are replaced),
    and returns ``(role name, URL connecting as that role)``."""
    if db.sqlite:
        pytest.skip("PostgreSQL roles")
    url = make_url(db_url)
    schema = db_url.split("search_path%3D", 1)[1].split("&", 1)[0]
    admin = create_engine(url.set(query={}), isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def make(prefix: str, *grants: str) -> tuple[str, str]:
        role = f"{prefix}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO "{role}"'))
            conn.execute(text(f'GRANT SELECT ON ALL TABLES IN SCHEMA "{schema}" TO "{role}"'))
            for grant in grants:
                conn.execute(text(grant.format(role=f'"{role}"', schema=f'"{schema}"')))
        made.append(role)
        return role, url.set(username=role).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for role in made:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
    admin.dispose()

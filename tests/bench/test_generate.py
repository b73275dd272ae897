"""bench/generate.py: the scale-2 institute passes `trail verify`, is deterministic and leaves
the code counters where the services continue; the light schema check of `qms` agrees with
Alembic."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2025, 6, 16)


def _generate_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory):  # type: ignore[no-untyped-def]
    gen = _generate_module()
    folder = tmp_path_factory.mktemp("bench")
    gen.DATA = folder  # the cached demo goes to the temporary folder too
    first = gen.generate(folder / "a.db", 2, seed=7, today=TODAY)
    second = gen.generate(folder / "b.db", 2, seed=7, today=TODAY)
    return gen, first, second


def test_scale_two_adds_one_copy_and_the_trail_verifies(generated):
    gen, summary, _ = generated
    c = summary.counts
    assert c["indicator"] == 17 + gen.INDICATORS
    assert c["measurement"] >= 238 + gen.INDICATORS * (gen.MONTHS - 3)
    assert c["nonconformity"] >= 11 + gen.NONCONFORMITIES
    assert c["trail_event"] > c["measurement"]
    assert gen.verify(summary.path) == []


def test_the_same_seed_gives_the_same_rows(generated):
    gen, first, second = generated
    assert gen.fingerprint(first.path) == gen.fingerprint(second.path)


def test_services_continue_after_the_bulk_rows(generated):
    from qms_tui.db.session import Database
    from qms_tui.domain import clock
    from qms_tui.domain.actor import Actor
    from qms_tui.domain.enums import Role
    from qms_tui.services import records

    _gen, summary, _ = generated
    db = Database(f"sqlite:///{summary.path}")
    actor = Actor(login="lhernandez", role=Role.COORDINATOR, name="Coordinación")
    try:
        with clock.frozen(TODAY), db.write() as s:
            ind = records.create(s, actor, "indicator", {"name": "Nuevo", "unit": "%", "direction": "higher",
                                                         "target": "95", "frequency": "monthly"})
        assert ind.code == f"IND-{summary.counts['indicator'] + 1:03d}"
        with db.read() as s:
            from qms_tui.services import trail

            assert trail.verify(s) == []
    finally:
        db.dispose()


def test_the_light_schema_check_agrees_with_alembic(tmp_path, generated):
    from qms_tui.db import migrate, probe

    _gen, summary, _ = generated
    assert probe.head_revision() == migrate.head_revision()
    assert probe.sqlite_at_head(f"sqlite:///{summary.path}")
    assert not probe.sqlite_at_head(f"sqlite:///{tmp_path / 'missing.db'}")
    assert not probe.sqlite_at_head("postgresql+psycopg://x@localhost/qms")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    assert not probe.sqlite_at_head(f"sqlite:///{empty}")

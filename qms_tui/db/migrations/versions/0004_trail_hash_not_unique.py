"""the trail's hash is not a unique index

Nothing looks an event up by its hash: the chain is checked in ``seq`` order (``qms trail
verify``), so the unique index on ``trail_event.hash`` only cost a random B-tree insert per
event: 3.6x -> 3.1x the time of a plain ``sqlite3`` ``executemany`` for an import of 100,000
measurements (bench/run, issues 7 and 8). The column keeps its value and its NOT NULL.

On SQLite the table is rebuilt (its append-only triggers go with the old table and are put
back by ``services.setup.protect_trail``, which ``qms init`` and ``qms db upgrade`` run after
the migrations).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 06:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: the name SQLite's unnamed constraint gets for the rebuild
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('trail_event', naming_convention=SQLITE_NAMES, recreate="always") as batch_op:
            batch_op.drop_constraint('uq_trail_event_hash', type_='unique')
    else:
        op.drop_constraint('trail_event_hash_key', 'trail_event', type_='unique')


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table('trail_event', recreate="always") as batch_op:
            batch_op.create_unique_constraint('uq_trail_event_hash', ['hash'])
    else:
        op.create_unique_constraint('trail_event_hash_key', 'trail_event', ['hash'])

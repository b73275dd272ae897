"""performance indexes

The trail viewer's text filter (code, summary, login; newest first) reads a narrow covering
index instead of the trail table with its JSON snapshots: 88 -> 44 ms for a filter that
matches nothing in 400,000 events (bench/run, issue 8). Indexes only.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 21:56:05.776772
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('trail_event', schema=None) as batch_op:
        batch_op.create_index('ix_trail_event_text', ['seq', 'code', 'actor', 'summary'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('trail_event', schema=None) as batch_op:
        batch_op.drop_index('ix_trail_event_text')

"""An index on sandboxes.last_active: the reaper asks for the sandboxes idle since a time every
minute, which scanned the whole table.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_sandboxes_last_active", "sandboxes", ["last_active"])


def downgrade() -> None:
    op.drop_index("ix_sandboxes_last_active", table_name="sandboxes")

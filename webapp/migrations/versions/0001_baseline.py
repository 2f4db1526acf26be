"""The schema as it was before migrations: sandboxes and their logs, lesson progress, classes.

Revision ID: 0001
Revises:
Create Date: 2026-12-06

SQLite files made before migrations have these tables and no `alembic_version`; files from before
classes lack the class tables. So this revision creates only the tables that are missing: on such a
file it amounts to stamping it as the baseline (and filling in what an older build never made).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())

    def create_table(name: str, *parts: sa.SchemaItem) -> None:
        if name not in existing:
            op.create_table(name, *parts)

    create_table(
        "sandboxes",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("seed", sa.BigInteger, nullable=False),
        sa.Column("created", sa.Double, nullable=False),
        sa.Column("last_active", sa.Double, nullable=False),
    )
    create_table(
        "log",
        sa.Column("sandbox", sa.Text, sa.ForeignKey("sandboxes.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("t", sa.Double, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("sandbox", "seq"),
    )
    create_table(
        "lesson_progress",
        sa.Column("learner", sa.Text, nullable=False),
        sa.Column("lesson", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("updated", sa.Double, nullable=False),
        sa.PrimaryKeyConstraint("learner", "lesson"),
    )
    create_table(
        "class_rooms",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    create_table(
        "class_learners",
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("learner", sa.Text, nullable=False),
        sa.Column("name_key", sa.Text, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("code", "learner"),
        sa.UniqueConstraint("code", "name_key"),
    )
    create_table(
        "class_members",
        sa.Column("sandbox", sa.Text, primary_key=True),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
    )
    create_table(
        "class_snapshots",
        sa.Column("code", sa.Text, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    create_table(
        "class_processes",
        sa.Column("pid", sa.Text, primary_key=True),
        sa.Column("seen", sa.Double, nullable=False),
    )


def downgrade() -> None:
    for table in ("class_processes", "class_snapshots", "class_members", "class_learners",
                  "class_rooms", "lesson_progress", "log", "sandboxes"):
        op.drop_table(table)

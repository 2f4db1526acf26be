"""Every table of the lab's database, as SQLAlchemy Core metadata (no ORM).

The stores (webapp/store.py, webapp/classroom/model.py) query these tables; the migrations
(webapp/migrations/versions) create and change them, and a test checks that the two agree. JSON
documents (lesson progress, class rows) are kept as text: both backends store and return them as
they were written.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# A sandbox is its command log (event sourcing): the row says where a replay starts.
sandboxes = Table(
    "sandboxes", metadata,
    Column("id", Text, primary_key=True),
    Column("seed", BigInteger, nullable=False),
    Column("created", Double, nullable=False),  # the sandbox clock's time at birth
    Column("last_active", Double, nullable=False),  # wall-clock time of the last use (reaping)
    Index("ix_sandboxes_last_active", "last_active"),
)

log = Table(
    "log", metadata,
    Column("sandbox", Text, ForeignKey("sandboxes.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("t", Double, nullable=False),  # the sandbox clock's time when the entry was applied
    Column("kind", Text, nullable=False),  # run | input | cancel | setup | file
    Column("data", Text, nullable=False),
    PrimaryKeyConstraint("sandbox", "seq"),
)

lesson_progress = Table(
    "lesson_progress", metadata,
    Column("learner", Text, nullable=False),  # the sandbox id from the cookie (outlives it)
    Column("lesson", Text, nullable=False),
    Column("data", Text, nullable=False),  # JSON: done steps, marks, hints, a challenge's result
    Column("updated", Double, nullable=False),  # wall-clock time of the last change (pruning)
    PrimaryKeyConstraint("learner", "lesson"),
)

class_rooms = Table(
    "class_rooms", metadata,
    Column("code", Text, primary_key=True),
    Column("data", Text, nullable=False),
)

class_learners = Table(
    "class_learners", metadata,
    Column("code", Text, nullable=False),
    Column("learner", Text, nullable=False),
    Column("name_key", Text, nullable=False),
    Column("data", Text, nullable=False),
    PrimaryKeyConstraint("code", "learner"),
    UniqueConstraint("code", "name_key"),
)

class_members = Table(
    "class_members", metadata,
    Column("sandbox", Text, primary_key=True),
    Column("code", Text, nullable=False),
    Column("role", Text, nullable=False),
    Column("name", Text, nullable=False),
)

class_snapshots = Table(
    "class_snapshots", metadata,
    Column("code", Text, primary_key=True),
    Column("data", Text, nullable=False),
)

class_processes = Table(
    "class_processes", metadata,
    Column("pid", Text, primary_key=True),
    Column("seen", Double, nullable=False),
)

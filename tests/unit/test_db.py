"""The database: what LAB_DB accepts (and the words of a refusal), and migrations on both backends:
an empty database, a file made before migrations, one migrated by a newer build, and two processes
migrating one PostgreSQL database at once."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from webapp import create_app
from webapp.classroom.model import ClassRecord, SQLClassStore, hash_secret
from webapp.cli import main as cli
from webapp.config import ConfigError
from webapp.db import BASELINE, LOCK_KEY, Database, DatabaseError, current, head, parse_target
from webapp.schema import metadata
from webapp.store import LogEntry, Store

# The schema of the builds before migrations, as they created it (webapp/store.py and
# webapp/classroom/model.py then): a file they made has these tables and no alembic_version.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS sandboxes (
    id TEXT PRIMARY KEY, seed INTEGER NOT NULL, created REAL NOT NULL, last_active REAL NOT NULL);
CREATE TABLE IF NOT EXISTS log (
    sandbox TEXT NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
    t REAL NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (sandbox, seq));
CREATE TABLE IF NOT EXISTS lesson_progress (
    learner TEXT NOT NULL, lesson TEXT NOT NULL, data TEXT NOT NULL, updated REAL NOT NULL,
    PRIMARY KEY (learner, lesson));
CREATE TABLE IF NOT EXISTS class_rooms (code TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS class_learners (
    code TEXT NOT NULL, learner TEXT NOT NULL, name_key TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (code, learner), UNIQUE (code, name_key));
CREATE TABLE IF NOT EXISTS class_members (
    sandbox TEXT PRIMARY KEY, code TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS class_snapshots (code TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS class_processes (pid TEXT PRIMARY KEY, seen REAL NOT NULL);
"""
ACCEPTED = "expected a SQLite file path (such as instance/lab.db), :memory:, or a PostgreSQL URL"


# -- what LAB_DB accepts --------------------------------------------------------------------------


@pytest.mark.parametrize("value, kind", [
    ("instance/lab.db", "sqlite"), ("/var/lib/lab/lab.db", "sqlite"), (":memory:", "sqlite"),
    ("lab.db", "sqlite"), ("postgresql://lab:pw@db.example:5432/lab", "postgresql"),
    ("postgresql+psycopg://lab@localhost/lab", "postgresql"),
    ("postgresql:///lab?host=/run/postgresql", "postgresql"),
])
def test_lab_db_takes_a_sqlite_path_or_a_postgresql_url(value, kind):
    target = parse_target(value)
    assert target.kind == kind
    if kind == "postgresql":
        assert target.url.drivername == "postgresql+psycopg"  # psycopg 3 either way


@pytest.mark.parametrize("value, words", [
    ("mysql://lab:pw@db/lab", "mysql:// is not a database this lab runs on"),
    ("redis://localhost:6379/0", "redis:// is not a database this lab runs on"),
    ("sqlite:///instance/lab.db", "give the SQLite file's path itself"),
    ("postgres://lab:pw@db/lab", "a PostgreSQL URL starts with postgresql://"),
    ("postgres:/lab", "a PostgreSQL URL starts with postgresql://"),
    ("postgresql+psycopg2://db/lab", "the PostgreSQL driver is psycopg 3"),
    ("postgresql://db.example", "the URL names no database"),
    ("  ", "LAB_DB is empty"),
])
def test_anything_else_is_refused_naming_what_is_accepted(value, words):
    with pytest.raises(ConfigError) as refused:
        parse_target(value)
    assert words in str(refused.value) and ACCEPTED in str(refused.value)


def test_a_refusal_never_shows_the_password():
    for value in ("mysql://lab:s3cret@db/lab", "postgres://lab:s3cret@db/lab",
                  "postgresql+asyncpg://lab:s3cret@db/lab"):
        with pytest.raises(ConfigError) as refused:
            parse_target(value)
        assert "s3cret" not in str(refused.value) and "***" in str(refused.value)


def test_the_app_refuses_to_start_on_another_database(tmp_path):
    with pytest.raises(ConfigError, match="mysql:// is not a database"):
        create_app({"LAB_DB": "mysql://x/y", "LAB_INSTANCE": str(tmp_path), "TESTING": True})


# -- migrations -------------------------------------------------------------------------------------


def schema_differences(db: Database) -> list:
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_an_empty_database_is_migrated_to_the_head_and_matches_the_tables(lab_db):
    db = Database.open(lab_db)
    try:
        assert current(db) == head()
        assert schema_differences(db) == []  # the migrations make exactly webapp/schema.py
        assert "ix_sandboxes_last_active" in {
            i["name"] for i in inspect(db.engine).get_indexes("sandboxes")}
    finally:
        db.dispose()


def test_a_file_made_before_migrations_is_stamped_as_the_baseline_then_upgraded(tmp_path):
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_SCHEMA)
        old.execute("INSERT INTO sandboxes VALUES ('box', 7, 1.0, 2.0)")
        old.execute("INSERT INTO log VALUES ('box', 0, 1.5, 'run', 'docker create --name a alpine')")
        old.execute("INSERT INTO lesson_progress VALUES ('box', 'first', '{\"done\": [1]}', 3.0)")
    assert cli(["db", "current", "--db", str(path)]) == 0
    store = Store(path)  # what a server start does
    try:
        assert current(store.db) == head() != BASELINE
        record, entries = store.load("box")
        assert (record.seed, entries) == (7, [LogEntry(1.5, "run", "docker create --name a alpine")])
        assert store.load_progress("box") == {"first": {"done": [1]}}
        assert "ix_sandboxes_last_active" in {
            i["name"] for i in inspect(store.db.engine).get_indexes("sandboxes")}
    finally:
        store.close()


def test_a_file_from_before_classes_gets_the_class_tables(tmp_path):
    path = tmp_path / "older.db"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_SCHEMA.split("CREATE TABLE IF NOT EXISTS class_rooms")[0])
        old.execute("INSERT INTO sandboxes VALUES ('box', 7, 1.0, 2.0)")
    store = SQLClassStore(path)
    try:
        assert current(store.db) == head()
        store.create_class(ClassRecord("ABCDEF", hash_secret("s"), "box", 1.0))
        assert store.claim_name("ABCDEF", "Ada", "box-1")
        assert set(inspect(store.db.engine).get_table_names()) == set(metadata.tables) | {
            "alembic_version"}
    finally:
        store.close()


def test_the_cli_shows_and_upgrades_the_revision(tmp_path, capsys):
    path = str(tmp_path / "lab.db")
    assert cli(["db", "current", "--db", path]) == 0
    assert "revision none" in capsys.readouterr().out
    assert cli(["db", "upgrade", "--db", path]) == 0
    assert f"none -> {head()}" in capsys.readouterr().out
    assert cli(["db", "upgrade", "--db", path]) == 0
    assert "already up to date" in capsys.readouterr().out
    assert cli(["db", "current", "--db", "mysql://x/y"]) == 2
    assert "mysql:// is not a database" in capsys.readouterr().err


def test_a_database_migrated_by_a_newer_build_is_refused(lab_db, tmp_path, capsys):
    db = Database.open(lab_db)
    with db.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    db.dispose()
    with pytest.raises(DatabaseError) as refused:
        Database.open(lab_db)
    message = str(refused.value)
    assert "'9999_from_the_future', which this build does not know" in message
    assert f"its newest is {head()!r}" in message and "a newer version of the lab" in message
    with pytest.raises(ConfigError, match="9999_from_the_future"):
        create_app({"LAB_DB": lab_db, "LAB_INSTANCE": str(tmp_path), "TESTING": True})
    assert cli(["db", "upgrade", "--db", lab_db]) == 1
    assert "which this build does not know" in capsys.readouterr().err
    check = Database(parse_target(lab_db))  # untouched
    assert current(check) == "9999_from_the_future"
    check.dispose()


def test_two_processes_migrating_one_postgresql_database_at_once(postgres_url):
    """Both wait on the migration lock (held here until both are queued); one migrates, the
    other finds the head already there."""
    plain = parse_target(postgres_url).url
    holder = create_engine(plain)
    with holder.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": LOCK_KEY})
        conn.commit()
        procs = [subprocess.Popen([sys.executable, "-m", "webapp.cli", "db", "upgrade", "--db",
                                   postgres_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        try:
            waiting = 0
            for _ in range(600):  # until both are queued on the lock (each poll waits 0.1 s)
                waiting = conn.execute(text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                )).scalar()
                conn.commit()
                if waiting == 2 or any(p.poll() is not None for p in procs):
                    break
                conn.execute(text("SELECT pg_sleep(0.1)"))
            assert waiting == 2, [p.communicate() for p in procs if p.poll() is not None]
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
            conn.commit()
        results = [p.communicate(timeout=60) + (p.returncode,) for p in procs]
    holder.dispose()
    assert [code for _, _, code in results] == [0, 0], results
    outs = sorted(out.strip().split(": ", 1)[1] for out, _, _ in results)
    assert outs == sorted([f"none -> {head()}", f"{head()} -> {head()} (already up to date)"])
    db = Database(parse_target(postgres_url))
    try:
        assert current(db) == head() and schema_differences(db) == []
        with db.read() as conn:
            assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
    finally:
        db.dispose()

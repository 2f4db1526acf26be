"""The lab's database: what `LAB_DB` may name, the engine over it, and its migrations.

`LAB_DB` is a SQLite file's path (`instance/lab.db` by default; `:memory:` for tests) or a PostgreSQL
URL (`postgresql://user:password@host:port/name`, or `postgresql+psycopg://…`; psycopg 3 is the
driver either way). Everything else is refused at start-up with a ConfigError that says what is
accepted: other databases (`mysql://…`), SQLAlchemy's `sqlite:///…` URLs (give the path itself),
`postgres://…` (spell it `postgresql://`), other PostgreSQL drivers, typos such as `postgres:/x`.

One code path for both backends: SQLAlchemy Core. SQLite runs on the standard library's sqlite3,
one connection per process used under a lock (its writes are serialised anyway), and a write
transaction starts with
`BEGIN IMMEDIATE` so a read-modify-write is atomic across processes sharing the file. PostgreSQL
gets a connection pool; the stores lock the rows they change (`SELECT … FOR UPDATE`).

Migrations (Alembic, webapp/migrations) run when a database is opened: an empty one is brought to
the newest revision, an older one upgraded, one made by a newer build refused. Files made before
migrations existed have the tables but no `alembic_version`: they are stamped with the baseline
revision first (the baseline creates only the tables a file lacks, such as the class tables of a
file from before classes). On PostgreSQL the upgrade holds an advisory lock, on SQLite the write lock, so
processes starting together migrate once.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, pool, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError, SQLAlchemyError

from .config import ConfigError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
BASELINE = "0001"  # the schema before migrations: what an unversioned SQLite file holds
LOCK_KEY = 7_235_110_251_906_826  # pg_advisory_xact_lock key of the migrations ("lab" + "db")
ACCEPTED = ("a SQLite file path (such as instance/lab.db), :memory:, or a PostgreSQL URL "
            "(postgresql://user:password@host:port/database or postgresql+psycopg://...)")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")


class DatabaseError(ConfigError):
    """The database cannot be used by this build (unreachable, or migrated by a newer one)."""


@dataclass(frozen=True)
class Target:
    """What `LAB_DB` names: the backend, SQLAlchemy's URL, and how to show it (no password)."""

    kind: str  # "sqlite" | "postgresql"
    url: URL
    path: str | None = None  # SQLite: the file (or ":memory:")

    @property
    def shown(self) -> str:
        return self.path if self.path is not None else self.url.render_as_string(hide_password=True)


def _hidden(value: str) -> str:
    """`value` with any password replaced, for error messages."""
    try:
        return make_url(value).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(//[^:/@]*:)[^@/]*@", r"\1***@", value)


def parse_target(value: str | Path) -> Target:
    """Check `LAB_DB` (raises ConfigError naming what is accepted)."""
    raw = str(value).strip()
    if not raw:
        raise ConfigError(f"LAB_DB is empty: expected {ACCEPTED}")
    if raw == ":memory:" or not _SCHEME.match(raw) or re.match(r"^[A-Za-z]:[\\/]", raw):
        return Target("sqlite", URL.create("sqlite+pysqlite", database=raw), raw)
    shown = _hidden(raw)
    scheme = raw.split(":", 1)[0].lower()
    if scheme == "sqlite" or scheme.startswith("sqlite+"):
        raise ConfigError(f"LAB_DB={shown!r}: give the SQLite file's path itself (such as "
                          f"instance/lab.db), not a sqlite:// URL; expected {ACCEPTED}")
    if scheme in ("postgres", "psql", "pg", "postgresql") and not raw.lower().startswith(
            ("postgresql://", "postgresql+psycopg://")):
        raise ConfigError(f"LAB_DB={shown!r}: a PostgreSQL URL starts with postgresql:// "
                          f"(or postgresql+psycopg://); expected {ACCEPTED}")
    if scheme.startswith("postgresql+") and scheme != "postgresql+psycopg":
        raise ConfigError(f"LAB_DB={shown!r}: the PostgreSQL driver is psycopg 3: write "
                          f"postgresql:// or postgresql+psycopg://; expected {ACCEPTED}")
    if scheme not in ("postgresql", "postgresql+psycopg"):
        raise ConfigError(f"LAB_DB={shown!r}: {scheme}:// is not a database this lab runs on; "
                          f"expected {ACCEPTED}")
    try:
        url = make_url(raw).set(drivername="postgresql+psycopg")
    except (ArgumentError, ValueError) as err:
        raise ConfigError(f"LAB_DB={shown!r}: not a valid URL ({err}); expected {ACCEPTED}") from None
    if not url.database:
        raise ConfigError(f"LAB_DB={shown!r}: the URL names no database (…/DATABASE at the end); "
                          f"expected {ACCEPTED}")
    return Target("postgresql", url)


class Database:
    """An engine over `LAB_DB` and the transactions the stores use.

    `read()` and `write()` hand out a pooled connection inside one transaction (committed when the
    block ends, rolled back on an exception); `write()` takes SQLite's write lock at once.
    """

    def __init__(self, target: Target, *, pool_size: int = 10):
        self.target = target
        self.kind = target.kind
        self.engine: Engine
        if target.kind == "sqlite":
            self._lock: Any = threading.RLock()
            if target.path != ":memory:":
                Path(target.path or "").parent.mkdir(parents=True, exist_ok=True)
            # one connection, used under the lock (as SQLite serialises writes anyway)
            self.engine = create_engine(target.url, poolclass=pool.StaticPool,
                                        connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(self.engine, "connect", _sqlite_connect)
            event.listen(self.engine, "begin", _sqlite_begin)
        else:
            self._lock = None
            self.engine = create_engine(target.url, pool_size=pool_size, max_overflow=pool_size,
                                        pool_pre_ping=True, pool_recycle=1800)

    @classmethod
    def open(cls, value: str | Path | Database, *, migrate: bool = True,
             pool_size: int = 10) -> Database:
        """A Database for `LAB_DB`'s value, migrated to this build's head; an open Database is
        returned as it is (whoever opened it migrated it)."""
        if isinstance(value, Database):
            return value
        db = cls(parse_target(value), pool_size=pool_size)
        if migrate:
            try:
                upgrade(db)
            except BaseException:
                db.dispose()
                raise
        return db

    def _guard(self) -> Any:
        return self._lock if self._lock is not None else nullcontext()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._guard(), self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        with self._guard(), self.engine.connect() as conn:
            if self.kind == "sqlite":
                conn = conn.execution_options(lab_write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def raw_write(self) -> Iterator[Any]:
        """A DBAPI cursor in one write transaction, for the statements on every command's path:
        SQLAlchemy's own execution of a statement (events, result set-up) costs several times
        what SQLite takes to run it. Write SQL in the driver's parameter style (`paramstyle`).
        A driver error comes out as SQLAlchemy's (IntegrityError for a duplicate key), as from
        `write()`."""
        dbapi = self.engine.dialect.dbapi
        with self._guard():
            connection = self.engine.raw_connection()
            try:
                cursor = connection.cursor()
                try:
                    if self.kind == "sqlite":
                        cursor.execute("BEGIN IMMEDIATE")
                    yield cursor
                    connection.commit()
                except BaseException as err:
                    connection.rollback()
                    if dbapi is not None and isinstance(err, dbapi.IntegrityError):
                        raise IntegrityError("(log write)", None, err) from err
                    if dbapi is not None and isinstance(err, dbapi.Error):
                        raise DBAPIError("(log write)", None, err) from err
                    raise
                finally:
                    cursor.close()
            finally:
                connection.close()  # back to the pool

    @property
    def paramstyle(self) -> str:
        """`?` for sqlite3, `%s` for psycopg: the placeholder of `raw_write` statements."""
        return "?" if self.kind == "sqlite" else "%s"

    def dispose(self) -> None:
        with self._guard():
            self.engine.dispose()


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # transactions are begun by _sqlite_begin, as we say
    cursor = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                   "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    immediate = conn.get_execution_options().get("lab_write")
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# -- migrations -------------------------------------------------------------------------------------


def alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@functools.cache
def head() -> str:
    """The newest revision this build knows."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


def known(revision: str) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except (CommandError, KeyError, ValueError):
        return False


def _revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def current(db: Database) -> str | None:
    """The database's revision (None: never migrated, or empty)."""
    with db.read() as conn:
        return _revision(conn)


def upgrade(db: Database) -> tuple[str | None, str]:
    """Bring the database to this build's head; returns (revision before, revision after).

    Raises DatabaseError when the database was migrated by a newer build, or cannot be reached.
    """
    target = head()
    try:
        before = current(db)
        if before == target:
            return before, target
        _refuse_unknown(db, before)
        from alembic import command

        with db.write() as conn:  # SQLite: BEGIN IMMEDIATE; PostgreSQL: the advisory lock
            if db.kind == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            before = _revision(conn)  # another process may have migrated while we waited
            _refuse_unknown(db, before)
            if before is None and inspect(conn).has_table("sandboxes"):  # made before migrations:
                # the baseline creates only the tables it lacks, then stamps it
                command.upgrade(alembic_config(conn), BASELINE)
            if _revision(conn) != target:
                command.upgrade(alembic_config(conn), "head")
    except SQLAlchemyError as err:
        raise DatabaseError(f"LAB_DB={db.target.shown!r}: cannot use the database: "
                            f"{str(err).splitlines()[0]}") from err
    return before, target


def _refuse_unknown(db: Database, revision: str | None) -> None:
    if revision is not None and not known(revision):
        raise DatabaseError(
            f"LAB_DB={db.target.shown!r} is at schema revision {revision!r}, which this build "
            f"does not know (its newest is {head()!r}): a newer version of the lab migrated it. "
            "Run that version, or upgrade this one; this build will not touch the database.")

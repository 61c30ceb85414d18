"""The database is set up as ENGINEERING.md measured it must be, and the migrations match the models."""

import threading
from datetime import date

import pytest
from sqlalchemy import inspect, select, text

from app.db import make_engine
from app.migrate import differences, downgrade, upgrade
from app.models import Base, Organisation, YoungPerson
from tests import factories


def test_models_match_the_migrations(app):
    assert differences(app.extensions["db"]) == []


def test_every_model_table_is_created_by_the_migrations(app):
    tables = set(inspect(app.extensions["db"]).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrations_go_down_and_up_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/m.db")
    upgrade(engine)
    downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert differences(engine) == []
    engine.dispose()


def test_sqlite_uses_the_settings_that_lose_nothing(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/s.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000
    engine.dispose()


def test_sqlite_transactions_take_the_write_lock_up_front(tmp_path):
    """With BEGIN IMMEDIATE a second writer waits instead of failing on a lock upgrade."""
    engine = make_engine(f"sqlite:///{tmp_path}/lock.db")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        connection.exec_driver_sql("INSERT INTO counter VALUES (0)")

    statements = []

    def record(_conn, _cursor, statement, *_):
        statements.append(statement)

    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", record)
    errors = []

    def increment():
        try:
            for _ in range(25):
                with engine.begin() as connection:
                    value = connection.exec_driver_sql("SELECT n FROM counter").scalar()
                    connection.exec_driver_sql("UPDATE counter SET n = ?", (value + 1,))
        except Exception as error:  # pragma: no cover - the assertion below reports it
            errors.append(error)

    threads = [threading.Thread(target=increment) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with engine.connect() as connection:
        # Read-then-write without lost updates: every increment counted.
        assert connection.exec_driver_sql("SELECT n FROM counter").scalar() == 100
    assert "BEGIN IMMEDIATE" in statements
    engine.dispose()


def test_a_read_only_path_may_begin_deferred(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/ro.db")
    seen = []
    from sqlalchemy import event

    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    with engine.execution_options(sqlite_begin="DEFERRED").begin() as connection:
        connection.execute(text("SELECT 1"))
    assert "BEGIN DEFERRED" in seen
    engine.dispose()


def test_foreign_keys_are_enforced(db_session):
    db_session.add(
        YoungPerson(
            organisation_id=999_999,
            chosen_name="Nobody",
            date_of_birth=date(2010, 1, 1),
            legal_status="care_order",
        )
    )
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        db_session.flush()
    db_session.expire_all()


def test_public_ids_are_random_and_unique(db_session):
    organisations = [factories.organisation(db_session) for _ in range(20)]
    ids = [o.public_id for o in organisations]
    assert len(set(ids)) == 20
    assert all(len(i) == 16 and not i.isdigit() for i in ids)
    # Not sequential or derived from the primary key.
    assert str(organisations[0].id) not in ids[0] or ids[0] != str(organisations[0].id)
    db_session.commit()
    assert db_session.scalar(select(Organisation).where(Organisation.public_id == ids[3])) is organisations[3]


def test_datetimes_come_back_timezone_aware(db_session):
    organisation = factories.organisation(db_session)
    db_session.commit()
    db_session.expire_all()
    assert db_session.get(Organisation, organisation.id).created_at.tzinfo is not None


def test_naive_datetimes_are_refused(db_session):
    from datetime import datetime

    organisation = factories.organisation(db_session)
    organisation.created_at = datetime(2026, 1, 1)
    with pytest.raises(Exception, match="naive datetime"):
        db_session.flush()
    db_session.expire_all()


def test_pages_read_without_the_write_lock_and_forms_write_with_it(app):
    """GET requests begin DEFERRED (never queue behind writers); POSTs begin IMMEDIATE."""
    from sqlalchemy import event

    from app.extensions import db

    @app.route("/probe", methods=["GET", "POST"])
    def probe():
        db.session.execute(text("SELECT 1"))
        db.session.commit()
        return "ok"

    app.config["WTF_CSRF_ENABLED"] = False
    engine = app.extensions["db"]
    if engine.dialect.name != "sqlite":
        pytest.skip("begin modes are SQLite's")
    seen = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    client = app.test_client()
    client.get("/probe")
    assert "BEGIN DEFERRED" in seen and "BEGIN IMMEDIATE" not in seen
    seen.clear()
    client.post("/probe")
    assert "BEGIN IMMEDIATE" in seen


def test_sessions_record_activity_at_most_once_a_minute_and_end_when_idle(
    app, db_session, young_person_account
):
    from datetime import timedelta

    from app.domain import sessions
    from app.models import UserSession, utcnow
    from tests.conftest import sign_in

    sign_in(client := app.test_client(), young_person_account)
    db_session.expire_all()
    started = db_session.scalar(select(UserSession))
    client.get("/me/")
    db_session.expire_all()
    assert db_session.scalar(select(UserSession)).last_seen_at == started.last_seen_at  # under a minute
    db_session.execute(UserSession.__table__.update().values(last_seen_at=utcnow() - timedelta(minutes=2)))
    db_session.commit()
    assert client.get("/me/").status_code == 200
    db_session.expire_all()
    touched = db_session.scalar(select(UserSession))
    assert utcnow() - touched.last_seen_at < timedelta(seconds=30)
    # Idle for longer than a young person's limit: signed out.
    later = touched.last_seen_at + sessions.TIMEOUTS[young_person_account.role].idle
    assert sessions.find_session(db_session, None, later) is None
    db_session.execute(UserSession.__table__.update().values(last_seen_at=utcnow() - timedelta(days=15)))
    db_session.commit()
    assert client.get("/me/").status_code == 303

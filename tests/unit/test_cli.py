"""What `make run` does on a fresh machine: migrate, load the demo world (twice is harmless)."""

from sqlalchemy import func, inspect, select

from app import create_app
from app.models import Base


def test_fresh_database_is_migrated_checked_and_given_the_demo_world_once(tmp_path):
    database = tmp_path / "nested" / "fresh.db"
    app = create_app({"APP_ENV": "test", "DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "k" * 40})
    runner = app.test_cli_runner()

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert database.is_file()
    assert set(Base.metadata.tables) <= set(inspect(app.extensions["db"]).get_table_names())

    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0 and "match" in result.output

    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0 and first.output.strip() == "Demo world loaded."

    def counts():
        with app.extensions["db"].connect() as connection:
            return {
                t.name: connection.scalar(select(func.count()).select_from(t))
                for t in Base.metadata.sorted_tables
            }

    before = counts()
    assert before["young_people"] >= 3
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert counts() == before
    app.extensions["db"].dispose()


def test_demo_links_let_a_newcomer_try_each_role_but_never_in_production(tmp_path):
    database = f"sqlite:///{tmp_path}/demo.db"
    app = create_app({"APP_ENV": "test", "DATABASE_URL": database, "SECRET_KEY": "k" * 40})
    runner = app.test_cli_runner()
    for command in (["db", "upgrade"], ["demo", "load"]):
        assert runner.invoke(args=command).exit_code == 0
    result = runner.invoke(args=["demo", "links"])
    assert result.exit_code == 0, result.output
    links = {line.split()[0]: line.split()[-1] for line in result.output.splitlines() if "http" in line}
    assert set(links) == {"young", "coordinator", "supporter"}
    client = app.test_client()
    for link in links.values():
        assert client.get(link.replace("http://localhost:5000", "")).status_code == 200
    app.extensions["db"].dispose()

    production = create_app(
        {
            "APP_ENV": "production",
            "DATABASE_URL": database,
            "SECRET_KEY": "p" * 40,
            "BASE_URL": "https://x.example.org",
        }
    )
    refused = production.test_cli_runner().invoke(args=["demo", "links"])
    assert refused.exit_code != 0 and "http" not in refused.output
    production.extensions["db"].dispose()

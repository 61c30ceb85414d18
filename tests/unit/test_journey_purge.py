"""`flask journey purge`: entries deleted more than 30 days ago go for good, with their photos' files."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.domain import journey, photos
from app.models import AuditEvent, JourneyEntry, JourneyPhoto, utcnow
from tests import factories

JPEG_NAME = "{:032x}.jpg"


def _entry_with_photo(db_session, young_person, directory, number: int, deleted_at=None) -> tuple[int, str]:
    entry = factories.journey_entry(db_session, young_person, title=f"Entry {number}", deleted_at=deleted_at)
    name = JPEG_NAME.format(number)
    photos.path_of(directory, name).write_bytes(b"\xff\xd8 not really a photo \xff\xd9")
    db_session.add(JourneyPhoto(entry=entry, storage_name=name, width=10, height=10, size_bytes=24))
    db_session.flush()
    return entry.id, name


@pytest.fixture
def three_entries(app, db_session, organisation):
    """Deleted 31 days ago, deleted 29 days ago, never deleted: each with a photo file on disk."""
    directory = photos.photo_dir(app.config)
    young_person = factories.young_person(db_session, organisation=organisation)
    now = utcnow()
    made = {
        "old": _entry_with_photo(db_session, young_person, directory, 1, now - timedelta(days=31)),
        "recent": _entry_with_photo(db_session, young_person, directory, 2, now - timedelta(days=29)),
        "kept": _entry_with_photo(db_session, young_person, directory, 3),
    }
    db_session.commit()
    return directory, made


def _check_only_the_old_one_went(db_session, directory, made) -> None:
    db_session.expire_all()
    entries = set(db_session.scalars(select(JourneyEntry.id)))
    names = set(db_session.scalars(select(JourneyPhoto.storage_name)))
    old_id, old_name = made["old"]
    assert old_id not in entries and old_name not in names
    assert not photos.path_of(directory, old_name).exists()
    for key in ("recent", "kept"):
        entry_id, name = made[key]
        assert entry_id in entries, f"the {key} entry must stay"
        assert name in names and photos.path_of(directory, name).exists()
    purged = db_session.scalars(select(AuditEvent).where(AuditEvent.action == "journey.entry_purged")).all()
    assert len(purged) == 1


def test_the_command_removes_what_was_deleted_more_than_30_days_ago_and_says_how_many(
    app, db_session, three_entries
):
    directory, made = three_entries

    result = app.test_cli_runner().invoke(args=["journey", "purge"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Removed 1 deleted journey book entry for good."
    _check_only_the_old_one_went(db_session, directory, made)

    again = app.test_cli_runner().invoke(args=["journey", "purge"])
    assert again.exit_code == 0, again.output
    assert again.output.strip() == "Removed 0 deleted journey book entries for good."
    _check_only_the_old_one_went(db_session, directory, made)


def test_purge_called_directly_keeps_what_may_still_be_restored(app, db_session, three_entries):
    directory, made = three_entries

    assert journey.purge(db_session, utcnow(), directory) == 1

    _check_only_the_old_one_went(db_session, directory, made)
    # Thirty-one days after it was deleted, the recent one goes too.
    assert journey.purge(db_session, utcnow() + timedelta(days=2), directory) == 1
    db_session.expire_all()
    assert db_session.get(JourneyEntry, made["recent"][0]) is None
    assert not photos.path_of(directory, made["recent"][1]).exists()
    assert db_session.get(JourneyEntry, made["kept"][0]) is not None

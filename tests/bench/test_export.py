"""Benchmark (``make bench``): "Download everything" for a big journey book.

500 entries and 200 real phone-sized JPEGs (1600×1200, quality 85, 200–400 KB each) on SQLite. The
photos are made with Pillow a few at a time and their bytes copied under other names, so making them
takes a second, not minutes. Prints the seconds, the ZIP's size and the peak memory while building.
"""

from __future__ import annotations

import contextlib
import io
import resource
import secrets
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

from PIL import Image

from app import create_app
from app.db import make_engine
from app.domain import export, photos
from app.migrate import upgrade
from app.models import ConsentKind, DatePrecision, EntryKind, JourneyPhoto, Role, utcnow
from tests import factories

ENTRIES = 500
PHOTOS = 200
BUDGET_SECONDS = 60


def phone_photos(count: int = 4) -> list[bytes]:
    """A few different 1600×1200 JPEGs with enough detail to weigh what a phone photo weighs."""
    made = []
    for n in range(count):
        noise = Image.effect_noise((1600, 1200), 6 + n)
        gradient = Image.linear_gradient("L").resize((1600, 1200))
        buffer = io.BytesIO()
        Image.merge("RGB", (gradient, noise, gradient.rotate(90))).save(buffer, "JPEG", quality=85)
        made.append(buffer.getvalue())
    return made


def seed(session, directory: Path):
    account = factories.account(session, role=Role.YOUNG_PERSON)
    person = factories.young_person(session, organisation=account.organisation, account_id=account.id)
    factories.consent_to_contact(session, person)
    people = [factories.supporter_with_account(session, person, name=f"Supporter {n}") for n in range(6)]
    images = phone_photos()
    for n in range(ENTRIES):
        photo = []
        if n < PHOTOS:
            data = images[n % len(images)]
            name = secrets.token_hex(16) + ".jpg"
            (directory / name).write_bytes(data)
            photo = [JourneyPhoto(storage_name=name, width=1600, height=1200, size_bytes=len(data))]
        entry = factories.journey_entry(
            session,
            person,
            kind=EntryKind.PHOTO if photo else EntryKind.MEMORY,
            title=f"Memory number {n}",
            body=f"We went to the park and had **ice cream**, memory {n}.\n\n- the swings\n- the ducks",
            happened_on=date(2008, 1, 1) + timedelta(days=11 * n),
            date_precision=list(DatePrecision)[n % len(DatePrecision)],
            author_account_id=account.id,
            people=people[n % 3 : n % 3 + 2],
            photos=photo,
        )
        if n % 5 == 0:
            factories.consent_event(
                session,
                person,
                kind=ConsentKind.SHARING,
                scope=f"entry:{entry.public_id}:member:{people[0].public_id}",
                actor_account_id=account.id,
            )
    session.commit()
    return person


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS:"))) / 1024


def _reset_peak_memory() -> None:
    # Linux: writing 5 resets this process's high-water mark, so the peak is the build's own.
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def test_download_everything_for_a_big_book(tmp_path):
    database = f"sqlite:///{tmp_path}/bench.db"
    engine = make_engine(database)
    upgrade(engine)
    engine.dispose()
    secret = "bench-secret-0123456789-0123456789-0123"
    uploads = str(tmp_path / "uploads")
    app = create_app({"DATABASE_URL": database, "SECRET_KEY": secret, "UPLOAD_DIR": uploads})
    with app.app_context():
        from app.extensions import db

        directory = photos.photo_dir(app.config)
        person = seed(db.session, directory)
        db.session.expire_all()  # read everything from the database, as a real request would
        target = tmp_path / "download.zip"
        _reset_peak_memory()
        before_mb = _rss_mb()
        started = time.perf_counter()
        with target.open("wb") as out:
            export.build_zip(db.session, person, directory, out, language="en", now=utcnow())
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    app.extensions["db"].dispose()

    size_mb = target.stat().st_size / 1024 / 1024
    photo_mb = sum(path.stat().st_size for path in directory.glob("*.jpg")) / 1024 / 1024
    with zipfile.ZipFile(target) as zf:
        names = zf.namelist()
        assert len([n for n in names if n.startswith("photos/")]) == PHOTOS
        assert zf.read("book.html").count(b"<article") == ENTRIES
    print(
        f"\ndownload everything: {ENTRIES} entries, {PHOTOS} photos ({photo_mb:.1f} MB): {seconds:.2f} s, "
        f"ZIP {size_mb:.1f} MB, peak RSS {peak_mb:.0f} MB ({before_mb:.0f} MB just before building)"
    )
    assert seconds < BUDGET_SECONDS

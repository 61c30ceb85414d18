"""Download everything: what the ZIP holds, what it never holds, and that no table is forgotten.

One young person gets a row in every table that holds data about them (and their sister gets some
too); the ZIP is built, data.json is checked against its schema, and the bytes of every file are
searched for what must never be in it.
"""

from __future__ import annotations

import base64
import io
import json
import time
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from jsonschema import Draft202012Validator
from PIL import Image
from sqlalchemy import select

from app.domain import export, photos
from app.domain.personal_data import about_young_person
from app.domain.tokens import hash_token, new_token
from app.models import (
    Account,
    AuthorRole,
    Base,
    ConsentKind,
    ContactLogEntry,
    ContactMethod,
    DatePrecision,
    EntryStatus,
    Invitation,
    InvitationKind,
    JourneyPhoto,
    PlanStatus,
    Role,
    SafetyStatus,
    utcnow,
)
from tests import factories

SCHEMA = json.loads((Path(export.__file__).parents[1] / "schemas" / "export.schema.json").read_text())
NEVER = [  # staff notes, safety reasons, contact details, the hidden person, and what is not theirs
    "STAFF-NOTE-SECRET",
    "SAFETY-REASON-SECRET",
    "nan-private@example.org",
    "07700 900123",
    "1 Secret Lane",
    "HIDDEN-PERSON",
    "HIDDEN-SAFETY-REASON",
    "CONTACT-LOG-SECRET",
    "OUTBOX-SECRET",
    "invited-secret@example.org",
    "DRAFT-PLAN-PROMISE",
    "REVIEW-STAFF-NOTES",
    "DECLINED-MEMORY",
    "Legal-Name-Secret",
    "PLACEMENT-ADDRESS-SECRET",
    "SCHOOL-SECRET",
    "PLACE-NOTE-SECRET",
    "REFERRAL-REASON-SECRET",
    "STAFF-CONSENT-NOTE",
    "OTHER-YOUNG-PERSON",
]


def jpeg_bytes(size=(64, 48), colour=(200, 120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def stored_photo(directory: Path, alt_text: str | None = None, position: int = 0, data: bytes | None = None):
    stored = photos.clean_and_store(data or jpeg_bytes(), directory)
    return JourneyPhoto(
        storage_name=stored.storage_name,
        width=stored.width,
        height=stored.height,
        size_bytes=stored.size_bytes,
        position=position,
        alt_text=alt_text,
    )


@dataclass
class World:
    young_person: object
    account: object
    nan: object
    markers: dict  # table -> something of the seeded row that data.json must show under its path
    entry: object
    photo: object
    passkey: object


def seed(db_session, organisation, directory: Path) -> World:
    """One young person with a row in every table about them; their sister has rows of her own."""
    now = utcnow()
    coordinator = factories.account(db_session, role=Role.COORDINATOR, organisation=organisation)
    account = factories.account(db_session, role=Role.YOUNG_PERSON, organisation=organisation, language="en")
    person = factories.young_person(
        db_session,
        organisation=organisation,
        account_id=account.id,
        coordinator_id=coordinator.id,
        chosen_name="Jordan",
        pronouns="they/them",
        legal_name="Legal-Name-Secret",
        placement_address="PLACEMENT-ADDRESS-SECRET",
        school="SCHOOL-SECRET",
    )
    passkey = factories.passkey(db_session, account, name="Jordan's phone")
    factories.consent_to_contact(db_session, person)
    nan = factories.supporter_with_account(
        db_session,
        person,
        name="Nan",
        email="nan-private@example.org",
        phone="07700 900123",
        address="1 Secret Lane",
        staff_notes="STAFF-NOTE-SECRET",
        safety_reason="SAFETY-REASON-SECRET",
    )
    hidden = factories.network_member(
        db_session,
        person,
        name="HIDDEN-PERSON",
        safety_status=SafetyStatus.DO_NOT_CONTACT,
        safety_reason="HIDDEN-SAFETY-REASON",
        shown_to_young_person=False,
    )
    agreement = factories.consent_event(
        db_session, person, kind=ConsentKind.YOUNG_PERSON_AGREEMENT, actor_account_id=account.id
    )
    factories.consent_event(
        db_session,
        person,
        kind=ConsentKind.CONTACT_PERSON,
        scope=f"member:{hidden.public_id}",
        recorded_by_staff=True,
        note="STAFF-CONSENT-NOTE",
    )
    link = factories.family_link(db_session, person, nan, None)
    factories.family_link(db_session, person, hidden, None)
    place = factories.place(db_session, person, people=[nan, hidden], name="Nan's", note="PLACE-NOTE-SECRET")

    plan = factories.plan(db_session, person, status=PlanStatus.ACTIVE, version=2)
    promise = factories.commitment(db_session, plan, supporters=[nan, hidden], description="Ring each year")
    occurrence = factories.occurrence(db_session, promise, due_on=date(2026, 3, 14))
    confirmation = factories.confirmation(db_session, occurrence, by=nan.account, note="Lovely chat")
    draft = factories.plan(db_session, person, version=3)
    factories.commitment(db_session, draft, supporters=[nan], description="DRAFT-PLAN-PROMISE")
    objective = factories.objective(db_session, person, text="See my sister more")
    review = factories.review(
        db_session, person, young_person_words="I like the calls", notes="REVIEW-STAFF-NOTES"
    )
    referral = factories.referral(db_session, person, reason="REFERRAL-REASON-SECRET")

    photo = stored_photo(directory, alt_text="Nan and me at the seaside")
    entry = factories.journey_entry(
        db_session,
        person,
        title="The seaside with Nan",
        body="We had **chips** and\n\n- a kite\n- a crab",
        happened_on=date(2015, 7, 1),
        date_precision=DatePrecision.AROUND_YEAR,
        author_account_id=account.id,
        people=[nan, hidden],
        photos=[photo, stored_photo(directory, position=1)],
    )
    factories.consent_event(
        db_session,
        person,
        kind=ConsentKind.SHARING,
        scope=f"entry:{entry.public_id}:member:{nan.public_id}",
        actor_account_id=account.id,
    )
    factories.journey_entry(
        db_session,
        person,
        title="Nan's memory of your first steps",
        author_account_id=nan.account_id,
        author_role=AuthorRole.SUPPORTER,
        status=EntryStatus.AWAITING_YOUNG_PERSON,
        photos=[stored_photo(directory)],
    )
    factories.journey_entry(
        db_session,
        person,
        title="DECLINED-MEMORY",
        author_account_id=nan.account_id,
        author_role=AuthorRole.SUPPORTER,
        status=EntryStatus.DECLINED,
    )
    factories.journey_entry(db_session, person, title="A page I deleted", deleted_at=now - timedelta(days=2))

    # Tables that are not in the download, each with a row, so we see they really stay out.
    factories.audit_event(db_session, young_person_id=person.id, action="sensitive_read")
    db_session.add(
        ContactLogEntry(
            network_member_id=nan.id,
            contacted_on=date(2026, 1, 2),
            method=ContactMethod.PHONE,
            outcome="CONTACT-LOG-SECRET",
        )
    )
    db_session.add(
        Invitation(
            kind=InvitationKind.SUPPORTER,
            token_hash=hash_token(new_token()),
            young_person_id=person.id,
            network_member_id=nan.id,
            email="invited-secret@example.org",
            expires_at=now,
        )
    )
    factories.snapshot(db_session, person)
    factories.outbox_message(db_session, young_person_id=person.id, body_text="OUTBOX-SECRET")

    sister = factories.young_person(db_session, organisation=organisation, chosen_name="OTHER-YOUNG-PERSON")
    factories.network_member(db_session, sister, name="OTHER-YOUNG-PERSON's aunt")
    factories.journey_entry(db_session, sister, title="OTHER-YOUNG-PERSON's page")
    factories.objective(db_session, sister, text="OTHER-YOUNG-PERSON's wish")
    db_session.commit()

    markers = {
        "consent_events": agreement.public_id,
        "network_members": nan.public_id,
        "family_links": "Nan",
        "places": place.public_id,
        "place_people": "Nan",
        "plans": plan.public_id,
        "commitments": promise.public_id,
        "commitment_supporters": "Nan",
        "occurrences": occurrence.public_id,
        "confirmations": confirmation.public_id,
        "objectives": objective.public_id,
        "reviews": review.public_id,
        "journey_entries": entry.public_id,
        "journey_entry_people": "Nan",
        "journey_photos": photo.public_id,
        "referrals": referral.public_id,
    }
    assert link.id
    return World(person, account, nan, markers, entry, photo, passkey)


def build(app, db_session, young_person, language="en") -> zipfile.ZipFile:
    out = io.BytesIO()
    with app.app_context():
        export.build_zip(
            db_session, young_person, photos.photo_dir(app.config), out, language=language, now=utcnow()
        )
    out.seek(0)
    return zipfile.ZipFile(out)


def at(data, path: str) -> list:
    """The values at a dotted path of data.json, lists flattened at each step."""
    found = [data]
    for key in path.split("."):
        found = [
            value for item in found for value in (item[key] if isinstance(item[key], list) else [item[key]])
        ]
    return found


@pytest.fixture
def world(app, db_session, organisation) -> World:
    return seed(db_session, organisation, photos.photo_dir(app.config))


def test_every_table_about_a_young_person_is_decided():
    found = about_young_person(Base.metadata)
    assert set(export.TABLES) == found, (
        "Tables about a young person changed. Decide, in app/domain/export.py TABLES, where each new "
        f"table appears in data.json or why it is not included: new {sorted(found - set(export.TABLES))}, "
        f"gone {sorted(set(export.TABLES) - found)}"
    )
    for table, where in export.TABLES.items():
        if not where.startswith(export.NOT_INCLUDED):
            assert where.split(".")[0] in SCHEMA["properties"], f"{table}: {where} is not in the schema"


def test_each_table_shows_its_row_where_it_says(app, db_session, world):
    zf = build(app, db_session, world.young_person)
    data = json.loads(zf.read("data.json"))
    Draft202012Validator(SCHEMA).validate(data)
    included = {t: w for t, w in export.TABLES.items() if not w.startswith(export.NOT_INCLUDED)}
    assert set(world.markers) == set(included), "seed a row (and a marker) for each table in data.json"
    for table, path in included.items():
        assert world.markers[table] in json.dumps(at(data, path), ensure_ascii=False), (table, path)


def test_what_data_json_says(app, db_session, world):
    data = json.loads(build(app, db_session, world.young_person).read("data.json"))
    assert data["young_person"]["chosen_name"] == "Jordan"
    assert data["young_person"]["pronouns"] == "they/them"
    assert data["account"]["passkeys"] == [
        {
            "id": world.passkey.public_id,
            "name": "Jordan's phone",
            "created_at": world.passkey.created_at.isoformat(),
            "last_used_at": None,
        }
    ]
    assert [person["name"] for person in data["people"]] == ["Nan"]
    assert data["people"][0]["your_contact_choice"] == "given"
    [entry] = data["journey"]["entries"]
    assert entry["body"] == "We had **chips** and\n\n- a kite\n- a crab"  # as typed
    assert entry["date_in_words"] == "Around 2015"
    assert entry["people"] == ["Nan"]
    assert entry["shared_with"] == ["Nan"]
    assert [p["file"] for p in entry["photos"]] == [f"photos/{p.storage_name}" for p in world.entry.photos]
    assert [e["title"] for e in data["journey"]["waiting_for_you"]] == ["Nan's memory of your first steps"]
    [deleted] = data["journey"]["recently_deleted"]
    assert deleted["title"] == "A page I deleted" and deleted["gone_for_good_at"] > deleted["deleted_at"]
    assert [plan["version"] for plan in data["plans"]] == [2]  # the draft is still being made
    assert data["plans"][0]["commitments"][0]["supporters"] == ["Nan"]
    assert data["reviews"][0]["your_words"] == "I like the calls"
    sharing = [c for c in data["consents"] if c["kind"] == "sharing"]
    assert sharing[0]["about"] == "Sharing “The seaside with Nan” with Nan"
    assert data["missing_photos"] == []


def test_never_in_any_file(app, db_session, world):
    zf = build(app, db_session, world.young_person)
    everything = b"".join(zf.read(name) for name in zf.namelist())
    leaks = [word for word in NEVER if word.encode() in everything]
    assert leaks == []
    others = db_session.scalars(select(Account.email).where(Account.id != world.account.id)).all()
    assert others and [email for email in others if email.encode() in everything] == []
    assert world.account.email.encode() in everything  # their own address is theirs to see
    passkey_id = world.passkey.credential_id
    for form in (passkey_id, passkey_id.hex().encode(), base64.urlsafe_b64encode(passkey_id).rstrip(b"=")):
        assert form not in everything


def test_the_offline_book(app, db_session, world):
    zf = build(app, db_session, world.young_person)
    soup = BeautifulSoup(zf.read("book.html"), "html.parser")
    assert soup.html["lang"] == "en" and soup.html["dir"] == "ltr"
    assert soup.find("h1").get_text(strip=True) == "My journey book"
    assert "Jordan" in soup.select_one(".meta").get_text()
    article = soup.find("article")
    assert article.find("h2").get_text(strip=True) == "The seaside with Nan"
    assert article.select_one(".when").get_text(strip=True) == "Around 2015"
    assert article.find("strong").get_text() == "chips"
    assert [li.get_text() for li in article.find_all("li")] == ["a kite", "a crab"]
    assert "Nan" in article.select_one(".people").get_text()
    images = soup.find_all("img")
    assert [img["src"] for img in images] == [f"photos/{p.storage_name}" for p in world.entry.photos]
    assert images[0]["alt"] == "Nan and me at the seaside"
    assert images[1]["alt"] == "A photo from “The seaside with Nan”"
    names = set(zf.namelist())
    assert all(img["src"] in names for img in images)
    assert soup.find("script") is None and soup.find("link") is None  # nothing to fetch from anywhere
    assert "Nan's memory" not in soup.get_text()  # waiting memories are not in the book yet


def test_files_and_how_they_are_stored(app, db_session, world):
    zf = build(app, db_session, world.young_person)
    names = set(zf.namelist())
    assert {"book.html", "data.json", "README.txt"} <= names
    photo_names = {name for name in names if name.startswith("photos/")}
    assert len(photo_names) == 3  # two in the book and one in the memory waiting for them
    for info in zf.infolist():
        expected = zipfile.ZIP_STORED if info.filename.startswith("photos/") else zipfile.ZIP_DEFLATED
        assert info.compress_type == expected, info.filename
    directory = photos.photo_dir(app.config)
    name = world.photo.storage_name
    assert zf.read(f"photos/{name}") == (directory / name).read_bytes()  # exactly as stored
    readme = zf.read("README.txt").decode()
    assert "book.html" in readme and "data.json" in readme and "subject access request" in readme
    assert zf.testzip() is None


def test_a_missing_photo_file_is_left_out_and_noted(app, db_session, world):
    (photos.photo_dir(app.config) / world.photo.storage_name).unlink()
    zf = build(app, db_session, world.young_person)
    data = json.loads(zf.read("data.json"))
    Draft202012Validator(SCHEMA).validate(data)
    assert data["missing_photos"] == [world.photo.storage_name]
    assert data["journey"]["entries"][0]["photos"][0]["file"] is None
    assert f"photos/{world.photo.storage_name}" not in zf.namelist()
    assert world.photo.storage_name not in zf.read("book.html").decode()


def test_arabic_reads_right_to_left(app, db_session, world):
    zf = build(app, db_session, world.young_person, language="ar")
    soup = BeautifulSoup(zf.read("book.html"), "html.parser")
    assert soup.html["dir"] == "rtl" and soup.html["lang"] == "ar"
    assert json.loads(zf.read("data.json"))["language"] == "ar"


def test_an_empty_book(app, db_session, organisation):
    person = factories.young_person(db_session, organisation=organisation)
    db_session.commit()
    zf = build(app, db_session, person)
    data = json.loads(zf.read("data.json"))
    Draft202012Validator(SCHEMA).validate(data)
    assert data["account"] is None and data["journey"]["entries"] == []
    assert "no pages yet" in zf.read("book.html").decode()


def test_a_book_of_fifty_pages(app, db_session, organisation):
    """Newest memory first, every page and photo there; the big book lives in tests/bench."""
    person = factories.young_person(db_session, organisation=organisation)
    directory = photos.photo_dir(app.config)
    data = jpeg_bytes((320, 240))
    for n in range(50):
        factories.journey_entry(
            db_session,
            person,
            title=f"Page {n:02d}",
            body=f"Something that happened, number {n}.",
            happened_on=date(2000, 1, 1) + timedelta(days=100 * n),
            date_precision=DatePrecision.DAY,
            photos=[stored_photo(directory, data=data)] if n % 5 == 0 else [],
        )
    db_session.commit()
    started = time.perf_counter()
    zf = build(app, db_session, person)
    assert time.perf_counter() - started < 10
    soup = BeautifulSoup(zf.read("book.html"), "html.parser")
    assert [h2.get_text() for h2 in soup.find_all("h2")] == [f"Page {n:02d}" for n in reversed(range(50))]
    assert len(soup.find_all("img")) == 10
    assert len([n for n in zf.namelist() if n.startswith("photos/")]) == 10
    newest = date(2000, 1, 1) + timedelta(days=4900)
    assert soup.select_one(".when").get_text(strip=True) == f"{newest.day} {newest:%B %Y}"

"""The outbox asks the consent ledger before sending anything about a young person."""

from app.domain import outbox
from app.models import ConsentKind, Decision, OutboxStatus, Role, utcnow
from tests import factories


def test_messages_to_a_supporter_stop_when_contact_with_them_stops(db_session, organisation, coordinator):
    person = factories.young_person(db_session, organisation=organisation)
    nan_account = factories.account(db_session, role=Role.SUPPORTER)
    dev_account = factories.account(db_session, role=Role.SUPPORTER)
    nan = factories.network_member(db_session, person, name="Nan", account_id=nan_account.id)
    dev = factories.network_member(db_session, person, name="Dev", account_id=dev_account.id)
    factories.consent_to_contact(db_session, person, nan, dev)
    for member in (nan, dev):
        factories.consent_event(
            db_session, person, kind=ConsentKind.SUPPORTER_PARTICIPATION, scope=f"member:{member.public_id}"
        )
    # The young person says "not now" to Nan only.
    factories.consent_event(
        db_session,
        person,
        kind=ConsentKind.CONTACT_PERSON,
        scope=f"member:{nan.public_id}",
        decision=Decision.WITHDRAWN,
    )
    to_nan = factories.outbox_message(db_session, young_person_id=person.id, to_account_id=nan_account.id)
    to_dev = factories.outbox_message(db_session, young_person_id=person.id, to_account_id=dev_account.id)
    to_staff = factories.outbox_message(db_session, young_person_id=person.id, to_account_id=coordinator.id)
    db_session.commit()

    claimed = {message.id for message in outbox.claim(db_session, utcnow())}
    db_session.commit()
    assert claimed == {to_dev.id, to_staff.id}
    db_session.expire_all()
    assert db_session.get(type(to_nan), to_nan.id).status is OutboxStatus.CANCELLED

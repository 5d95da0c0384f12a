"""audit.record(): a transaction's events go with its flush (PostgreSQL: in one INSERT); an
actor a commit expired is not read again for its id; a representative is still recorded as such."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import event, select

from faunaschade.audit import chain as audit
from faunaschade.claims import operations as claims
from faunaschade.clock import today
from faunaschade.extensions import db
from faunaschade.farmers import operations as farmers
from faunaschade.models import AuditEvent, FarmerProfile


class Sent:
    """The SQL statements sent while it is active."""

    def __init__(self) -> None:
        self.statements: list[str] = []

    def _seen(self, _conn, _cursor, statement, *_args) -> None:
        self.statements.append(statement)

    def __enter__(self) -> list[str]:
        event.listen(db.engine, "before_cursor_execute", self._seen)
        return self.statements

    def __exit__(self, *_exc) -> None:
        event.remove(db.engine, "before_cursor_execute", self._seen)


def _draft(session, farmer):
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcel = farmers.add_parcel(
        profile,
        {"name": "Wei", "area_ha": Decimal("40"), "crop": "blijvend_grasland", "tenure": "own"},
        farmer,
    )
    data = {
        "province": "FR",
        "crop": "blijvend_grasland",
        "discovered_on": today() - timedelta(days=1),
        "species": ["grauwe_gans"],
        "parcels": [
            {"parcel_id": parcel.id, "damaged_area_ha": Decimal("2.5"), "area_type": "regular"}
        ],
        "preventive_measures": ["acoustic"],
        "description": "Ganzen op het land.",
    }
    return profile, claims.create_claim(profile, data, farmer)


def test_a_transactions_events_wait_for_its_flush_and_go_in_one_insert(session):
    with Sent() as at_record:
        first = audit.record("test.first", data={"n": 1})
        second = audit.record("test.second", data={"bedrag": Decimal("2.50")})
    assert at_record == []
    with Sent() as at_flush:
        session.flush()
    inserts = [s for s in at_flush if s.lstrip().upper().startswith("INSERT")]
    # PostgreSQL takes both rows in one statement; SQLite's driver one by one.
    assert len(inserts) == (1 if db.engine.dialect.name == "postgresql" else 2)
    assert first.id < second.id
    # Read as the database answers it, written as the text its content hash covers.
    assert second.data == {"bedrag": "2.50"}
    stored = session.scalar(select(AuditEvent.data).where(AuditEvent.id == second.id))
    assert stored == {"bedrag": "2.50"}
    assert second.content_hash == audit.event_content_hash(second)
    session.commit()
    assert audit.verify().intact


def test_an_actor_a_commit_expired_is_not_read_again_for_its_event(session, make_user):
    farmer = make_user("farmer")
    profile, claim = _draft(session, farmer)
    farmer_id, claim_id = farmer.id, claim.id
    session.commit()  # expires the farmer, the claim and the profile
    session.refresh(claim)  # what a request about the claim has loaded
    session.refresh(profile)
    with Sent() as sent:
        own = audit.record("test.own", claim, actor=farmer, claim_id=claim_id)
    assert sent == []
    assert (own.actor_id, own.object_type, own.object_id) == (farmer_id, "claim", claim_id)
    assert "on_behalf_of" not in own.data


def test_a_representative_a_commit_expired_is_still_recorded_as_such(session, make_user):
    farmer, representative, officer = make_user("farmer"), make_user("farmer"), make_user("officer")
    profile, claim = _draft(session, farmer)
    session.commit()
    session.refresh(claim)
    for_farmer = audit.record("test.for", claim, actor=representative, claim_id=claim.id)
    by_officer = audit.record("test.officer", claim, actor=officer, claim_id=claim.id)
    assert for_farmer.actor_id == representative.id
    assert for_farmer.data == {"on_behalf_of": profile.id}
    assert by_officer.data == {}
    session.commit()
    assert audit.verify().intact

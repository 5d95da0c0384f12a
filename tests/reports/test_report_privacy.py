"""A melding is personal data of its farmer: in the AVG export, and its note erased with the
farmer (the melding itself, its counts and the audit chain stay)."""

from decimal import Decimal

from sqlalchemy import select

from faunaschade.farmers import privacy
from faunaschade.models import AuditEvent, DamageReport, FarmerProfile, Parcel, Tenure
from faunaschade.reports import operations as reports
from tests.support.farmers import recent_workday

NOTE = "Buurman Piet Jansen zag de zwijnen om 05:00."


def test_the_melding_is_exported_and_its_note_erased(session, farmer, make_user):
    profile = session.scalar(select(FarmerProfile).where(FarmerProfile.user_id == farmer.id))
    parcel = Parcel(
        farmer_id=profile.id,
        name="Bosrand",
        area_ha=Decimal("3"),
        crop="snijmais",
        province="GE",
        tenure=Tenure.LEASE,
    )
    session.add(parcel)
    session.flush()
    body = {
        "discovered_on": recent_workday(),
        "species": ["wild_zwijn"],
        "parcels": [
            {"parcel_id": parcel.id, "damaged_area_ha": Decimal("0.5"), "area_type": "regular"}
        ],
        "estimated_damage": Decimal("800"),
        "note": NOTE,
    }
    report = reports.create_report(profile, body, farmer)
    session.flush()
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "report.created"))
    assert NOTE not in repr(event.data)  # the chain, which cannot forget, never holds the note

    session.expire_all()  # read back as stored, as the export of a later request does
    exported = privacy.export_for(farmer)
    assert exported["reports"] == [
        {
            "id": report.id,
            "reference": report.reference,
            "province": "GE",
            "crop": "snijmais",
            "discovered_on": recent_workday().isoformat(),
            "estimated_damage": "800.00",
            "note": NOTE,
            "converted_claim_id": None,
            "created_at": report.created_at.isoformat(),
            "species": ["wild_zwijn"],
            "parcels": [
                {"parcel_id": parcel.id, "damaged_area_ha": "0.5000", "area_type": "regular"}
            ],
        }
    ]
    other = make_user("farmer")
    assert privacy.export_for(other)["reports"] == []

    privacy.erase_farmer(profile, None, force=True)
    session.flush()
    session.refresh(report)
    assert report.note == privacy.ERASED
    assert report.estimated_damage == Decimal("800.00")  # the figures stay
    assert session.scalar(select(DamageReport.id)) == report.id

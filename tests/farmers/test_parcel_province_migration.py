"""The upgrade that gives parcels a province (issue 14) fills it in from the claims a parcel was
on when they all name the same province; any other parcel stays unknown (the form asks)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_migrate import upgrade
from sqlalchemy import MetaData, insert, text
from sqlalchemy.exc import IntegrityError

from faunaschade.extensions import db
from tests.support.app import (
    PG_TEST_DB,
    ROOT,
    TEST_DATABASE,
    drop_postgres_database,
    make_test_app,
    recreate_postgres_database,
)

BEFORE = "690cdabf5683"


@pytest.fixture
def old_release(tmp_path):
    """The revision before: parcel Een on two Fryslân claims, Twee on a Fryslân and a Groningen
    claim, Drie on none."""
    if TEST_DATABASE == "postgresql":
        url = recreate_postgres_database(f"{PG_TEST_DB}_parcels")
    else:
        url = f"sqlite:///{tmp_path / 'old.db'}"
    app = make_test_app(url)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"), revision=BEFORE)
        tables = MetaData()
        tables.reflect(db.engine, only=["users", "farmer_profiles", "parcels", "claims"])
        tables.reflect(db.engine, only=["claim_parcels"])
        now = datetime(2025, 3, 1, 12, tzinfo=UTC)
        run = db.session.execute
        run(
            insert(tables.tables["users"]),
            {
                "id": 1,
                "email": "boer@example.nl",
                "password_hash": "x",
                "role": "farmer",
                "name": "Boer",
                "all_provinces": False,
                "active": True,
                "locale": "nl",
                "created_at": now,
            },
        )
        run(
            insert(tables.tables["farmer_profiles"]),
            {
                "id": 1,
                "user_id": 1,
                "name": "Boer",
                "kvk": "01234567",
                "iban": "NL91ABNA0417164300",
                "address": "Dijk 1",
                "postcode": "8501 AA",
                "city": "Joure",
                "created_at": now,
            },
        )
        for parcel_id, name in [(1, "Een"), (2, "Twee"), (3, "Drie")]:
            run(
                insert(tables.tables["parcels"]),
                {
                    "id": parcel_id,
                    "farmer_id": 1,
                    "name": name,
                    "area_ha": 4,
                    "crop": "snijmais",
                    "tenure": "own",
                    "created_at": now,
                },
            )
        for claim_id, province, parcel_ids in [(1, "FR", [1, 2]), (2, "FR", [1]), (3, "GR", [2])]:
            run(
                insert(tables.tables["claims"]),
                {
                    "id": claim_id,
                    "reference": f"FS-2025-{claim_id:06d}",
                    "farmer_id": 1,
                    "province": province,
                    "kind": "crop",
                    "status": "draft",
                    "crop": "snijmais",
                    "discovered_on": date(2025, 3, 1),
                    "preventive_measures": [],
                    "description": "",
                    "leges": 0,
                    "version": 1,
                    "created_at": now,
                    "updated_at": now,
                },
            )
            for parcel_id in parcel_ids:
                run(
                    insert(tables.tables["claim_parcels"]),
                    {
                        "claim_id": claim_id,
                        "parcel_id": parcel_id,
                        "damaged_area_ha": 1,
                        "area_type": "regular",
                    },
                )
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if TEST_DATABASE == "postgresql":
        drop_postgres_database(f"{PG_TEST_DB}_parcels")


def test_parcels_get_the_one_province_their_claims_name(old_release):
    with old_release.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        rows = db.session.execute(text("SELECT name, province FROM parcels ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("Een", "FR"), ("Twee", None), ("Drie", None)]
    with old_release.app_context():  # and only the twelve codes are taken
        with pytest.raises(IntegrityError):
            db.session.execute(text("UPDATE parcels SET province = 'XX' WHERE id = 3"))
        db.session.rollback()

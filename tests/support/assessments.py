"""Builders for the assessment tests: a submitted claim through the API, report bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from faunaschade.clock import today
from tests.support.farmers import claim_body, parcel_body, register_and_login


def submitted_claim(
    client, province: str = "LI", **overrides: Any
) -> tuple[dict[str, str], dict[str, Any], dict[str, Any]]:
    """A farmer (bearer header), their submitted claim and its parcel (leges-free province)."""
    farmer = register_and_login(client, **overrides.pop("registration", {}))
    parcel = client.post("/api/v1/parcels", json=parcel_body(area_ha="4.2"), headers=farmer).json
    claim = client.post(
        "/api/v1/claims",
        json=claim_body(parcel["id"], province=province, **overrides),
        headers=farmer,
    ).json
    submitted = client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    assert submitted.json["status"] == "submitted", submitted.json
    return farmer, submitted.json, parcel


def line(parcel_id: int, **overrides: Any) -> dict[str, Any]:
    """A report line: 5000 kg dry matter of grass at € 0,34 → € 1.700,00."""
    body = {
        "parcel_id": parcel_id,
        "species": "grauwe_gans",
        "area_type": "regular",
        "damaged_area_ha": "2.5",
        "lost_quantity": "5000",
        "unit": "kg_ds",
        "unit_price": "0.34",
        "price_source": "bij12",
        "harvested_before_assessment": False,
    }
    body.update(overrides)
    return body


def report_body(parcel_id: int, *lines: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A whole report with one visit today and the given lines (default: one)."""
    body = {
        "visits": [{"date": today().isoformat(), "remarks": "Vraatschade over het hele perceel."}],
        "lines": list(lines) or [line(parcel_id)],
        "preventive_measures_observed": ["acoustic", "visual"],
        "remarks": "Ganzen aanwezig tijdens het bezoek.",
    }
    body.update(overrides)
    return body


def wolf_claim_ordered(
    client: Any,
    officer: Any,
    officer_h: dict[str, str],
    assessor: Any,
    *,
    animals: int,
    description: str,
    hours_ago: int,
) -> tuple[dict[str, str], dict[str, Any], int]:
    """A wolf report in Gelderland through the API, the officer's finding "certain" and an
    assessment ordered from `assessor`: (the farmer's headers, the claim, the assessment id)."""
    farmer = register_and_login(client)
    claim = client.post(
        "/api/v1/claims/livestock",
        json={
            "province": "GE",
            "discovered_at": (datetime.now(UTC) - timedelta(hours=hours_ago)).isoformat(),
            "species": ["wolf"],
            "animals": animals,
            "description": description,
        },
        headers=farmer,
    ).json
    client.post(
        f"/api/v1/claims/{claim['id']}/wolf-finding",
        json={"finding": "certain", "visited_on": today().isoformat()},
        headers=officer_h,
    )
    ordered = client.post(
        f"/api/v1/claims/{claim['id']}/assessment-order",
        json={"assessor_email": assessor.email},
        headers=officer_h,
    )
    assert ordered.status_code == 201, ordered.json
    return farmer, claim, ordered.json["assessment_id"]

"""Open data releases on the seeded world (statistics/releases.py): two releases around one new,
decided claim cannot be subtracted to find it (they could without the rule); releases are
immutable and not repeated; the catalogue lists every release; `flask open-data release` and
the worker's thread cut them; the page shows the audit log's signed checkpoint."""

from __future__ import annotations

import json
import threading
import time
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from sqlalchemy import func, select

from faunaschade.audit import checkpoints
from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
from faunaschade.extensions import db
from faunaschade.models import AuditEvent, OpenDataRelease
from faunaschade.models.open_data import ReleaseImmutable
from faunaschade.seed import seed_claims
from faunaschade.statistics import releases
from faunaschade.statistics.open_data import KEYS
from faunaschade.statistics.suppression import TOTAL
from tests.support.claims import claim_in_status
from tests.support.decisions import drenthe_people
from tests.support.disclosure import ALL, by_subtraction, difference, published, union_fixes
from tests.support.statistics import NOW, seeded_database

OPEN = "/api/v1/open-data/statistics"
FOUR = ",".join(KEYS)
TWO = ["damage_year", "province"]


@pytest.fixture(scope="module")
def seeded(app):
    with seeded_database(app, 300) as report:
        yield report


@pytest.fixture(autouse=True)
def fresh_cache(app):
    app.extensions.pop("open_data", None)
    yield
    app.extensions.pop("open_data", None)


def cut(session):
    release, new = releases.publish_release()
    session.flush()
    assert release is not None
    return release, new


def answer(client, query: str) -> dict:
    response = client.get(f"{OPEN}?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def new_claim(session):
    """One decided (granted) claim in Drenthe, damage year 2026; its figures."""
    claim = claim_in_status(
        "decided",
        drenthe_people("a", "b"),
        province="DR",
        species="wild_zwijn",
        crop="snijmais",
        damage=Decimal("4321.00"),
        discovered_on=date(2026, 3, 9),
    )
    session.flush()
    return claim


def containing(cell) -> set:
    """Every aggregate (attacker's keys) the cell counts in."""
    found = set()
    for mask in range(2 ** len(cell)):
        found.add(tuple(ALL if mask >> i & 1 else v for i, v in enumerate(cell)))
    return found


def test_two_releases_around_one_new_claim_do_not_give_it_away(client, seeded, session):
    first, _ = cut(session)
    old = {q: answer(client, f"group_by={q}") for q in (FOUR, ",".join(TWO))}
    claim = new_claim(session)
    snapshot = releases.cut()
    cell = next(e[1] for k, e in snapshot.items() if k == ("c", claim.id))
    assessed = snapshot[("c", claim.id)][2][4]
    assert snapshot[("c", claim.id)][2][0] == 1 and assessed > 0  # one claim, its damage

    # Published without the rule (the old behaviour: each version suppressed on its own) ...
    found, hidden, _ = releases.compose(snapshot, [], first.min_cell, first.min_farmers)
    naive = {
        tuple(ALL if v is TOTAL else v for v in a): None
        if a in hidden
        else Fraction(str(found[a]["assessed_damage"]))
        for a in found
    }
    before = published(old[FOUR], KEYS, "assessed_damage")
    recovered = {k: v for k, v in difference(before, naive).items() if v is not None}
    assert recovered[(ALL, ALL, ALL, ALL)] == Fraction(str(assessed))  # the new claim's damage
    assert any(recovered.get(key) == Fraction(str(assessed)) for key in containing(cell))

    # ... and as a release: the attacker has both releases, every answer, and fails.
    second, new = cut(session)
    assert new and second.id > first.id
    now = {q: answer(client, f"group_by={q}") for q in (FOUR, ",".join(TWO))}
    assert now[FOUR]["release"]["id"] == second.id
    again = {q: answer(client, f"release={first.id}&group_by={q}") for q in (FOUR, ",".join(TWO))}
    assert again == old  # the first release is served as it was
    targets = containing(cell)
    for measure in ("claims", "granted", "assessed_damage"):
        differences = difference(
            published(old[FOUR], KEYS, measure), published(now[FOUR], KEYS, measure)
        )
        known = {k for k, v in differences.items() if v is not None}
        assert not (known & targets), measure
        assert not (set(by_subtraction(differences)) & targets), measure
    small_old = published(old[",".join(TWO)], TWO, "assessed_damage")
    small_new = published(now[",".join(TWO)], TWO, "assessed_damage")
    assert not (union_fixes(small_old, small_new) & {k[:2] for k in targets if k[2:] == (ALL,) * 2})
    # Aggregates the claim is not in kept their figures where both releases publish them.
    differences = difference(
        published(old[FOUR], KEYS, "claims"), published(now[FOUR], KEYS, "claims")
    )
    unchanged = [k for k, v in differences.items() if v == 0]
    assert len(unchanged) > 20


def test_a_release_is_made_once_and_never_changed(client, seeded, session):
    first, new = cut(session)
    assert new and len(first.sha256) == 64
    count = session.scalar(select(func.count(OpenDataRelease.id)))
    events = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "open_data.release_published")
    )
    assert events == 1
    # Nothing changed (the release's own audit event changes no figure): no new release.
    again, new = cut(session)
    assert not new and again.id == first.id
    assert session.scalar(select(func.count(OpenDataRelease.id))) == count
    first.cube = first.cube.replace('"claims":', '"claims" :')
    with pytest.raises(ReleaseImmutable):
        session.flush()
    session.rollback()


def test_the_catalogue_lists_every_release_as_a_version(client, seeded, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "OPEN_DATA_RELEASE_INTERVAL", "monthly")
    first, _ = cut(session)
    new_claim(session)
    second, _ = cut(session)
    dataset = client.get("/api/v1/open-data/catalog").json
    assert dataset["dct:accrualPeriodicity"]["@id"].endswith("/frequency/MONTHLY")
    assert dataset["dcat:version"] == str(second.id)
    versions = {v["dcat:version"]: v for v in dataset["dcat:hasVersion"]}
    assert set(versions) == {str(first.id), str(second.id)}
    assert dataset["dcat:hasCurrentVersion"]["@id"] == versions[str(second.id)]["@id"]
    assert versions[str(second.id)]["dcat:previousVersion"]["@id"] == versions[str(first.id)]["@id"]
    for number, version in versions.items():
        for distribution in version["dcat:distribution"]:
            url = distribution["dcat:accessURL"]["@id"].split("127.0.0.1:5000", 1)[1]
            served = client.get(url)
            assert served.status_code == 200
            if served.mimetype == "application/json":
                assert served.json["release"]["id"] == int(number)


def test_flask_open_data_release_and_the_worker_thread_cut_releases(committed):
    with committed.app_context():
        seed_users()
        seed_claims(40, now=NOW, password=DEMO_PASSWORD)
        db.session.remove()
    runner = committed.test_cli_runner()
    made = runner.invoke(args=["open-data", "release"])
    assert made.exit_code == 0, made.output
    assert made.output.startswith("release ")
    summary = json.loads(made.output.split(": ", 1)[1])
    again = runner.invoke(args=["open-data", "release"])
    assert again.exit_code == 0 and "no new release" in again.output
    assert json.loads(again.output.split(": ", 1)[1]) == summary
    with committed.app_context():
        assert not releases.due("monthly")  # made this month already
        assert not releases.due("off")
        db.session.execute(db.delete(OpenDataRelease))
        db.session.commit()
        assert releases.due("monthly")
    committed.config["OPEN_DATA_RELEASE_INTERVAL"] = "daily"
    stop = threading.Event()
    thread = threading.Thread(
        target=releases.release_continuously, args=(committed, stop), daemon=True
    )
    try:
        thread.start()
        deadline, found = time.monotonic() + 30, None
        while time.monotonic() < deadline and not found:
            time.sleep(0.3)
            with committed.app_context():
                found = db.session.scalar(select(func.count(OpenDataRelease.id)))
                db.session.remove()
        assert found == 1
    finally:
        stop.set()
        thread.join(30)
        committed.config["OPEN_DATA_RELEASE_INTERVAL"] = "off"


@pytest.mark.parametrize(
    "interval, moment, start",
    [
        ("daily", "2026-12-08T10:00:00+00:00", "2026-12-08T00:00:00+01:00"),
        ("weekly", "2026-12-10T10:00:00+00:00", "2026-12-07T00:00:00+01:00"),
        ("monthly", "2026-11-30T23:30:00+00:00", "2026-12-01T00:00:00+01:00"),
        ("quarterly", "2026-08-15T10:00:00+00:00", "2026-07-01T00:00:00+02:00"),
    ],
)
def test_the_release_periods_follow_the_dutch_calendar(interval, moment, start):
    found = releases.period_start(interval, datetime.fromisoformat(moment))
    assert found == datetime.fromisoformat(start)
    with pytest.raises(ValueError, match="OPEN_DATA_RELEASE_INTERVAL"):
        releases.period_start("hourly", datetime.fromisoformat(moment))


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_open_data_page_shows_the_signed_audit_checkpoint(client, seeded, session, lang):
    cut(session)
    written, _ = checkpoints.write_checkpoint()
    session.flush()
    page = client.get(f"/open-data?lang={lang}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert written.head_hash in html and written.signature in html
    assert f"<dd>{written.seq}</dd>" in html
    if lang == "nl":
        assert "Controlepunt van het auditlog" in html and "Dit is release" in html
    else:
        assert "Audit log checkpoint" in html and "This is release" in html

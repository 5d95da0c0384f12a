"""GET /api/v1/statistics: the API's numbers are the database's, in JSON, CSV and XLSX."""

from __future__ import annotations

import codecs
import csv
import io
import statistics as pystats
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from faunaschade.provinces import PROVINCES
from tests.support.statistics import (
    ADMIN,
    AUDITOR,
    FARMER,
    OFFICER_FR,
    seeded_database,
    token_for,
    web_login,
)

CENT = Decimal("0.01")
CLAIMS = "FROM claims c WHERE c.submitted_at IS NOT NULL"
# The same numbers written directly in SQL, as an accountant would check them.
DIRECT = {
    "claims": f"SELECT COUNT(*) {CLAIMS}",
    "granted": "SELECT COUNT(*) FROM decisions d JOIN claims c ON c.id = d.claim_id "
    "WHERE d.superseded_at IS NULL AND d.outcome IN ('granted', 'partially_granted')",
    "rejected": "SELECT COUNT(*) FROM decisions d JOIN claims c ON c.id = d.claim_id "
    "WHERE d.superseded_at IS NULL AND d.outcome = 'rejected'",
    "withdrawn": f"SELECT COUNT(*) {CLAIMS} AND c.status = 'withdrawn'",
    "assessed_damage": "SELECT SUM(d.assessed_damage) FROM decisions d JOIN claims c "
    "ON c.id = d.claim_id WHERE d.superseded_at IS NULL",
    "own_risk": "SELECT SUM(d.own_risk) FROM decisions d JOIN claims c ON c.id = d.claim_id "
    "WHERE d.superseded_at IS NULL",
    "paid": "SELECT SUM(i.amount) FROM payment_batch_items i JOIN payment_batches b "
    "ON b.id = i.batch_id JOIN claims c ON c.id = i.claim_id "
    "WHERE b.status = 'paid' AND i.kind = 'payout'",
    "leges_received": "SELECT SUM(p.amount) FROM payments p JOIN claims c ON c.id = p.claim_id "
    "WHERE p.status = 'paid'",
    "leges_refunded": "SELECT SUM(i.amount) FROM payment_batch_items i JOIN payment_batches b "
    "ON b.id = i.batch_id JOIN claims c ON c.id = i.claim_id "
    "WHERE b.status = 'paid' AND i.kind = 'leges_refund'",
}


@pytest.fixture(scope="module")
def seeded(app):
    with seeded_database(app, 300) as report:
        yield report


@pytest.fixture
def auditor(client, seeded):
    return token_for(client, AUDITOR)


def direct(session, name: str, where: str = "") -> Decimal | int:
    """One of the DIRECT sums, optionally narrowed by a condition on `c` (the claim)."""
    sql = DIRECT[name] + (f" AND {where}" if where else "")
    if " WHERE " not in DIRECT[name]:
        sql = DIRECT[name] + (f" WHERE {where}" if where else "")
    value = session.execute(text(sql)).scalar() or 0
    return Decimal(str(value)).quantize(CENT) if isinstance(value, float | Decimal) else value


def as_number(value):
    return Decimal(value) if isinstance(value, str) else value


def test_api_totals_equal_a_direct_sql_sum(client, auditor, session):
    answer = client.get("/api/v1/statistics?group_by=", headers=auditor).json
    assert answer["rows"] == [answer["totals"]]
    totals = answer["totals"]
    assert totals["claims"] > 250
    for name in DIRECT:
        assert as_number(totals[name]) == direct(session, name), name
    assert Decimal(totals["paid"]) > Decimal("100000")


def test_api_rows_per_province_equal_direct_sql_per_province(client, auditor, session):
    rows = client.get("/api/v1/statistics?group_by=province", headers=auditor).json["rows"]
    assert len(rows) >= 10
    for row in rows:
        where = f"c.province = '{row['province']}'"
        for name in ("claims", "granted", "assessed_damage", "paid", "leges_received"):
            assert as_number(row[name]) == direct(session, name, where), (row["province"], name)


def test_grouped_rows_add_up_to_the_totals(client, auditor):
    answer = client.get("/api/v1/statistics?group_by=damage_year,province", headers=auditor).json
    totals = answer["totals"]
    assert sum(row["claims"] for row in answer["rows"]) == totals["claims"]
    assert sum(Decimal(row["paid"]) for row in answer["rows"]) == Decimal(totals["paid"])
    years = {row["damage_year"] for row in answer["rows"]}
    assert len(years) >= 3 and all(2024 <= year <= 2027 for year in years)
    by_month = client.get("/api/v1/statistics?group_by=month,outcome", headers=auditor).json
    assert sum(row["claims"] for row in by_month["rows"]) == totals["claims"]
    assert {row["month"] for row in by_month["rows"]} <= set(range(1, 13))


def test_species_rows_count_a_claim_with_two_species_in_both(client, auditor, session):
    answer = client.get("/api/v1/statistics?group_by=species", headers=auditor).json
    named = session.execute(
        text(
            "SELECT COUNT(*) FROM claim_species s JOIN claims c ON c.id = s.claim_id "
            "WHERE c.submitted_at IS NOT NULL"
        )
    ).scalar()
    assert sum(row["claims"] for row in answer["rows"]) == named > answer["totals"]["claims"]
    geese = client.get("/api/v1/statistics?group_by=&species=grauwe_gans", headers=auditor).json
    once = direct(
        session,
        "claims",
        "c.id IN (SELECT claim_id FROM claim_species WHERE species = 'grauwe_gans')",
    )
    assert geese["totals"]["claims"] == once
    row = next(r for r in answer["rows"] if r["species"] == "grauwe_gans")
    assert row["claims"] == once


def test_filters_narrow_to_what_sql_finds(client, auditor, session):
    year = client.get("/api/v1/statistics?group_by=&damage_year=2025", headers=auditor).json
    where = "c.discovered_on BETWEEN '2024-11-01' AND '2025-10-31'"
    assert year["totals"]["claims"] == direct(session, "claims", where)
    assert Decimal(year["totals"]["paid"]) == direct(session, "paid", where)
    assert year["filters"] == {"damage_year": 2025}

    crop = client.get(
        "/api/v1/statistics?group_by=province&crop=blijvend_grasland", headers=auditor
    ).json
    assert crop["totals"]["claims"] == direct(session, "claims", "c.crop = 'blijvend_grasland'")

    undecided = client.get("/api/v1/statistics?group_by=outcome&outcome=none", headers=auditor)
    rows = undecided.json["rows"]
    assert [row["outcome"] for row in rows] == [None]
    no_decision = "c.id NOT IN (SELECT claim_id FROM decisions)"
    assert rows[0]["claims"] == direct(session, "claims", no_decision)
    assert rows[0]["granted"] == 0 and rows[0]["paid"] == "0.00"

    granted = client.get("/api/v1/statistics?group_by=&outcome=granted", headers=auditor).json
    assert granted["totals"]["claims"] == granted["totals"]["granted"] > 0


def test_median_days_to_decision_is_the_median(client, auditor, session):
    days = session.execute(
        text(
            "SELECT c.province, d.decided_on, c.submitted_at FROM claims c "
            "JOIN decisions d ON d.claim_id = c.id AND d.version = 1 "
            "WHERE c.submitted_at IS NOT NULL"
        )
    ).all()

    def day(value) -> date:
        """The UTC day (SQLite hands back text, PostgreSQL dates and aware datetimes)."""
        if isinstance(value, datetime):
            return value.astimezone(UTC).date()
        return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])

    spans = [(prov, (day(decided) - day(submitted)).days) for prov, decided, submitted in days]
    answer = client.get("/api/v1/statistics?group_by=province", headers=auditor).json
    assert answer["totals"]["median_days_to_decision"] == pystats.median(d for _, d in spans)
    for row in answer["rows"]:
        mine = [d for p, d in spans if p == row["province"]]
        expected = round(float(pystats.median(mine)), 1) if mine else None
        assert row["median_days_to_decision"] == expected, row["province"]


def test_an_officer_sees_only_their_provinces(client, seeded, session):
    officer = token_for(client, OFFICER_FR)
    answer = client.get("/api/v1/statistics?group_by=province", headers=officer).json
    assert answer["provinces"] == ["FR"]
    assert [row["province"] for row in answer["rows"]] == ["FR"]
    assert answer["totals"]["claims"] == direct(session, "claims", "c.province = 'FR'")
    elsewhere = client.get("/api/v1/statistics?group_by=&province=NH", headers=officer).json
    assert elsewhere["totals"]["claims"] == 0 and elsewhere["totals"]["paid"] == "0.00"
    csv_text = client.get("/api/v1/statistics?group_by=province&format=csv", headers=officer)
    assert {line.split(",")[0] for line in csv_text.get_data(as_text=True).splitlines()[1:]} == {
        "FR"
    }


@pytest.mark.parametrize("email, status", [(ADMIN, 403), (FARMER, 403)])
def test_others_may_not_see_statistics(client, seeded, email, status):
    assert client.get("/api/v1/statistics", headers=token_for(client, email)).status_code == status
    assert client.get("/api/v1/statistics").status_code == 401


def test_bad_parameters_name_the_field(client, auditor):
    answer = client.get("/api/v1/statistics?group_by=province,bogus", headers=auditor)
    assert answer.status_code == 422
    assert "bogus" in answer.json["error"]["fields"]["group_by"][0]
    for query in ("damage_year=abc", "province=XX", "format=pdf", "outcome=maybe"):
        field = query.split("=")[0]
        answer = client.get(f"/api/v1/statistics?{query}", headers=auditor)
        assert answer.status_code == 422 and field in answer.json["error"]["fields"], query


def test_csv_is_streamed_and_matches_the_json(client, auditor):
    query = "group_by=damage_year,province,species"
    rows = client.get(f"/api/v1/statistics?{query}", headers=auditor).json["rows"]
    response = client.get(f"/api/v1/statistics?{query}&format=csv", headers=auditor)
    assert response.status_code == 200 and response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    parsed = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(parsed) == len(rows)
    assert list(parsed[0])[:4] == ["damage_year", "province", "species", "claims"]
    for line, row in zip(parsed, rows, strict=True):
        assert int(line["damage_year"]) == row["damage_year"]
        assert line["province"] == row["province"] and line["species"] == row["species"]
        assert int(line["claims"]) == row["claims"]
        assert line["paid"] == row["paid"]  # plain decimals with a dot
        assert line["assessed_damage"] == row["assessed_damage"]


DUTCH_HEADINGS = [
    "Aanvragen",
    "Toegekend",
    "Afgewezen",
    "Buiten behandeling",
    "Ingetrokken",
    "Over de termijn",
    "Getaxeerde schade (euro)",
    "Eigen risico (euro)",
    "Uitbetaald (euro)",
    "Leges ontvangen (euro)",
    "Leges terugbetaald (euro)",
    "Mediane behandelduur (dagen)",
]


def _dutch_number(text: str) -> Decimal:
    assert "." not in text, text  # no thousands separator, no decimal dot
    return Decimal(text.replace(",", "."))


def test_csv_for_dutch_excel_reads_back_with_dutch_headings_and_decimal_commas(
    app, client, auditor
):
    query = "group_by=province,outcome"
    rows = client.get(f"/api/v1/statistics?{query}", headers=auditor).json["rows"]
    response = client.get(f"/api/v1/statistics?{query}&format=csv-nl", headers=auditor)
    assert response.status_code == 200 and response.is_streamed
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    data = response.get_data()
    assert data.startswith(codecs.BOM_UTF8)  # else Excel reads Windows-1252: "FryslÃ¢n"
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, body = parsed[0], parsed[1:]
    assert header == ["Provincie", "Uitkomst", *DUTCH_HEADINGS]
    assert len(body) == len(rows) > 10
    outcomes = {
        "granted": "Toegekend",
        "partially_granted": "Deels toegekend",
        None: "Nog geen besluit",
    }
    for line, row in zip(body, rows, strict=True):
        cells = dict(zip(header, line, strict=True))
        assert cells["Provincie"] == PROVINCES[row["province"]]
        if row["outcome"] in outcomes:
            assert cells["Uitkomst"] == outcomes[row["outcome"]]
        assert int(cells["Aanvragen"]) == row["claims"]
        assert int(cells["Toegekend"]) == row["granted"]
        for heading, name in (
            ("Getaxeerde schade (euro)", "assessed_damage"),
            ("Uitbetaald (euro)", "paid"),
            ("Leges ontvangen (euro)", "leges_received"),
        ):
            assert _dutch_number(cells[heading]) == Decimal(row[name])
            assert cells[heading].count(",") == 1 and len(cells[heading].split(",")[1]) == 2
        median = row["median_days_to_decision"]
        if median is None:
            assert cells["Mediane behandelduur (dagen)"] == ""
        else:
            assert _dutch_number(cells["Mediane behandelduur (dagen)"]) == Decimal(str(median))
    assert any(line[0] == "Fryslân" for line in body)

    # The dashboard's link (its groupings) gives what the API gives; format=csv is unchanged.
    api = client.get("/api/v1/statistics?group_by=outcome&format=csv-nl", headers=auditor)
    page = web_login(app, AUDITOR).get("/statistieken/export.csv-nl?group_by=outcome")
    assert page.status_code == 200 and page.get_data() == api.get_data()
    assert "Nog geen besluit" in page.get_data().decode("utf-8-sig")
    plain = client.get(f"/api/v1/statistics?{query}&format=csv", headers=auditor).get_data()
    assert not plain.startswith(codecs.BOM_UTF8)
    assert plain.decode().splitlines()[0].startswith("province,outcome,claims,granted,")


def test_xlsx_opens_and_matches_the_json(client, auditor):
    query = "group_by=crop&damage_year=2025"
    answer = client.get(f"/api/v1/statistics?{query}", headers=auditor).json
    response = client.get(f"/api/v1/statistics?{query}&format=xlsx", headers=auditor)
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["statistics", "about"]
    sheet = list(book["statistics"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    assert header[:3] == ("crop", "claims", "granted")
    assert len(body) == len(answer["rows"])
    for values, row in zip(body, answer["rows"], strict=True):
        cells = dict(zip(header, values, strict=True))
        assert cells["crop"] == row["crop"]
        assert cells["claims"] == row["claims"]
        assert Decimal(str(cells["paid"])).quantize(CENT) == Decimal(row["paid"])
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["damage_year"] == 2025 and about["group_by"] == "crop"


def test_grouping_sets_give_what_separate_queries_give(seeded, session):
    from faunaschade.statistics import figures as statistics

    sets = [(), ("province",), ("month",), ("damage_year", "outcome"), ("damage_year",)]
    for filters in (statistics.Filters(), statistics.Filters(crop="blijvend_grasland")):
        together = statistics.grouped(sets, filters)
        for keys in sets:
            assert together[keys] == list(statistics.rows(keys, filters)), keys
    assert together[()][0] == statistics.totals(statistics.Filters(crop="blijvend_grasland"))


def test_grouped_rows_are_fetched_plainly_not_through_a_server_side_cursor(seeded, session):
    """A server-side cursor (yield_per) keeps PostgreSQL from running the aggregate in parallel;
    the grouped rows are few, so they come in one fetch, the same rows as before."""
    from sqlalchemy import event

    from faunaschade.statistics import figures as statistics

    streamed: list[bool] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if "median_days_to_decision" in statement:
            streamed.append(bool(context.execution_options.get("stream_results")))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", seen)
    try:
        found = list(statistics.rows(("province", "outcome")))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert streamed == [False]
    assert sum(row["claims"] for row in found) == statistics.totals()["claims"]

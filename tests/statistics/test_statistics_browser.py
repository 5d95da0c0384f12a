"""The auditor's dashboard in a real Chromium: filters, key figures, charts, table, export."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
from faunaschade.extensions import db
from faunaschade.seed import seed_claims
from tests.support.browser import log_in
from tests.support.statistics import AUDITOR, NOW, OFFICER_FR

pytestmark = pytest.mark.browser
CHARTS = (
    "Uitbetaald per schadejaar",
    "Uitbetaald per provincie",
    "Uitbetaald per diersoort (top 10)",
    "Aanvragen per maand van ontdekking",
)


@pytest.fixture
def seeded_server(live_server, committed):
    with committed.app_context():
        seed_users()
        seed_claims(200, now=NOW, password=DEMO_PASSWORD)
        db.session.remove()
    return live_server


def test_the_auditor_filters_reads_the_charts_and_downloads(seeded_server, page):
    log_in(page, seeded_server, AUDITOR, DEMO_PASSWORD)
    page.get_by_role("link", name="Statistieken").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Statistieken faunaschade"

    for title in CHARTS:  # every chart is an image with a name and a description
        chart = page.get_by_role("img", name=title)
        expect(chart).to_be_visible()
        assert chart.locator("desc").text_content().startswith(title)
    provinces = page.get_by_role("img", name="Uitbetaald per provincie")
    assert provinces.locator("rect").count() >= 10

    figure = page.get_by_role("term").filter(has_text=re.compile("^Aanvragen$"))
    claims = page.locator(".kpi").filter(has=figure).locator("dd").inner_text()
    table = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Schadejaar")
    )
    assert table.locator("tfoot").inner_text().startswith("Totaal")
    assert claims.replace(".", "") in table.locator("tfoot").inner_text()

    page.get_by_text("Cijfers bij „Uitbetaald per provincie” als tabel").click()
    expect(page.get_by_role("rowheader", name="Noord-Holland").first).to_be_visible()

    page.get_by_label("Provincie", exact=True).select_option(label="Fryslân")
    page.get_by_label("Tabel per", exact=True).select_option(label="Diersoort")
    page.get_by_role("button", name="Toon statistieken").click()
    assert "province=FR" in page.url
    expect(page.get_by_role("heading", name="Tabel per diersoort")).to_be_visible()
    provinces = page.get_by_role("img", name="Uitbetaald per provincie")
    assert provinces.locator("rect").count() >= 10  # the chosen one among the others
    expect(provinces.get_by_text("Fryslân (gekozen)", exact=True)).to_be_visible()
    assert page.locator(".kpi").first.locator("dd").inner_text() != claims
    expect(page.get_by_role("rowheader", name="grauwe gans").first).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
    with open(download.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert rows and next(iter(rows[0])) == "species"
    with page.expect_download() as workbook:
        page.get_by_role("link", name="Excel (XLSX)").click()
    assert workbook.value.suggested_filename.endswith(".xlsx")


def test_an_officer_sees_only_their_province(seeded_server, page):
    log_in(page, seeded_server, OFFICER_FR, DEMO_PASSWORD)
    page.get_by_role("link", name="Statistieken").click()
    page.wait_for_url("**/statistieken")
    options = page.get_by_label("Provincie", exact=True).locator("option").all_inner_texts()
    assert options == ["Alle eigen provincies", "Fryslân"]
    assert page.get_by_role("img", name="Uitbetaald per provincie").locator("rect").count() == 1
    assert page.get_by_role("link", name="Auditlog").count() == 0

"""The open data page in a real Chromium, without login: the table with suppressed cells
marked, another grouping, the CSV download, the catalogue, an earlier release, the audit log's
signed checkpoint and the English page."""

from __future__ import annotations

import csv
import json

import pytest
from playwright.sync_api import expect

from faunaschade.audit import checkpoints
from faunaschade.cli.demo import DEMO_PASSWORD, seed_users
from faunaschade.extensions import db
from faunaschade.seed import seed_claims
from faunaschade.statistics import releases
from tests.support.statistics import NOW

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded_server(live_server, committed):
    with committed.app_context():
        seed_users()
        seed_claims(200, now=NOW, password=DEMO_PASSWORD)
        db.session.commit()
        releases.publish_release()  # release 1, then a change, then release 2
        db.session.commit()
        seed_claims(30, seed=7, now=NOW, password=DEMO_PASSWORD)
        releases.publish_release()
        db.session.commit()
        checkpoints.write_checkpoint()
        db.session.commit()
        db.session.remove()
    committed.extensions.pop("open_data", None)
    return live_server


def test_a_visitor_reads_the_open_data_downloads_them_and_reads_the_catalogue(seeded_server, page):
    page.goto(f"{seeded_server}/login")
    page.get_by_role("link", name="Open data").click()  # in the footer of every page
    expect(page.get_by_role("heading", level=1)).to_have_text("Open data faunaschade")
    expect(
        page.get_by_role("link", name="Creative Commons CC0 1.0 (publiek domein)")
    ).to_have_attribute("href", "http://creativecommons.org/publicdomain/zero/1.0/")
    table = page.locator("#open-data-table")
    expect(table.locator("caption")).to_contain_text("schadejaar en provincie")
    assert table.locator("tfoot").inner_text().startswith("Totaal")
    suppressed = table.locator("tbody tr.suppressed")
    assert suppressed.count() >= 1
    # A suppressed figure reads "onderdrukt" to a screen reader and shows ×.
    first = suppressed.first.locator("td").last
    assert first.inner_text().strip().startswith("×")
    assert first.locator(".visually-hidden").text_content() == "onderdrukt"
    expect(page.locator("#suppression-note")).to_contain_text("minder dan 5 aanvragen")

    page.get_by_label("Tabel per", exact=True).select_option(label="Provincie en soortgroep")
    page.get_by_role("button", name="Toon tabel").click()
    expect(table.locator("caption")).to_contain_text("provincie en soortgroep")
    expect(table.get_by_role("columnheader", name="Soortgroep")).to_be_visible()
    assert table.get_by_role("cell", name="Ganzen").count() >= 1
    expect(page.get_by_role("caption").filter(has_text="Subtotaal per provincie")).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Deze cijfers als CSV").click()
    with open(download.value.path(), encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    assert list(lines[0])[:3] == ["aggregate", "province", "species_group"]
    rows = table.locator("tbody tr")
    assert sum(1 for line in lines if line["aggregate"] == "cell") == rows.count()
    hidden = [line for line in lines if line["suppressed"] == "true"]
    assert hidden and all(line["claims"] == "" for line in hidden)

    page.get_by_role("link", name="Beschrijving van de dataset (DCAT-AP-NL, JSON-LD)").click()
    dataset = json.loads(page.locator("body").inner_text())
    assert dataset["@type"] == "dcat:Dataset"

    # The newest release is shown; the first one can be chosen, and stays as it was.
    page.goto(f"{seeded_server}/open-data")
    expect(page.locator("#release-note")).to_contain_text("Dit is release 2")
    newest = table.locator("tfoot").inner_text()
    page.get_by_label("Release", exact=True).select_option(value="1")
    page.get_by_role("button", name="Toon tabel").click()
    expect(page.locator("#release-note")).to_contain_text("Dit is release 1")
    expect(page.locator("#release-note")).to_contain_text("Er is een nieuwere release.")
    assert table.locator("tfoot").inner_text() != newest
    with page.expect_download() as download:
        page.get_by_role("link", name="Deze cijfers als CSV").click()
    assert download.value.suggested_filename == "faunaschade-open-data-release-1.csv"

    # The audit log's latest signed checkpoint, with its number and hash.
    checkpoint = page.locator("section.checkpoint")
    expect(checkpoint.get_by_role("heading")).to_have_text("Controlepunt van het auditlog")
    latest = page.request.get(f"{seeded_server}/api/v1/audit/checkpoints/latest").json()
    expect(checkpoint).to_contain_text(latest["head_hash"])
    expect(checkpoint.locator("dd").first).to_have_text(str(latest["seq"]))

    page.goto(f"{seeded_server}/open-data?lang=en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Wildlife damage open data")
    expect(page.locator("#suppression-note")).to_contain_text("fewer than 5 claims")
    expect(page.locator("#release-note")).to_contain_text("This is release 2")
    expect(checkpoint.get_by_role("heading")).to_have_text("Audit log checkpoint")
    expect(checkpoint).to_contain_text("Signed on")

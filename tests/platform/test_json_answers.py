"""JSON answers are written by orjson by Flask's own rules (faunaschade.json_answers).

Each case is written by the product's provider and by Flask's DefaultJSONProvider (the standard
library) on the same app, and the two must agree: byte for byte where text is UTF-8 on both
sides, and in meaning (and key order) where the standard library escapes non-ASCII text."""

from __future__ import annotations

import dataclasses
import enum
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from flask.json.provider import DefaultJSONProvider
from markupsafe import Markup

from faunaschade.json_answers import OrjsonAnswers


class Kind(enum.StrEnum):
    CROP = "crop"


@dataclasses.dataclass
class Line:
    parcel_id: int
    area_ha: Decimal


CASES = {
    "queue-like page": {
        "rows": [
            {
                "reference": "FS-2026-000123",
                "status": Kind.CROP,
                "species": ["grauwe_gans", "kolgans"],
                "overdue": False,
                "deadlines": [{"due": "2026-12-08", "text": "nog 3 dagen", "state": "open"}],
                "penalty_from": None,
                "id": 123,
            }
        ],
        "total": 61,
        "page": 1,
        "per_page": 50,
    },
    "Dutch and other text": {"farmer": "Maatschap Hoogeveen-Boërs", "amount": "€ 1.234,50"},
    "control characters and quotes": {"text": 'tab\tnewline\n"quoted" \\ back\u0001'},
    "dates and times": {"on": date(2026, 12, 8), "at": datetime(2026, 12, 8, 9, 30, tzinfo=UTC)},
    "Decimal, UUID, dataclass, Markup": {
        "amount": Decimal("1234.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "line": Line(7, Decimal("0.4200")),
        "html": Markup("<b>vet</b>"),
    },
    "a list at the top": [1, "two", None, True, 3.5, {"b": 1, "a": 2}],
    "numbers": {"big": 2**62, "negative": -17, "float": 0.1, "zero": 0.0},
    "nothing": None,
}


@pytest.fixture
def providers(app):
    """The product's provider and Flask's own, on the same app (not in debug mode)."""
    assert isinstance(app.json, OrjsonAnswers)
    return app.json, DefaultJSONProvider(app)


def _answers(app, provider, value) -> bytes:
    with app.test_request_context():
        return provider.response(value).get_data()


@pytest.mark.parametrize("case", CASES)
def test_an_answer_is_what_flask_writes(app, providers, case):
    ours, flasks = providers
    value = CASES[case]
    written = _answers(app, ours, value)
    expected = _answers(app, flasks, value)
    # The same meaning and the same key order.
    assert json.loads(written, object_pairs_hook=list) == json.loads(
        expected, object_pairs_hook=list
    )
    # And the same bytes, once the standard library writes text as UTF-8 too.
    with app.test_request_context():
        utf8 = flasks.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
    assert written == utf8.encode()


def test_text_is_utf8_and_the_answer_is_json(app, providers):
    ours, _flasks = providers
    with app.test_request_context():
        answer = ours.response({"naam": "Boërs"})
    assert answer.mimetype == "application/json"
    assert answer.get_data() == '{"naam":"Boërs"}\n'.encode()
    assert answer.get_json() == {"naam": "Boërs"}


def test_keys_that_are_not_text_are_written_as_text(app, providers):
    ours, flasks = providers
    value = {3: "drie", 1: "een"}
    assert json.loads(_answers(app, ours, value)) == json.loads(_answers(app, flasks, value))


def test_what_cannot_be_written_is_refused_as_flask_refuses_it(app, providers):
    ours, flasks = providers
    for provider in (ours, flasks):
        with app.test_request_context(), pytest.raises(TypeError, match="set"):
            provider.response({"not json": {1, 2}})


def test_debug_mode_indents_as_flask_does(app, providers):
    ours, flasks = providers
    app.debug = True
    try:
        written = _answers(app, ours, {"b": [1, 2], "a": {"c": None}})
        expected = _answers(app, flasks, {"b": [1, 2], "a": {"c": None}})
    finally:
        app.debug = False
    assert written == expected


def test_the_api_answers_through_it(client):
    answer = client.get("/api/v1/does-not-exist")
    assert answer.status_code == 404
    assert answer.get_data().endswith(b"}\n")
    assert answer.json["error"]["code"] == "not_found"

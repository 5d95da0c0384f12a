"""Fuzz the JSON API against its own OpenAPI document (schemathesis, in-process over WSGI).

Every operation is called with generated valid and invalid input (and, where it has ids in its
path, with the real ids of the test world), as a farmer, an officer, an assessor and an admin
(bearer tokens) and anonymously, on a world with a real assessed claim. Nothing may answer
5xx, and every answer must conform to the document: a documented status, the documented
content type, and a body that matches the schema (errors: the {"error": {...}} envelope).

FUZZ_EXAMPLES (default 8) sets the examples per operation and role; the default gives a few
thousand requests over the API's 90-odd operations in about two minutes (FUZZ_EXAMPLES=30 for a
deeper run by hand).
"""

from __future__ import annotations

import logging
import os
import time
import warnings
from collections import Counter

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from faunaschade.models import Assessment

with warnings.catch_warnings():
    # schemathesis' import may warn about optional integrations; only that import is silenced.
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis import GenerationMode
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )
    from schemathesis.core.failures import FailureGroup

pytestmark = [
    # CPU-bound and long; once, against the production database (the PostgreSQL pass).
    pytest.mark.postgres_pass_only,
    # Hypothesis warns when examples are slow or filtered; that says nothing about the API.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning:schemathesis.*"),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def fuzz(strategy, examples, client, headers, label, statuses, server_errors, failures) -> None:
    """Run one operation's generated cases with one role's headers; collect what goes wrong."""

    @settings(FUZZ_SETTINGS, max_examples=examples)
    @given(case=strategy)
    def run(case):
        # Our werkzeug client: every request gets its own app context, as in production.
        response = case.call(session=client, headers=headers)
        statuses[response.status_code] += 1
        if response.status_code >= 500:
            request = response.request
            server_errors.append(
                f"{label}: {response.status_code} {request.url} {request.body!r:.200}"
            )
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as exc:  # keep the first one per operation and role
            failures.setdefault(label, f"{exc}"[:1500])

    run()


@pytest.fixture
def fuzz_world(session, farmer, officer, assessor, admin, claim_in, api_token):
    """A farmer with an assessed claim in Drenthe, the officer and assessor on it, an admin."""
    claim = claim_in("assessed")
    session.flush()  # the requests run on the test's connection, so they see it
    tokens = {
        "farmer": api_token(farmer),
        "officer": api_token(officer),
        "assessor": api_token(assessor),
        "admin": api_token(admin),
        "anonymous": {},
    }
    ids = {
        "claim_id": claim.id,
        "parcel_id": claim.parcels[0].parcel_id,
        "profile_id": claim.farmer_id,
        "assessment_id": session.scalar(
            select(Assessment.id).where(Assessment.claim_id == claim.id)
        ),
    }
    return {"tokens": tokens, "ids": ids}


def test_fuzz_api_no_server_errors_and_conforms(app, client, fuzz_world, caplog):
    caplog.set_level(logging.ERROR, logger="faunaschade.errors")
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    statuses: Counter[int] = Counter()
    server_errors: list[str] = []
    failures: dict[str, str] = {}
    started = time.monotonic()

    for operation in operations:
        strategies = [
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        ]
        names = {p.name for p in operation.path_parameters}
        if names and names <= set(fuzz_world["ids"]):
            # Real ids reach past the 404 into the views' own validation and state checks.
            known = {name: fuzz_world["ids"][name] for name in names}
            strategies.append(operation.as_strategy(path_parameters=known))
        strategy = st.one_of(strategies)
        for role, headers in fuzz_world["tokens"].items():
            label = f"{operation.label} as {role}"
            examples = EXAMPLES if headers else 3  # anonymous: always 401
            fuzz(strategy, examples, client, headers, label, statuses, server_errors, failures)

    total = sum(statuses.values())
    elapsed = time.monotonic() - started
    print(
        f"\nfuzz: {total} requests over {len(operations)} operations in {elapsed:.0f}s; "
        f"5xx: {len(server_errors)}; statuses: {dict(sorted(statuses.items()))}"
    )
    assert total >= len(operations) * 4 * EXAMPLES // 2
    causes = sorted({repr(r.exc_info[1])[:300] for r in caplog.records if r.exc_info})
    assert not server_errors, "\n".join(server_errors[:20] + causes)
    assert not failures, "\n\n".join(f"{k}:\n{v}" for k, v in sorted(failures.items())[:15])

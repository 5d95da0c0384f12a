"""E-mails follow the farmer's stored language (users.locale, set by the language switch while
logged in): English when they chose English, Dutch otherwise; sent by a real rq worker to a real
SMTP server, as in test_mail.py."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from faunaschade.models import ClaimKind, ClaimStatus
from faunaschade.notifications.operations import NotificationKind, notify
from tests.notifications.test_mail import (
    OBJECTION_KINDS,
    add_decision,
    add_objection,
    add_penalty,
    body_of,
)
from tests.platform.test_translations import dutch_words
from tests.support.notifications import FARMER_NAME, make_claim

#: kind → (claim columns, words in the subject, sentences in the body), in English.
ENGLISH = {
    NotificationKind.SUBMITTED: (
        {"status": ClaimStatus.SUBMITTED, "backstop_deadline": date(2025, 5, 8)},
        ["received"],
        ["We have received your claim", "You will hear from us by 8 May 2025"],
    ),
    NotificationKind.COMPLETION_REQUESTED: (
        {"status": ClaimStatus.INCOMPLETE, "completion_deadline": date(2025, 3, 12)},
        ["More information needed", "by 12 March 2025"],
        ["Complete your claim by 12 March 2025.", "General Administrative Law Act"],
    ),
    NotificationKind.ASSESSMENT_CONFIRMATION: (
        {
            "status": ClaimStatus.ASSESSED,
            "zienswijze_deadline": date(2025, 6, 17),
            "decision_target": date(2025, 8, 12),
        },
        ["Assessment of claim", "respond by 17 June 2025"],
        ["give your view (your response) by 17 June 2025", "expected by 12 August 2025."],
    ),
    NotificationKind.DECISION: (
        {"status": ClaimStatus.DECIDED},
        ["Decision about claim"],
        [
            "On 21 July 2025 the province of Fryslân took a decision",
            "Your claim has been granted.",
            "You will receive compensation of € 2.950,00.",
            "you can object until 1 September 2025 inclusive",
        ],
    ),
    NotificationKind.PENALTY_DECISION: (
        {"status": ClaimStatus.DECIDED},
        ["Penalty for claim"],
        [
            "On 21 July 2025 the province fixed the penalty it owes you",
            "The penalty is € 532,00 for 20 days.",
            "you can object until 1 September 2025 inclusive",
        ],
    ),
    NotificationKind.OBJECTION_RECEIPT: (
        {"status": ClaimStatus.OBJECTION},
        ["objection", "received"],
        ["On 25 August 2025 the province of Fryslân received your objection", "13 October 2025"],
    ),
    NotificationKind.HEARING_INVITATION: (
        {"status": ClaimStatus.OBJECTION},
        ["hearing", "16 September 2025 10:00"],
        ["When: 16 September 2025 10:00 (Dutch time)", "Where: Provinsjehûs, Ljouwert"],
    ),
    NotificationKind.OBJECTION_EXTENSION: (
        {"status": ClaimStatus.OBJECTION},
        ["postponed until 24 November 2025"],
        ["by 24 November 2025 instead of 13 October 2025", "The reason: Second opinion."],
    ),
}


@pytest.mark.parametrize("kind", list(NotificationKind))
def test_a_farmer_who_chose_english_gets_english_mail(kind, session, run_worker, smtp_server):
    columns, subject_words, sentences = ENGLISH[kind]
    claim = make_claim(session, **columns)
    claim.farmer.user.locale = "en"
    if kind == NotificationKind.DECISION:
        add_decision(session, claim)
    if kind == NotificationKind.PENALTY_DECISION:
        add_penalty(session, claim)
    if kind in OBJECTION_KINDS:
        # The officer's reason is quoted as typed (Dutch); here one that reads in both.
        add_objection(session, claim).extension_reason = "Second opinion."
    notify(kind, claim)
    session.commit()
    run_worker()

    [message] = smtp_server.wait_for(1)
    assert message["Content-Language"] == "en"
    assert all(word in message["Subject"] for word in subject_words), message["Subject"]
    text = message.get_body(("plain",)).get_content()
    assert text.startswith(f"Dear {FARMER_NAME},\n")
    for sentence in sentences:
        assert sentence in body_of(message), f"{sentence!r} not in:\n{text}"
    assert dutch_words(re.sub(r"http\S+", "", text)) == [] and dutch_words(message["Subject"]) == []
    # Paragraphs are wrapped for plain-text readers; the link is never broken.
    assert all(len(line) <= 72 or line.startswith("http") for line in text.splitlines())
    assert f"http://127.0.0.1:5000/aanvragen/{claim.id}\n" in text


def test_an_unknown_stored_language_falls_back_to_dutch(session, run_worker, smtp_server):
    claim = make_claim(session, status=ClaimStatus.SUBMITTED)
    claim.farmer.user.locale = "fy"  # a language the service does not speak
    notify(NotificationKind.SUBMITTED, claim)
    session.commit()
    run_worker()
    [message] = smtp_server.wait_for(1)
    assert message["Content-Language"] == "nl"
    assert body_of(message).startswith(f"Beste {FARMER_NAME},")


def test_a_wolf_report_mail_says_when_the_animals_were_found_in_english_dutch_time(
    session, run_worker, smtp_server
):
    # 05:30 UTC on a January day is 06:30 in Amsterdam; the sentence main added to the
    # "ontvangen" mail is translated like the rest of it (it was Dutch in an English mail).
    claim = make_claim(
        session,
        kind=ClaimKind.LIVESTOCK,
        crop=None,
        discovered_on=date(2026, 1, 13),
        discovered_at=datetime(2026, 1, 13, 5, 30, tzinfo=UTC),
    )
    claim.farmer.user.locale = "en"
    notify(NotificationKind.SUBMITTED, claim)
    session.commit()
    run_worker()
    [message] = smtp_server.wait_for(1)
    assert "You found the animals on 13 January 2026 06:30." in body_of(message)
    assert dutch_words(message.get_body(("plain",)).get_content().split("http")[0]) == []

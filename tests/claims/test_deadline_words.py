"""Deadline texts written once per page (issue 13) say what flask-babel says, in both languages."""

from datetime import date, timedelta

import pytest
from flask_babel import gettext, ngettext

from faunaschade.claims.worklist import DeadlineWords, make_deadline

ON = date(2026, 12, 7)  # a Monday: three working days ahead is Thursday the 10th


def _babel(kind: str, n: int) -> str:
    days = ngettext("%(num)d dag", "%(num)d dagen", n)
    if kind == "late":
        return gettext("%(days)s te laat", days=days)
    if kind == "ago":
        return gettext("%(days)s geleden", days=days)
    return gettext("vandaag") if n == 0 else gettext("nog %(days)s", days=days)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_each_text_and_state_is_flask_babels(app, language):
    with app.test_request_context(f"/?lang={language}"):
        words = DeadlineWords(ON)
        for offset in range(-15, 16):
            due = ON + timedelta(days=offset)
            for closes in (False, True):
                shared = make_deadline("x", "Label", due, ON, closes=closes, words=words)
                alone = make_deadline("x", "Label", due, ON, closes=closes)
                assert shared == alone
                if offset < 0:
                    assert shared.state == ("closed" if closes else "overdue")
                    assert shared.text == _babel("ago" if closes else "late", -offset)
                else:
                    assert shared.state == ("soon" if due <= date(2026, 12, 10) else "ok")
                    assert shared.text == _babel("left", offset)
        if language == "en":
            assert make_deadline("x", "L", ON - timedelta(days=1), ON).text == "1 day late"
        else:
            assert make_deadline("x", "L", ON + timedelta(days=2), ON).text == "nog 2 dagen"


def test_words_of_another_day_are_not_used(app):
    with app.test_request_context():
        yesterday = DeadlineWords(ON - timedelta(days=1))
        assert make_deadline("x", "L", ON, ON, words=yesterday).text == "vandaag"


def test_the_words_of_a_day_and_language_are_kept_for_the_next_page(app):
    """A queue page takes the words of its day and language made by an earlier page (they are
    the same whoever asks): the same object for the same day and language, and each language
    and day its own, with its own texts."""
    texts = {}
    for language in ("nl", "en", "nl"):
        with app.test_request_context(f"/?lang={language}"):
            words = DeadlineWords.of(ON)
            assert DeadlineWords.of(ON) is words
            assert DeadlineWords.of(ON + timedelta(days=1)) is not words
            texts.setdefault(language, (words, words.text("late", 2)))
            assert texts[language][0] is words
            assert words.text("late", 2) == _babel("late", 2)
    assert texts["nl"][0] is not texts["en"][0]
    assert texts["nl"][1] == "2 dagen te laat" and texts["en"][1] == "2 days late"

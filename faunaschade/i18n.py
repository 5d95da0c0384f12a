"""Translatable text: Dutch message ids, English in faunaschade/translations/en/.

Pages, forms, flashes, errors and e-mails wrap their text in flask-babel's `gettext` (`_`), or
`lazy_gettext` (`_l`) where the text is defined before any request (form classes). Text that
is defined before any request and must stay a plain string (the label tables that letters and
exports also print, the schemas' validation messages) is marked with `N_`: Babel extracts it,
and it is translated where it is shown (web/vocab.py for labels, `translate` for validation
messages). Letters are legal documents and stay Dutch.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale, gettext


class Message(str):
    """A Dutch text that keeps its message id and values, so that it can be translated where
    it is shown; it is a `str`, so marshmallow and everything else handle it as text.
    `format()` (marshmallow fills in {input}, {min}, {max}) keeps the message id too."""

    msgid: str
    values: dict[str, Any]
    fills: dict[str, Any]

    def __new__(
        cls, msgid: str, values: dict[str, Any] | None = None, fills: dict[str, Any] | None = None
    ) -> Message:
        values, fills = values or {}, fills or {}
        text = msgid % values if values else msgid
        message = super().__new__(cls, text.format(**fills) if fills else text)
        message.msgid, message.values, message.fills = msgid, values, fills
        return message

    def format(self, *args: Any, **kwargs: Any) -> Message:
        return Message(self.msgid, self.values, {**self.fills, **kwargs})

    def translated(self) -> str:
        """The text in the current language (Dutch outside a request); values that are
        message ids themselves ("provincie" in "Onbekende provincie: …") are translated too."""
        values = {k: gettext(v) if isinstance(v, str) else v for k, v in self.values.items()}
        text = gettext(self.msgid, **values) if values else gettext(self.msgid)
        return text.format(**self.fills) if self.fills else text


def N_(message: str, **values: Any) -> str:
    """Mark a Dutch message id for extraction without translating it here. With values (or a
    {placeholder} that marshmallow fills in) it becomes a `Message` that remembers them."""
    if values or "{" in message:
        return Message(message, values)
    return message


def language() -> str:
    """The language being written in: the page's ("nl" or "en"); Dutch outside a request."""
    locale = get_locale()
    return locale.language if locale is not None else "nl"


def name_of(entry: Any) -> str:
    """A catalogue entry's (crop, species, animal kind) name in the current language."""
    return entry.name_en if language() == "en" else entry.name_nl


def translate(messages: Any) -> Any:
    """Validation messages (a string, or lists and dicts of them, as marshmallow gives them)
    in the current language; text that is no message id stays as it is."""
    if isinstance(messages, Message):
        return messages.translated()
    if isinstance(messages, str):
        return gettext(messages)
    if isinstance(messages, dict):
        return {key: translate(value) for key, value in messages.items()}
    if isinstance(messages, list | tuple):
        return [translate(message) for message in messages]
    return messages

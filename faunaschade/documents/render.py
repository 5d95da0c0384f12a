"""Letter template → HTML → PDF (A4) with WeasyPrint and the sandboxed fetcher."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from faunaschade.documents.fetcher import AssetFetcher
from faunaschade.money import dutch_date, dutch_moment, format_eur

#: The stylesheet of every letter.
LETTER_CSS = "letter-asset:letter.css"
#: The templates folder shared with the web pages; letters live in ``letters/``.
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"


class RenderError(RuntimeError):
    """The letter could not be rendered (for example: it asked for a refused URL)."""


def hectares(value: Decimal) -> str:
    """An area in Dutch notation with at least two decimals: ``1,25 ha``."""
    return format_decimal(value, format="#,##0.00##", locale="nl") + " ha"


@cache
def environment() -> Environment:
    """The letters' Jinja environment: autoescaped, strict about missing values."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `local_datetime` is the pages' filter: every date-time in a letter is Dutch time.
    env.filters.update(datum=dutch_date, local_datetime=dutch_moment, eur=format_eur, ha=hectares)
    return env


def render_html(template: str, context: dict[str, Any]) -> str:
    """The letter as HTML (for debugging, tests and benchmarks)."""
    return environment().get_template(template).render(**context)


@cache
def _fonts() -> FontConfiguration:
    # One per process: setting up fontconfig and Pango's font map is a large part of a cold
    # letter. The letters declare no @font-face, so nothing accumulates in it between letters.
    return FontConfiguration()


@cache
def _letter_css() -> CSS:
    # The letters' stylesheet, parsed once per process instead of once per letter (the
    # templates link no stylesheet; every letter gets this one).
    fetcher = AssetFetcher()
    return CSS(
        string=fetcher.resolve(LETTER_CSS).read_text(encoding="utf-8"),
        base_url=LETTER_CSS,
        url_fetcher=fetcher,
        font_config=_fonts(),
    )


#: Decoded letter assets (the logo), shared by every letter of the process; keyed by URL, and
#: our assets only change with a release.
_IMAGES: dict[str, Any] = {}


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """Lay out HTML as an A4 PDF; only ``letter-asset:`` URLs are fetched."""
    try:
        pdf = HTML(string=html, url_fetcher=AssetFetcher()).write_pdf(
            stylesheets=[_letter_css()],
            pdf_variant=pdf_variant,
            font_config=_fonts(),
            cache=_IMAGES,
        )
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint; make it ordinary
        raise RenderError(f"{exc} ({exc.__cause__})") from exc
    return bytes(pdf)


def render_pdf(template: str, context: dict[str, Any], *, pdf_variant: str | None = None) -> bytes:
    """Render a letter template with plain values to PDF bytes (optionally e.g. "pdf/a-3b")."""
    return html_to_pdf(render_html(template, context), pdf_variant=pdf_variant)

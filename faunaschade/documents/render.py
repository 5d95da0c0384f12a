"""Letter template → HTML → PDF (A4) with WeasyPrint and the sandboxed fetcher."""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from weasyprint import HTML
from weasyprint.urls import FatalURLFetchingError

from faunaschade.documents.fetcher import AssetFetcher
from faunaschade.money import dutch_date, dutch_moment, format_eur

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


def html_to_pdf(html: str, *, pdf_variant: str | None = None) -> bytes:
    """Lay out HTML as an A4 PDF; only ``letter-asset:`` URLs are fetched."""
    try:
        pdf = HTML(string=html, url_fetcher=AssetFetcher()).write_pdf(pdf_variant=pdf_variant)
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint; make it ordinary
        raise RenderError(f"{exc} ({exc.__cause__})") from exc
    return bytes(pdf)


def render_pdf(template: str, context: dict[str, Any], *, pdf_variant: str | None = None) -> bytes:
    """Render a letter template with plain values to PDF bytes (optionally e.g. "pdf/a-3b")."""
    return html_to_pdf(render_html(template, context), pdf_variant=pdf_variant)

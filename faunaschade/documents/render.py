"""Letter template → HTML → PDF (A4) with WeasyPrint and the sandboxed fetcher.

WeasyPrint (about half a second of imports, and a dlopen of Pango, HarfBuzz and fontconfig) is
imported by the functions that lay a letter out, not with this module: the app, its commands
and the web workers import this module without ever rendering a PDF (jobs do). `flask worker`
renders the sample letters before it forks (documents.samples.warm_up), so its work-horses
start with WeasyPrint loaded all the same.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel.numbers import format_decimal
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from faunaschade.money import dutch_date, dutch_moment, format_eur

if TYPE_CHECKING:  # the annotations only: WeasyPrint itself is imported where a letter is laid out
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

#: The stylesheet of every letter.
LETTER_CSS = "letter-asset:letter.css"
#: The templates folder shared with the web pages; letters live in ``letters/``.
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
#: Every letter is PDF/A-3b (ISO 19005-3, level B: the look is preserved; fonts embedded).
PDF_VARIANT = "pdf/a-3b"
#: The element of the closing that reserves the visible signature's place (letters/base.html).
SIGNATURE_ANCHOR = "handtekening"
#: The colour profile a PDF/A letter declares as its output intent, under our own key: with
#: WeasyPrint's "srgb" it opens its sRGB2014.icc anew for every PDF and never closes it
#: (a ResourceWarning, which our tests make an error). The same profile, read once here.
OUTPUT_INTENT = "letter-srgb"


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
    from weasyprint.text.fonts import FontConfiguration

    # One per process: setting up fontconfig and Pango's font map is a large part of a cold
    # letter. The letters declare no @font-face, so nothing accumulates in it between letters.
    return FontConfiguration()


@cache
def _letter_css() -> CSS:
    from weasyprint import CSS

    # Here, not at the top: the fetcher is a WeasyPrint class (see the module's docstring).
    from faunaschade.documents.fetcher import AssetFetcher

    # Parsed once per process instead of once per letter (the templates link no stylesheet;
    # every letter gets this one).
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


@cache
def _srgb_profile() -> bytes:
    with (files("weasyprint.pdf") / "sRGB2014.icc").open("rb") as profile:
        return profile.read()


def _pdfa_options(pdf_variant: str | None) -> dict[str, Any]:
    """WeasyPrint options for the variant; PDF/A with the output intent read above."""
    if not pdf_variant or not pdf_variant.startswith("pdf/a"):
        return {"pdf_variant": pdf_variant}
    from weasyprint.css import ColorProfile

    # A fresh ColorProfile per letter: WeasyPrint writes the PDF object's reference into it.
    profile = ColorProfile(
        io.BytesIO(_srgb_profile()), "sRGB2014.icc", "relative-colorimetric", (["r"], ["g"], ["b"])
    )
    return {
        "pdf_variant": pdf_variant,
        "output_intent": OUTPUT_INTENT,
        "color_profiles": {OUTPUT_INTENT: profile},
    }


@dataclass(frozen=True)
class SignatureBox:
    """Where the visible signature goes: a page (0-based) and a box in PDF points
    (x1, y1, x2, y2 from the page's lower left corner)."""

    page: int
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class RenderedLetter:
    """A rendered letter: the PDF and the place its closing reserved for the signature."""

    pdf: bytes
    signature_box: SignatureBox | None


def _signature_box(document: Any) -> SignatureBox | None:
    # WeasyPrint's anchors are the element's border box in CSS px from the page's top left;
    # PDF points (0.75 per px) count from the bottom left.
    for number, page in enumerate(document.pages):
        if SIGNATURE_ANCHOR in page.anchors:
            left, top, right, bottom = (value * 0.75 for value in page.anchors[SIGNATURE_ANCHOR])
            height = page.height * 0.75
            return SignatureBox(
                number, (round(left), round(height - bottom), round(right), round(height - top))
            )
    return None


def html_to_letter(html: str, *, pdf_variant: str | None = PDF_VARIANT) -> RenderedLetter:
    """Lay out HTML as an A4 PDF (PDF/A-3b unless told otherwise) and find the signature's
    place; only ``letter-asset:`` URLs are fetched."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    # Here, not at the top: the fetcher is a WeasyPrint class (see the module's docstring).
    from faunaschade.documents.fetcher import AssetFetcher

    options = _pdfa_options(pdf_variant)
    try:
        document = HTML(string=html, url_fetcher=AssetFetcher()).render(
            stylesheets=[_letter_css()], font_config=_fonts(), cache=_IMAGES, **options
        )
        options.pop("color_profiles", None)  # the document keeps them
        pdf = document.write_pdf(**options)
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint; make it ordinary
        raise RenderError(f"{exc} ({exc.__cause__})") from exc
    return RenderedLetter(bytes(pdf), _signature_box(document))


def html_to_pdf(html: str, *, pdf_variant: str | None = PDF_VARIANT) -> bytes:
    """Lay out HTML as an A4 PDF (PDF/A-3b unless told otherwise), unsigned."""
    return html_to_letter(html, pdf_variant=pdf_variant).pdf


def render_letter(
    template: str, context: dict[str, Any], *, pdf_variant: str | None = PDF_VARIANT
) -> RenderedLetter:
    """Render a letter template with plain values: the PDF and the signature's place."""
    return html_to_letter(render_html(template, context), pdf_variant=pdf_variant)


def render_pdf(
    template: str, context: dict[str, Any], *, pdf_variant: str | None = PDF_VARIANT
) -> bytes:
    """Render a letter template with plain values to PDF bytes (PDF/A-3b unless told), unsigned."""
    return render_letter(template, context, pdf_variant=pdf_variant).pdf

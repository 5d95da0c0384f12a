"""Letters: plain-value context → Jinja template → WeasyPrint PDF, fetching only our assets."""

from faunaschade.documents.context import KIND_TITLES, build_context, kenmerk, template_for
from faunaschade.documents.fetcher import AssetFetcher, RefusedURL
from faunaschade.documents.render import RenderError, html_to_pdf, render_html, render_pdf

__all__ = [
    "KIND_TITLES",
    "AssetFetcher",
    "RefusedURL",
    "RenderError",
    "build_context",
    "html_to_pdf",
    "kenmerk",
    "render_html",
    "render_pdf",
    "template_for",
]

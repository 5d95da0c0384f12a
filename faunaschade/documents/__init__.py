"""Letters: plain-value context → Jinja template → WeasyPrint PDF, fetching only our assets."""

from typing import Any

from faunaschade.documents.context import KIND_TITLES, build_context, kenmerk, template_for
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


def __getattr__(name: str) -> Any:
    # The fetcher is a WeasyPrint class, so it is imported when asked for (PEP 562), not with
    # the package: the app imports this package and renders no PDF itself (see render.py).
    if name in ("AssetFetcher", "RefusedURL"):
        # On use: importing the fetcher imports WeasyPrint.
        from faunaschade.documents import fetcher

        return getattr(fetcher, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""A sandboxed WeasyPrint URL fetcher: letter assets only, never a file or the network.

Templates name their assets as ``letter-asset:<name>`` (``letter-asset:letter.css``). Such a
name maps to one file directly inside ``templates/letters/assets/``. Every other URL is
refused: ``file:``, ``http:``, ``https:``, ``ftp:`` and also ``data:`` (our assets are files,
so one rule is easier to trust than a list of exceptions). Refusal is fatal: the PDF is not
written, so a letter is never stored with a silently missing part.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from weasyprint.urls import URLFetcher, URLFetcherResponse

#: The only scheme the fetcher serves.
SCHEME = "letter-asset:"
#: Where the assets live.
ASSETS_DIR = Path(__file__).resolve().parents[2] / "templates" / "letters" / "assets"
#: Asset types by file suffix; any other suffix is refused.
CONTENT_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
# One flat file name: no slashes, no "..", no percent-escapes, no query or fragment.
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*\.[a-z0-9]+")


class RefusedURL(ValueError):
    """A URL the letter sandbox does not fetch."""


class AssetFetcher(URLFetcher):
    """Serves ``letter-asset:`` names from the assets folder and refuses everything else."""

    def __init__(self, root: Path = ASSETS_DIR) -> None:
        # fail_on_errors: a refused or missing asset stops the rendering instead of a warning.
        super().__init__(fail_on_errors=True, allow_redirects=False)
        self.root = root.resolve()

    def resolve(self, url: str) -> Path:
        """The asset file for a ``letter-asset:`` URL; RefusedURL for anything else."""
        if not url.startswith(SCHEME):
            raise RefusedURL(f"letters may only use {SCHEME} URLs, not {url[:80]!r}")
        name = url[len(SCHEME) :]
        if not _NAME.fullmatch(name) or Path(name).suffix not in CONTENT_TYPES:
            raise RefusedURL(f"not a letter asset name: {name[:80]!r}")
        path = (self.root / name).resolve()
        if path.parent != self.root or not path.is_file():
            raise RefusedURL(f"no letter asset {name!r}")
        return path

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Open one asset (WeasyPrint's fetcher interface)."""
        path = self.resolve(url)
        content_type = CONTENT_TYPES[path.suffix]
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})

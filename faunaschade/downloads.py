"""File downloads that pages and endpoints both answer: attachments, letters, payment files,
statistics and audit exports. Never kept by a shared cache, always as an attachment (except the
photo thumbnails the claim page shows inline)."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, request, send_file, stream_with_context
from flask_babel import gettext

from faunaschade.audit import log as audit_log
from faunaschade.claims import attachments
from faunaschade.clock import today
from faunaschade.errors import NotFound
from faunaschade.models import Attachment
from faunaschade.statistics import dutch, exports
from faunaschade.statistics import figures as statistics
from faunaschade.storage import read_bytes


def download(body: Any, mimetype: str, filename: str) -> Response:
    """A file download that no shared cache keeps."""
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def pdf_response(data: bytes, filename: str) -> Response:
    """A PDF download."""
    return download(data, "application/pdf", filename)


def xml_response(data: bytes, filename: str) -> Response:
    """An XML download (the SEPA pain.001)."""
    return download(data, "application/xml", filename)


def send_attachment(attachment: Attachment):
    """Send a stored attachment as a download (never rendered inline)."""
    return send_file(
        io.BytesIO(read_bytes(attachment.file_id)),
        mimetype=attachment.content_type,
        as_attachment=True,
        # Cleaned again: rows stored before names were cleaned may hold CR LF.
        download_name=attachments.safe_filename(attachment.filename),
    )


def send_thumbnail(attachment: Attachment) -> Response:
    """A photo's thumbnail, shown inline; 404 for a file that is not a photo.

    The browser keeps it but asks again each time (no-cache): the caller has checked access,
    and an unchanged photo answers 304 from its ETag without being read or drawn again.
    """
    if not attachments.is_image(attachment):
        raise NotFound(gettext("Deze bijlage is geen foto."))
    etag = f"{attachment.file.sha256}-{attachments.THUMBNAIL_PIXELS}"
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        data = attachments.thumbnail(read_bytes(attachment.file_id))
        if data is None:
            raise NotFound(gettext("Van deze foto is geen voorbeeld te maken."))
        response = Response(data, mimetype="image/jpeg")
    response.set_etag(etag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def statistics_header(group_by: list[str], filters) -> list[str]:
    return [*group_by, *statistics.measures_for(group_by, filters)]


def statistics_rows(group_by: list[str], filters, provinces) -> Any:
    header = statistics_header(group_by, filters)
    for row in statistics.rows(group_by, filters, provinces):
        yield [row[name] for name in header]


def dutch_statistics_rows(group_by: list[str], filters, provinces) -> Any:
    """The rows with their group values in Dutch words (Fryslân, grauwe gans, Toegekend)."""
    for row in statistics_rows(group_by, filters, provinces):
        words = [dutch.label(key, value) for key, value in zip(group_by, row, strict=False)]
        yield [*words, *row[len(group_by) :]]


def statistics_download(fmt: str, group_by: list[str], filters, provinces) -> Response:
    """CSV streamed from a server-side cursor (csv: codes and a decimal dot, for programs;
    csv-nl: Dutch headings and words, `;`, decimal comma and a BOM, for Dutch Excel), or an XLSX
    workbook with an 'about' sheet."""
    name = f"statistics-{today().isoformat()}"
    header = statistics_header(group_by, filters)
    if fmt == "csv":
        chunks = exports.csv_chunks(header, statistics_rows(group_by, filters, provinces))
        return download(stream_with_context(chunks), "text/csv", f"{name}.csv")
    if fmt == "csv-nl":
        chunks = exports.csv_chunks(
            [dutch.heading(column) for column in header],
            dutch_statistics_rows(group_by, filters, provinces),
            exports.DUTCH_EXCEL,
        )
        filename = f"statistieken-{today().isoformat()}.csv"
        return download(stream_with_context(chunks), "text/csv", filename)
    about = [
        ("as_of", today()),
        ("group_by", ",".join(group_by) or "-"),
        ("provinces", ",".join(provinces)),
        *((key, value) for key, value in vars(filters).items() if value is not None),
        ("note", "Grouped by species, a claim with two species counts in both rows."),
        (
            "reports",
            "Meldingen (reports, reports_converted, reported_damage) count beside the claims; "
            "a converted melding still counts; left out when grouped or filtered by outcome.",
        ),
    ]
    workbook = exports.xlsx_bytes(
        [
            ("statistics", header, statistics_rows(group_by, filters, provinces)),
            ("about", ("key", "value"), about),
        ]
    )
    return download(workbook, exports.XLSX_MIME, f"{name}.xlsx")


def audit_download(user, filters: audit_log.AuditFilters) -> Response:
    """The matching events as CSV, in chain order, streamed."""
    chunks = exports.csv_chunks(audit_log.EXPORT_COLUMNS, audit_log.export_rows(user, filters))
    name = f"audit-events-{today().isoformat()}.csv"
    return download(stream_with_context(chunks), "text/csv", name)

"""Validate the signatures of an uploaded PDF with pyHanko, in a child process of its own.

The public letter check (letters.verification) reads PDFs from anyone. pyHanko parses the
whole file (cross-reference tables, object streams, the changes after a signature), and a
hostile PDF can ask for gigabytes (a compressed stream that inflates without end) or for a
long walk. So the parse runs here, in a child started for each check with limits on its
memory and CPU time, and a wall-clock timeout in the parent: a hostile file costs the child,
never the web process. The child imports only pyHanko and the standard library.

Parent: ``check_signatures(pdf, trusted_pem)``. Child: this file run as a script, the PDF on
standard input, the trusted certificates (PEM) in FAUNASCHADE_TRUSTED_PEM, JSON on standard
output.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The child's limits: address space, CPU seconds; and the parent's wall-clock timeout.
CHILD_MEMORY_BYTES = 1024 * 1024 * 1024
CHILD_CPU_SECONDS = 20
TIMEOUT_SECONDS = 40
_TRUSTED_ENV = "FAUNASCHADE_TRUSTED_PEM"


class UnreadablePdf(ValueError):
    """pyHanko could not read the file (or the child gave up on it)."""


@dataclass(frozen=True)
class SignatureFacts:
    """One embedded signature, as pyHanko's validator judged it."""

    field: str
    intact: bool  #: the signed bytes are unchanged (the digest matches)
    valid: bool  #: and the signature over them is cryptographically sound
    trusted: bool  #: and the signer's certificate chains to one of the trusted ones
    coverage: str  #: ENTIRE_FILE, ENTIRE_REVISION (something was appended) or CONTIGUOUS_BLOCKS…
    modification_level: str | None  #: what was appended after it: NONE, FORM_FILLING, OTHER…
    signer_sha256: str | None  #: SHA-256 of the signer's certificate
    signer: str | None  #: the signer's name
    signed_at: str | None  #: the signing time the signer wrote (ISO 8601)
    signed_revision_sha256: str  #: SHA-256 of the file as it was when signed


def check_signatures(pdf: bytes, trusted_pem: str) -> list[SignatureFacts]:
    """Every signature of the PDF, validated against the trusted certificates (PEM text)."""
    env = {"PATH": os.environ.get("PATH", ""), _TRUSTED_ENV: trusted_pem, "PYTHONHASHSEED": "0"}
    try:
        done = subprocess.run(
            [sys.executable, "-I", str(Path(__file__).resolve())],
            input=pdf,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise UnreadablePdf("the check took too long") from exc
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        answer = None
    if done.returncode != 0 or not isinstance(answer, dict):
        raise UnreadablePdf(f"the check ended with {done.returncode}")
    if "error" in answer:
        raise UnreadablePdf(str(answer["error"]))
    return [SignatureFacts(**facts) for facts in answer["signatures"]]


# --- the child ----------------------------------------------------------------------------


def _limit_myself() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CHILD_CPU_SECONDS, CHILD_CPU_SECONDS))


def _validate(pdf: bytes, trusted_pem: bytes) -> list[dict[str, Any]]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pyHanko's and cryptography's, on stderr: not ours
        from pyhanko.keys import load_certs_from_pemder_data
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

    roots = list(load_certs_from_pemder_data(trusted_pem))
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail"
    )
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    found = []
    for signature in reader.embedded_signatures:
        *_, after, rest = (int(n) for n in signature.sig_object["/ByteRange"])
        end = after + rest
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            status = validate_pdf_signature(signature, context)
        cert = status.signing_cert
        level = status.modification_level
        moment = status.signer_reported_dt
        found.append(
            {
                "field": signature.field_name,
                "intact": bool(status.intact),
                "valid": bool(status.valid),
                "trusted": bool(status.trusted),
                "coverage": status.coverage.name if status.coverage else "UNKNOWN",
                "modification_level": level.name if level is not None else None,
                "signer_sha256": hashlib.sha256(cert.dump()).hexdigest() if cert else None,
                "signer": cert.subject.human_friendly if cert else None,
                "signed_at": moment.isoformat() if moment else None,
                "signed_revision_sha256": hashlib.sha256(pdf[:end]).hexdigest(),
            }
        )
    return found


def main() -> int:
    _limit_myself()
    pdf = sys.stdin.buffer.read()
    trusted = os.environ.get(_TRUSTED_ENV, "").encode()
    try:
        answer: dict[str, Any] = {"signatures": _validate(pdf, trusted)}
    except MemoryError:
        answer = {"error": "the file needs too much memory"}
    except Exception as exc:  # a hostile or broken file: any parse error is an answer
        answer = {"error": f"{type(exc).__name__}: {exc}"[:500]}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main())

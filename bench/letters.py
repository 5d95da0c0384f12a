"""Benchmark of decision letters: a warm worker end to end vs WeasyPrint alone, and memory.

Prints, in one run:
  - letters/s end to end on a warm worker (load, context, render, store, audit, commit),
  - letters/s of WeasyPrint rendering the very same letter HTML directly,
  - letters/s of WeasyPrint rendering a minimal one-page HTML,
  - the ratios (our overhead over the bare render; what the template itself costs),
  - resident memory growth over N letters.
Runs on a throw-away SQLite database with jobs in-process.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MINIMAL = "<!doctype html><html lang='nl'><body><p>Hallo</p></body></html>"


def rss_mb() -> float:
    """Resident set size of this process in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def setup(app):
    """One decided claim whose decision letter is rendered once (warm-up)."""
    from flask_migrate import upgrade

    from faunaschade.accounts.users import create_user
    from faunaschade.decisions import operations as decisions
    from faunaschade.extensions import db
    from faunaschade.models import FarmerProfile, Role
    from tests.support.decisions import assessed_claim

    upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
    password = "bench-password-123"
    farmer = create_user("boer@bench.nl", password, Role.FARMER)
    a = create_user("a@bench.nl", password, Role.OFFICER, ["DR"])
    b = create_user("b@bench.nl", password, Role.OFFICER, ["DR"])
    db.session.add(
        FarmerProfile(
            user_id=farmer.id,
            name="Boer",
            kvk="01234567",
            iban="NL91ABNA0417164300",
            address="Dijk 1",
            postcode="9401 AA",
            city="Assen",
        )
    )
    claim = assessed_claim(
        db.session, farmer, a, create_user("t@bench.nl", password, Role.ASSESSOR)
    )
    proposal = decisions.propose_decision(claim, a)
    db.session.commit()
    decisions.approve_proposal(proposal, b)
    db.session.commit()  # in-process: the first letter renders here (warm-up)


def timed(label: str, n: int, work) -> float:
    """Run `work` n times; print and return operations per second."""
    durations = []
    for _ in range(n):
        start = time.perf_counter()
        work()
        durations.append(time.perf_counter() - start)
    rate = n / sum(durations)
    print(f"{label:<46} {rate:8.2f} /s   median {statistics.median(durations) * 1000:7.1f} ms")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="letters per timing")
    parser.add_argument("--memory-n", type=int, default=200, help="letters for memory growth")
    args = parser.parse_args()

    from sqlalchemy import select

    from faunaschade import create_app
    from faunaschade.documents import build_context, html_to_pdf, render_html, template_for
    from faunaschade.extensions import db
    from faunaschade.letters.operations import regenerate_letter
    from faunaschade.models import Letter, LetterKind

    workdir = tempfile.mkdtemp(prefix="faunaschade-bench-")
    app = create_app(
        "development",
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir}/bench.db",
            "REDIS_URL": None,
            "JOBS_IN_PROCESS": True,
            "MAIL_PORT": 1,
        },
    )
    import logging

    logging.getLogger("faunaschade").setLevel(logging.CRITICAL)
    with app.app_context():
        setup(app)

        def end_to_end() -> None:
            latest = db.session.scalar(
                select(Letter)
                .where(Letter.kind == LetterKind.DECISION)
                .order_by(Letter.version.desc())
                .limit(1)
            )
            regenerate_letter(latest, actor=None, reason="benchmark")
            db.session.commit()  # in-process dispatch renders, stores and audits it now

        letter = db.session.scalar(select(Letter).where(Letter.kind == LetterKind.DECISION))
        html = render_html(template_for(letter.kind), build_context(letter))

        print(f"decision letter benchmark, n={args.n} (SQLite, warm process)")
        e2e = timed("end to end (load, context, render, store)", args.n, end_to_end)
        bare = timed("WeasyPrint on the same letter HTML", args.n, lambda: html_to_pdf(html))
        minimal = timed(
            "WeasyPrint on a minimal one-page HTML", args.n, lambda: html_to_pdf(MINIMAL)
        )
        print(f"our overhead over the bare render: {bare / e2e:5.2f}x slower end to end")
        print(f"what the letter template costs:    {minimal / bare:5.2f}x a minimal page")

        before = rss_mb()
        for _ in range(args.memory_n):
            end_to_end()
            db.session.expunge_all()
        after = rss_mb()
        growth = after - before
        print(
            f"memory: RSS {before:.1f} MiB → {after:.1f} MiB over {args.memory_n} letters "
            f"(+{growth:.1f} MiB, {1024 * growth / args.memory_n:.1f} KiB/letter)"
        )


if __name__ == "__main__":
    main()

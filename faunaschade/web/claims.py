"""The claim pages: the farmer's list, form, wolf report, submit, withdraw and leges payment;
the officer's queue and completion requests; the claim page every role sees."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from faunaschade import rules
from faunaschade.access import (
    claims_in_scope,
    get_attachment_in_scope_or_404,
    get_claim_in_scope_or_404,
    login_required,
    roles_required,
)
from faunaschade.audit.timeline import timeline
from faunaschade.claims import areas, attachments, completion, livestock
from faunaschade.claims import leges as payments
from faunaschade.claims import operations as claims
from faunaschade.claims import worklist as queue
from faunaschade.claims.from_parcels import FIELDS as FROM_PARCELS
from faunaschade.claims.from_parcels import derived
from faunaschade.clock import AMSTERDAM, today
from faunaschade.decisions import objection_view
from faunaschade.decisions.calculation import assessed_components
from faunaschade.decisions.operations import decision_view
from faunaschade.decisions.penalties import notice_view
from faunaschade.downloads import send_attachment, send_thumbnail
from faunaschade.errors import Conflict, ValidationFailed
from faunaschade.extensions import db
from faunaschade.farmers import authorisations
from faunaschade.farmers import operations as farmers
from faunaschade.models import (
    Claim,
    ClaimKind,
    ClaimStatus,
    FarmerProfile,
    Letter,
    Payment,
    PaymentStatus,
    Role,
)
from faunaschade.models.authorisations import representatives_of
from faunaschade.schemas.claims import (
    ClaimInSchema,
    CompletionRequestSchema,
    LivestockClaimInSchema,
    QueueQuerySchema,
    WolfFindingInSchema,
)
from faunaschade.web import damage_form
from faunaschade.web.formdata import (
    claim_form_data,
    load,
    number_or_text,
    present,
    whole_number,
)
from faunaschade.web.pages import page_date
from faunaschade.web.use_case import Failed, run
from faunaschade.web.vocab import STATUS_LABELS, vocabulary

bp = Blueprint("claims_web", __name__)
#: The test provider's betaalpagina, on a blueprint of its own so that it exists only while
#: PAYMENT_PROVIDER=test (faunaschade.claims.leges_test_provider links to it by name).
checkout_bp = Blueprint("leges_test_web", __name__)
farmer_only = roles_required(Role.FARMER)
officer_only = roles_required(Role.OFFICER)
#: Who is warned when a farmer's KvK number is also on another account.
CHECKERS = (Role.OFFICER, Role.AUDITOR)


def claim_url(claim_id: int, anchor: str = "") -> str:
    """The claim page, optionally at one of its sections."""
    return url_for("claims_web.claim_detail", claim_id=claim_id) + anchor


@bp.route("/aanvragen")
@login_required
def claim_list():
    """The farmer's claims (officers and auditors: those of their provinces)."""

    items = db.session.scalars(
        claims_in_scope(current_user)
        .options(selectinload(Claim.farmer))
        .order_by(Claim.id.desc())
        .limit(200)
    ).all()
    # A representative (machtiging) sees whose claim each one is, and whom they act for.
    held = authorisations.acting_for(current_user) if current_user.role == Role.FARMER else []
    own = authorisations.own_profile(current_user) if held else None
    return render_template(
        "claims/list.html",
        claims=items,
        show_farmer=any(own is None or claim.farmer_id != own.id for claim in items) and held,
        own=own,
        acting_for=sorted({a.farmer.name for a in held}),
        **vocabulary(),
    )


def _claim_values(claim: Any) -> dict[str, Any]:
    lines = {line["parcel_id"]: line for line in claims.lines_of(claim)}
    return {
        "province": claim.province,
        "crop": claim.crop,
        "discovered_on": claim.discovered_on.isoformat(),
        "species": [s.species for s in claim.species],
        "preventive_measures": claim.preventive_measures,
        "description": claim.description,
        "rows": {
            pid: {"damaged_area_ha": line["damaged_area_ha"], "area_type": line.get("area_type")}
            for pid, line in lines.items()
        },
    }


@bp.route("/aanvragen/nieuw", methods=["GET", "POST"], defaults={"claim_id": None})
@bp.route("/aanvragen/<int:claim_id>/bewerken", methods=["GET", "POST"])
@farmer_only
def claim_form(claim_id: int | None):
    """File a new claim or edit a draft; a representative (machtiging) picks for whom."""
    claim = get_claim_in_scope_or_404(claim_id) if claim_id else None
    profile, filers = filing_for(claim)
    own_parcels = sorted(profile.parcels, key=lambda p: p.name.lower())
    errors: dict[str, Any] = {}
    values: dict[str, Any] = (
        _claim_values(claim) if claim else {"rows": {}, "species": [], "preventive_measures": []}
    )
    # Province and crop are asked only when the parcels do not tell them (from_parcels).
    chosen = [p.parcel for p in claim.parcels] if claim else []
    ask = {f: bool(claim) and derived(chosen, f) != getattr(claim, f) for f in FROM_PARCELS}
    if request.method == "POST":
        data = claim_form_data(request.form, [p.id for p in own_parcels])
        values = damage_form.typed_values(request.form, data)

        def save(loaded: dict[str, Any]) -> Any:
            def store() -> Claim:
                if claim is None:
                    return claims.create_claim(profile, loaded, current_user)
                claims.update_claim(claim, loaded, current_user)
                return claim

            return run(
                store,
                done=_(
                    "De aanvraag is opgeslagen als concept. "
                    "U kunt foto's toevoegen en daarna indienen."
                ),
                redirect=lambda saved: claim_url(saved.id),
                expected=(ValidationFailed, Conflict),
            )

        posted = damage_form.submit(profile, own_parcels, ClaimInSchema(), data, save)
        if posted.response is not None:
            return posted.response
        errors, ask = posted.errors, posted.ask
    return damage_form.page(
        "claims/form.html",
        profile,
        filers,
        own_parcels,
        values,
        errors,
        ask,
        claim=claim,
        map_option=True,
    )


def filing_for(claim: Claim | None) -> tuple[FarmerProfile, dict[int, str]]:
    """Whose claim the form is: the draft's farmer, or for a new claim the user's own farm or
    (`?namens=<id>`) a farmer who authorised them for all claims; and, for a new claim of a
    representative, whom they may choose between (id → name)."""
    if claim is not None:
        return db.session.get(FarmerProfile, claim.farmer_id), {}
    own = authorisations.own_profile(current_user)
    others = authorisations.may_file_for(current_user)
    filers = ({own.id: _("Mijn eigen bedrijf (%(name)s)", name=own.name)} if own else {}) | {
        p.id: p.name for p in others if own is None or p.id != own.id
    }
    chosen = request.args.get("namens", "")
    if chosen:
        if not chosen.isdigit() or int(chosen) not in filers:
            abort(404)
        profile = own if own is not None and own.id == int(chosen) else None
        profile = profile or next(p for p in others if p.id == int(chosen))
    else:
        profile = own or (others[0] if others else farmers.profile_of(current_user))
    return profile, filers if len(filers) > 1 or own is None else {}


@bp.route("/aanvragen/<int:claim_id>")
@login_required
def claim_detail(claim_id: int):
    """Status, deadlines, timeline, attachments and letters of one claim."""
    return claim_page(get_claim_in_scope_or_404(claim_id))


@bp.route("/aanvragen/<int:claim_id>/kaart.geojson")
@login_required
def claim_map(claim_id: int):
    """The claim's map (parcels, their parts per area type, the layers around them) as GeoJSON
    in WGS84 for the page's Leaflet map; 404 outside the user's scope."""
    response = jsonify(areas.map_geojson(get_claim_in_scope_or_404(claim_id)))
    response.headers["Cache-Control"] = "private, no-store"
    return response


def policy_rule(version: str) -> dict[str, Any] | None:
    """The beleidsregel a rule set version applies and the first day of that version, as the
    pages name a calculation (the decision letter does the same); never the version's code."""
    try:
        rule_set = rules.rule_set_by_version(version)
    except rules.NoRuleSetError:
        return None
    return {"title": rule_set.beleidsregel.title, "version_date": rule_set.valid_from}


def _objection_form(claim: Claim) -> dict[str, Any] | None:
    """What the officer's proposal form on an objection starts from: each component's
    assessed damage and the reduction of the decision objected to."""
    if claim.status != ClaimStatus.OBJECTION or current_user.role != Role.OFFICER:
        return None
    proposal = objection_view.objected_proposal(claim)
    return {
        "components": assessed_components(claim),
        "reduction_pct": proposal.reduction_pct if proposal else Decimal("0"),
    }


def claim_page(claim: Claim, refused: str = "", failed: Failed | None = None) -> Any:
    """The claim page; with `refused` (a section's form: "upload", "proposal", …) and its
    `failed` use case, the page again with that form's errors inside its section and what was
    typed in it kept — in the same answer, so nothing is lost and the error is where the form
    is (its action ends in the section's anchor, and the summary takes the focus)."""
    letters = db.session.scalars(
        db.select(Letter).where(Letter.claim_id == claim.id).order_by(Letter.id)
    ).all()
    page = render_template(
        "claims/detail.html",
        claim=claim,
        deadlines=claims.deadlines(claim),
        warnings=claims.warnings(claim),
        timeline=timeline(claim),
        letters=letters,
        decision_view=decision_view(claim),
        objection=objection_view.detail(claim),
        objection_effect=objection_view.proposal_effect(claim),
        objection_form=_objection_form(claim),
        notice_view=notice_view(claim, current_user),
        reported=livestock.report_facts(claim) if claim.kind == ClaimKind.LIVESTOCK else None,
        area_figures=areas.figures(claim) if claim.kind == ClaimKind.CROP else [],
        # Officers and auditors only: the farmer must not learn of another account's KvK.
        kvk_shared=farmers.sharing_kvk(claim.farmer) if current_user.role in CHECKERS else [],
        applicant=farmers.applicant(claim.farmer) if current_user.role == Role.OFFICER else None,
        representatives=representatives_of(claim.farmer_id, claim.id, today())
        if current_user.role in (Role.FARMER, Role.OFFICER, Role.AUDITOR)
        else [],
        form_errors={refused: failed.fields} if failed else {},
        form_values={refused: request.form} if failed else {},
        policy_rule=policy_rule,
        **vocabulary(),
    )
    if failed is None:
        return page, 200
    # The claim was found; what was not (an open proposal meanwhile decided) is a conflict.
    return page, 409 if failed.error.status == 404 else failed.error.status


@bp.route("/aanvragen/<int:claim_id>/bijlagen", methods=["POST"])
@farmer_only
def upload(claim_id: int):
    """Add a photo or PDF."""
    claim = get_claim_in_scope_or_404(claim_id)
    file = request.files.get("file")

    def add() -> None:
        if file is None or not file.filename:
            raise ValidationFailed(fields={"file": [_("Kies eerst een bestand.")]})
        attachments.add_attachment(claim, file.filename, file.read(), current_user)

    outcome = run(
        add,
        done=lambda _added: _("Bestand '%(name)s' is toegevoegd.", name=file.filename),
        redirect=claim_url(claim.id, "#bijlagen"),
        expected=(ValidationFailed, Conflict),
    )
    if isinstance(outcome, Failed):
        return claim_page(claim, "upload", outcome)
    return outcome


@bp.route("/aanvragen/<int:claim_id>/bijlagen/<int:attachment_id>")
@login_required
def attachment(claim_id: int, attachment_id: int):
    """Download an attachment (only in scope)."""
    return send_attachment(get_attachment_in_scope_or_404(claim_id, attachment_id))


@bp.route("/aanvragen/<int:claim_id>/bijlagen/<int:attachment_id>/miniatuur")
@login_required
def thumbnail(claim_id: int, attachment_id: int):
    """A small picture of a photo, for the claim page (only in scope, as the download)."""
    return send_thumbnail(get_attachment_in_scope_or_404(claim_id, attachment_id))


def _submitted(claim: Claim) -> str:
    if claim.leges > 0:
        return _(
            "Uw aanvraag is ingediend. Betaal nu de leges; "
            "pas daarna gaat de aanvraag in behandeling."
        )
    return _("Uw aanvraag is ingediend en in behandeling.")


@bp.route("/aanvragen/<int:claim_id>/indienen", methods=["GET", "POST"])
@farmer_only
def submit(claim_id: int):
    """Confirm and submit; a late claim needs an explicit acknowledgement."""
    claim = get_claim_in_scope_or_404(claim_id)
    late = claims.is_late(claim)
    error = None
    if request.method == "POST":
        acknowledged = bool(request.form.get("acknowledge_late"))
        outcome = run(
            lambda: claims.submit_claim(claim, current_user, acknowledge_late=acknowledged),
            done=lambda _submitted_claim: _submitted(claim),
            redirect=claim_url(claim.id),
            expected=(Conflict, ValidationFailed),
        )
        if not isinstance(outcome, Failed):
            return outcome
        error = outcome.error.message
    return render_template(
        "claims/submit.html",
        claim=claim,
        late=late,
        error=error,
        warnings=claims.warnings(claim),
        **vocabulary(),
    ), 409 if error else 200


@bp.route("/aanvragen/<int:claim_id>/intrekken", methods=["POST"])
@farmer_only
def withdraw(claim_id: int):
    """Withdraw the claim."""
    claim = get_claim_in_scope_or_404(claim_id)
    return run(
        lambda: claims.withdraw_claim(claim, current_user),
        done=_("De aanvraag is ingetrokken."),
        back=claim_url(claim.id),
        expected=Conflict,
    )


@bp.route("/aanvragen/<int:claim_id>/betalen", methods=["POST"])
@farmer_only
def pay(claim_id: int):
    """Start paying the leges at the provider."""
    claim = get_claim_in_scope_or_404(claim_id)
    return run(
        lambda: payments.start_payment(claim, current_user),
        redirect=lambda started: started[1],
        back=claim_url(claim.id),
        expected=Conflict,
    )


def _checkout_payment(ref: str) -> Payment:
    if current_app.config["PAYMENT_PROVIDER"] != "test":
        abort(404)
    payment = db.session.scalar(
        select(Payment).where(Payment.provider == "test", Payment.provider_ref == ref)
    )
    if payment is None:
        abort(404)
    return payment


@checkout_bp.route("/betalen/test/<ref>", methods=["GET", "POST"])
@farmer_only
def test_checkout(ref: str):
    """Pay or cancel, as a bank's iDEAL page would let you; only the claim's own farmer."""
    payment = _checkout_payment(ref)
    # Another farmer gets the same 404 as an unknown ref: the ref alone must not pay a claim.
    claim = get_claim_in_scope_or_404(payment.claim_id)
    if request.method == "GET":
        return render_template("payments/test_checkout.html", payment=payment, claim=claim)
    paid = request.form.get("action") == "pay"
    return run(
        lambda: payments.confirm_payment(
            payment, PaymentStatus.PAID if paid else PaymentStatus.CANCELLED
        ),
        done=_("De leges zijn betaald. Uw aanvraag is in behandeling.")
        if paid
        else _("De betaling is geannuleerd. U kunt het later opnieuw proberen."),
        category="success" if paid else "error",
        redirect=claim_url(claim.id),
        expected=(),
    )


@bp.route("/aanvragen/wolf", methods=["GET", "POST"])
@farmer_only
def livestock_report():
    """Report animals killed or injured by a wolf or golden jackal."""

    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = present(
        request.form, "province", "discovered_on", "discovered_time", "animals", "description"
    )
    values["species"] = request.form.getlist("species")
    if request.method == "POST":
        data = {k: values[k] for k in ("province", "description") if k in values}
        data["species"] = values["species"]
        data["animals"] = whole_number(values.get("animals")) or -1
        if values.get("discovered_on") and values.get("discovered_time"):
            local = f"{values['discovered_on']}T{values['discovered_time']}"
            try:
                moment = datetime.fromisoformat(local).replace(tzinfo=AMSTERDAM)
                data["discovered_at"] = moment.isoformat()
            except ValueError:
                errors["discovered_on"] = [_("Geef een geldige datum en tijd.")]
        loaded, schema_errors = load(LivestockClaimInSchema(), data)
        errors = errors or schema_errors
        if "discovered_at" in errors:
            errors["discovered_on"] = errors.pop("discovered_at")
        if loaded is not None and not errors:
            outcome = run(
                lambda: livestock.report_livestock_damage(
                    farmers.profile_of(current_user), loaded, current_user
                ),
                done=_("Uw melding is ontvangen. Voeg nu foto's van de dieren toe."),
                redirect=lambda claim: claim_url(claim.id),
                expected=ValidationFailed,
            )
            if not isinstance(outcome, Failed):
                return outcome
            errors = outcome.fields
    return render_template(
        "claims/livestock_form.html", values=values, errors=errors, **vocabulary()
    ), 422 if errors else 200


@bp.route("/aanvragen/<int:claim_id>/dna-uitkomst", methods=["POST"])
@officer_only
def wolf_finding(claim_id: int):
    """Record the field visit and DNA outcome of a livestock claim; refused, the claim page
    again with the errors inside the field-visit section and what was typed kept."""
    claim = get_claim_in_scope_or_404(claim_id)
    form = request.form

    def action() -> None:
        given = {name: form[name] for name in ("finding", "visited_on") if form.get(name)}
        data, errors = load(WolfFindingInSchema(only=("finding", "visited_on")), given)
        # The schema checks both; the page names each wrong one in its own words, at once.
        problems: dict[str, list[str]] = {}
        if "finding" in errors:
            problems["finding"] = [_("Kies een uitkomst.")]
        if "visited_on" in errors:
            problems["visited_on"] = [_("Geef de datum van het veldbezoek.")]
        if data is None:
            raise ValidationFailed(fields=problems)
        livestock.record_wolf_finding(
            claim, current_user, data["finding"], data["visited_on"], form.get("remarks", "")
        )

    outcome = run(
        action,
        done=_("De uitkomst van het veldbezoek is vastgelegd."),
        redirect=claim_url(claim.id, "#dna"),
    )
    return claim_page(claim, "wolf_finding", outcome) if isinstance(outcome, Failed) else outcome


def _filters(args: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    values = present(args, "status", "province", "species", "crop", "page")
    for flag in ("overdue", "awaiting_my_approval"):
        if args.get(flag):
            values[flag] = True
    data, errors = load(QueueQuerySchema(), values)
    return (data or {"page": 1, "per_page": 50}), errors


@bp.route("/behandeling")
@officer_only
def queue_page():
    """Claims of the officer's provinces, filtered, with their deadlines in colour and words."""
    filters, errors = _filters(request.args)
    page, per_page = filters.pop("page"), filters.pop("per_page")
    result = queue.officer_queue(current_user, filters, page, per_page, with_assessors=True)
    pages = max(1, -(-result.total // per_page))
    kept = {k: v for k, v in request.args.items() if k != "page"}
    page_links = [(n, url_for(".queue_page", **kept, page=n)) for n in range(1, pages + 1)]
    return render_template(
        "officer/queue.html",
        result=result,
        page_links=page_links,
        filters=filters,
        errors=errors,
        args=request.args,
        statuses={s.value: STATUS_LABELS[s.value] for s in queue.QUEUE_STATUSES},
        open_statuses=[STATUS_LABELS[s.value] for s in queue.OPEN_STATUSES],
        today=today(),
        **vocabulary(),
    ), 422 if errors else 200


@bp.route("/aanvragen/<int:claim_id>/aanvulling-vragen", methods=["GET", "POST"])
@officer_only
def request_completion(claim_id: int):
    """Ask the farmer to complete the claim (Awb 4:5): letter, e-mail and a deadline."""
    claim = get_claim_in_scope_or_404(claim_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"days": str(completion.COMPLETION_WORKING_DAYS)}
    if request.method == "POST":
        values = present(request.form, "message", "days")
        data, errors = load(
            CompletionRequestSchema(), {**values, "days": number_or_text(values.get("days"))}
        )
        if data is not None:
            outcome = run(
                lambda: completion.request_completion(
                    claim, current_user, data["message"], data["days"]
                ),
                done=lambda _sent: _(
                    "Verzoek om aanvulling verstuurd. De aanvrager kan aanvullen tot en met "
                    "%(day)s.",
                    day=page_date(claim.completion_deadline),
                ),
                redirect=claim_url(claim.id),
                expected=(ValidationFailed, Conflict),
            )
            if not isinstance(outcome, Failed):
                return outcome
            errors = outcome.fields
    return render_template(
        "officer/completion_request.html",
        claim=claim,
        values=values,
        errors=errors,
        **vocabulary(),
    ), 422 if errors else 200


def _complete(claim_id: int, done: str) -> Any:
    """Declare the claim complete again (incomplete → submitted), by the farmer or an officer."""
    claim = get_claim_in_scope_or_404(claim_id)
    return run(
        lambda: completion.complete_claim(claim, current_user, request.form.get("note", "")[:5000]),
        done=done,
        back=claim_url(claim.id),
        expected=Conflict,
    )


@bp.route("/aanvragen/<int:claim_id>/compleet", methods=["POST"])
@officer_only
def mark_complete(claim_id: int):
    """The officer declares the claim complete again (incomplete → submitted)."""
    return _complete(claim_id, _("De aanvraag is weer compleet en in behandeling."))


@bp.route("/aanvragen/<int:claim_id>/aanvullen", methods=["POST"])
@farmer_only
def complete(claim_id: int):
    """The farmer says the claim is complete (after adding what was asked)."""
    return _complete(
        claim_id,
        _("Dank u. Uw aanvulling is ontvangen en de aanvraag is weer in behandeling."),
    )

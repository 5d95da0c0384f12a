"""Payment batches: build → approve (another officer) → XSD-valid pain.001 → paid, and guards."""

import hashlib
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest
import sepaxml
import xmlschema
from sqlalchemy import String, cast, func, insert, literal, select, text, true, update
from sqlalchemy.exc import IntegrityError
from stdnum import iban

from config import ILLUSTRATIVE_PROVINCE_ACCOUNTS, ProductionConfig
from faunaschade.models import (
    AuditEvent,
    BatchItemKind,
    Claim,
    ClaimStatus,
    Decision,
    FarmerProfile,
    PaymentBatch,
    PaymentBatchClaim,
    PaymentBatchItem,
)
from faunaschade.payouts.sepa import account_problems
from tests.support.decisions import assessed_claim
from tests.support.production import LETTER_PROVINCES_JSON, signing_env

XSD = Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


@pytest.fixture
def people(make_user, api_token):
    users = {
        "farmer": make_user("farmer"),
        "farmer2": make_user("farmer"),
        "a": make_user("officer", provinces=("DR", "GR"), name="Anna A"),
        "b": make_user("officer", provinces=("DR", "GR"), name="Bert B"),
        "other": make_user("officer", provinces=("NH",)),
        "auditor": make_user("auditor", provinces=("DR",)),
        "assessor": make_user("assessor"),
    }
    return users, {name: api_token(user) for name, user in users.items()}


@pytest.fixture
def decide(client, session, people, redis_conn):
    """A claim decided through the API: proposal by officer A, approval by officer B."""
    users, tokens = people

    def decided(farmer="farmer", proposer="a", approver="b", **kwargs) -> Claim:
        claim = assessed_claim(session, users[farmer], users["a"], users["assessor"], **kwargs)
        body = (
            {"reject": True, "reasons": ["insufficient_prevention"]}
            if kwargs.get("measures") == ()
            else {"motivation": "Conform taxatie."}
        )
        proposed = client.post(
            f"/api/v1/claims/{claim.id}/proposal", json=body, headers=tokens[proposer]
        )
        assert proposed.status_code == 201, proposed.json
        approved = client.post(
            f"/api/v1/claims/{claim.id}/approve", json={}, headers=tokens[approver]
        )
        assert approved.status_code == 200, approved.json
        session.expire_all()
        return claim

    return decided


def _decision(session, claim) -> Decision:
    return session.scalar(
        select(Decision).where(Decision.claim_id == claim.id, Decision.superseded_at.is_(None))
    )


def _build(client, tokens, who="a", province="DR"):
    return client.post("/api/v1/payment-batches", json={"province": province}, headers=tokens[who])


def _status(session, claim) -> ClaimStatus:
    session.expire_all()
    return session.get(Claim, claim.id).status


def _actions(session, batch_id: int) -> list[str]:
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_type == "paymentbatch", AuditEvent.object_id == batch_id)
            .order_by(AuditEvent.id)
        )
    )


def test_build_approve_export_xsd_valid_pain001_then_paid(client, session, people, decide):
    users, tokens = people
    granted = decide()  # payout 2950.00 and leges refund 300.00
    refund_only = decide(farmer="farmer2", species="das", measures=())  # rejected, refund 300
    decide(province="GR")  # another province: never in a DR batch
    paid_decision, refund_decision = _decision(session, granted), _decision(session, refund_only)
    assert (paid_decision.payout, paid_decision.leges_refund) == (Decimal("2950.00"), 300)
    assert (refund_decision.payout, refund_decision.leges_refund) == (0, Decimal("300.00"))

    built = _build(client, tokens)
    assert built.status_code == 201, built.json
    batch = built.json
    assert (batch["status"], batch["province"], batch["total"]) == ("draft", "DR", "3550.00")
    assert (batch["claim_count"], batch["transfer_count"]) == (2, 3)
    assert {(i["claim_id"], i["kind"], i["amount"]) for i in batch["items"]} == {
        (granted.id, "payout", "2950.00"),
        (granted.id, "leges_refund", "300.00"),
        (refund_only.id, "leges_refund", "300.00"),
    }

    approved = client.post(f"/api/v1/payment-batches/{batch['id']}/approve", headers=tokens["b"])
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved" and approved.json["approved_by"] == users["b"].id

    exported = client.get(f"/api/v1/payment-batches/{batch['id']}/pain001.xml", headers=tokens["a"])
    assert exported.status_code == 200, exported.json
    assert exported.mimetype == "application/xml"
    assert "attachment" in exported.headers["Content-Disposition"]
    xml = exported.data
    xmlschema.XMLSchema(str(XSD)).validate(xml.decode())  # raises when the file is invalid

    root = ET.fromstring(xml)
    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert header.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert header.findtext("p:CtrlSum", namespaces=NS) == "3550.00"
    assert info.findtext("p:CtrlSum", namespaces=NS) == "3550.00"
    debtor = ILLUSTRATIVE_PROVINCE_ACCOUNTS["DR"]
    assert info.findtext("p:Dbtr/p:Nm", namespaces=NS) == "Provincie Drenthe"
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == debtor["iban"]
    assert info.findtext("p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == debtor["bic"]
    transactions = {
        tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS): (
            tx.findtext("p:Amt/p:InstdAmt", namespaces=NS),
            tx.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS),
            tx.findtext("p:RmtInf/p:Ustrd", namespaces=NS),
        )
        for tx in info.findall("p:CdtTrfTxInf", NS)
    }
    b = batch["id"]
    assert transactions == {
        f"FS-B{b}-D{paid_decision.id}-UIT": (
            "2950.00",
            "NL91ABNA0417164300",
            f"Tegemoetkoming faunaschade, besluit {paid_decision.kenmerk}",
        ),
        f"FS-B{b}-D{paid_decision.id}-LEG": (
            "300.00",
            "NL91ABNA0417164300",
            f"Terugbetaling leges, besluit {paid_decision.kenmerk}",
        ),
        f"FS-B{b}-D{refund_decision.id}-LEG": (
            "300.00",
            "NL91ABNA0417164300",
            f"Terugbetaling leges, besluit {refund_decision.kenmerk}",
        ),
    }
    assert all(len(e2e) <= 35 and len(t[2]) <= 140 for e2e, t in transactions.items())
    message_id = header.findtext("p:MsgId", namespaces=NS)
    assert message_id.startswith(f"FS-DR-B{b}-")

    again = client.get(f"/api/v1/payment-batches/{b}/pain001.xml", headers=tokens["b"])
    assert again.data == xml  # the file is kept: a second download is the same file
    detail = client.get(f"/api/v1/payment-batches/{b}", headers=tokens["a"]).json
    assert (detail["status"], detail["message_id"]) == ("exported", message_id)
    assert _status(session, granted) == ClaimStatus.DECIDED

    paid = client.post(f"/api/v1/payment-batches/{b}/paid", headers=tokens["a"])
    assert paid.status_code == 200, paid.json
    assert paid.json["status"] == "paid" and paid.json["paid_at"]
    assert _status(session, granted) == _status(session, refund_only) == ClaimStatus.PAID
    claim_page = client.get(f"/api/v1/claims/{granted.id}", headers=tokens["farmer"])
    assert claim_page.json["status"] == "paid"

    assert _actions(session, b) == [
        "payment_batch.built",
        "payment_batch.approved",
        "payment_batch.exported",
        "payment_batch.paid",
    ]
    exported_event = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "payment_batch.exported", AuditEvent.object_id == b
        )
    )
    assert exported_event.data["sha256"] == hashlib.sha256(xml).hexdigest()
    assert exported_event.data["total"] == "3550.00"
    paid_transition = session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "claim.transition",
            AuditEvent.claim_id == granted.id,
            AuditEvent.to_status == "paid",
        )
    )
    assert paid_transition.data == {
        "batch_id": b,
        "decision_id": paid_decision.id,
        "payout": "2950.00",
        "leges_refund": "300.00",
    }


def test_the_builder_can_never_approve_their_own_batch(client, session, people, decide):
    users, tokens = people
    decide()
    batch = _build(client, tokens).json
    own = client.post(f"/api/v1/payment-batches/{batch['id']}/approve", headers=tokens["a"])
    assert own.status_code == 403
    assert own.json["error"]["code"] == "four_eyes"
    assert "vier-ogenprincipe" in own.json["error"]["message"]
    assert (
        client.get(
            f"/api/v1/payment-batches/{batch['id']}/pain001.xml", headers=tokens["a"]
        ).status_code
        == 409
    )  # not approved, so no file
    # The database refuses it too.
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            update(PaymentBatch)
            .where(PaymentBatch.id == batch["id"])
            .values(approved_by=users["a"].id, status="approved")
        )


def test_another_provinces_officer_gets_404_and_others_403(client, people, decide):
    _, tokens = people
    decide()
    batch_id = _build(client, tokens).json["id"]
    base = f"/api/v1/payment-batches/{batch_id}"
    assert client.get(base, headers=tokens["other"]).status_code == 404
    assert client.post(f"{base}/approve", headers=tokens["other"]).status_code == 404
    assert client.get(f"{base}/pain001.xml", headers=tokens["other"]).status_code == 404
    assert client.post(f"{base}/paid", headers=tokens["other"]).status_code == 404
    assert client.post(f"{base}/cancel", json={}, headers=tokens["other"]).status_code == 404
    assert client.get("/api/v1/payment-batches", headers=tokens["other"]).json["total"] == 0
    listed = client.get("/api/v1/payment-batches?status=draft", headers=tokens["b"]).json
    assert [item["id"] for item in listed["items"]] == [batch_id]
    assert client.get(base, headers=tokens["auditor"]).status_code == 200
    assert client.post(f"{base}/approve", headers=tokens["auditor"]).status_code == 403
    assert client.get(base, headers=tokens["farmer"]).status_code == 403
    refused = _build(client, tokens, who="other")
    assert refused.status_code == 403 and "province" in refused.json["error"]["fields"]


def test_bad_input_and_nothing_to_pay(client, people):
    _, tokens = people
    unknown = client.post("/api/v1/payment-batches", json={"province": "XX"}, headers=tokens["a"])
    assert unknown.status_code == 422 and "province" in unknown.json["error"]["fields"]
    missing = client.post("/api/v1/payment-batches", json={}, headers=tokens["a"])
    assert missing.status_code == 422 and "province" in missing.json["error"]["fields"]
    nothing = _build(client, tokens)
    assert nothing.status_code == 409 and "niets uit te betalen" in nothing.json["error"]["message"]


def test_a_claim_is_never_in_two_open_batches(client, session, people, decide):
    _, tokens = people
    first_claim = decide()
    first = _build(client, tokens).json
    assert _build(client, tokens).status_code == 409  # its claims are taken: nothing left

    second_claim = decide(farmer="farmer2")
    second = _build(client, tokens).json
    assert {i["claim_id"] for i in second["items"]} == {second_claim.id}

    # The database refuses a second open entry for the claim, whatever the code does.
    decision = _decision(session, first_claim)
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            PaymentBatchClaim(
                batch_id=second["id"],
                claim_id=first_claim.id,
                decision_id=decision.id,
                live_claim_id=first_claim.id,
            )
        )
        session.flush()
    # … and a transfer of the claim in a batch where the claim has no entry.
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(
            PaymentBatchItem(
                batch_id=second["id"],
                claim_id=first_claim.id,
                decision_id=decision.id,
                kind=BatchItemKind.PAYOUT,
                amount=Decimal("1.00"),
                end_to_end_id="FS-TEST-1",
                creditor_name="X",
                creditor_iban="NL91ABNA0417164300",
                remittance="X",
            )
        )
        session.flush()
    assert first["id"] != second["id"]


def test_a_paid_claim_is_never_paid_again(client, session, people, decide):
    _, tokens = people
    claim = decide()
    b = _build(client, tokens).json["id"]
    client.post(f"/api/v1/payment-batches/{b}/approve", headers=tokens["b"])
    client.get(f"/api/v1/payment-batches/{b}/pain001.xml", headers=tokens["a"])
    assert client.post(f"/api/v1/payment-batches/{b}/paid", headers=tokens["a"]).status_code == 200

    twice = client.post(f"/api/v1/payment-batches/{b}/paid", headers=tokens["a"])
    assert twice.status_code == 409
    assert _build(client, tokens).status_code == 409
    assert (
        client.post(f"/api/v1/payment-batches/{b}/cancel", json={}, headers=tokens["a"]).status_code
        == 409
    )
    with pytest.raises(IntegrityError), session.begin_nested():
        other = PaymentBatch(province="DR", built_by=people[0]["a"].id)
        session.add(other)
        session.flush()
        # The paid batch no longer holds the claim in flight; its decision stays paid once.
        decision_id = _decision(session, claim).id
        session.add(
            PaymentBatchClaim(
                batch_id=other.id,
                claim_id=claim.id,
                decision_id=decision_id,
                live_claim_id=claim.id,
                live_decision_id=decision_id,
            )
        )
        session.flush()


def test_cancelling_an_unexported_batch_releases_its_claims(client, session, people, decide):
    _, tokens = people
    claim = decide()
    first = _build(client, tokens).json
    client.post(f"/api/v1/payment-batches/{first['id']}/approve", headers=tokens["b"])
    cancelled = client.post(
        f"/api/v1/payment-batches/{first['id']}/cancel",
        json={"reason": "Verkeerde uitvoeringsdatum."},
        headers=tokens["b"],
    )
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert (
        client.get(
            f"/api/v1/payment-batches/{first['id']}/pain001.xml", headers=tokens["a"]
        ).status_code
        == 409
    )

    again = _build(client, tokens, who="b").json
    assert {i["claim_id"] for i in again["items"]} == {claim.id}
    assert {i["end_to_end_id"] for i in again["items"]}.isdisjoint(
        {i["end_to_end_id"] for i in first["items"]}
    )
    assert _actions(session, first["id"])[-1] == "payment_batch.cancelled"

    # An exported batch has gone to the bank: it can no longer be cancelled.
    client.post(f"/api/v1/payment-batches/{again['id']}/approve", headers=tokens["a"])
    client.get(f"/api/v1/payment-batches/{again['id']}/pain001.xml", headers=tokens["a"])
    late = client.post(
        f"/api/v1/payment-batches/{again['id']}/cancel", json={}, headers=tokens["a"]
    )
    assert late.status_code == 409


def _items_sum(session, batch_id: int) -> Decimal:
    value = session.scalar(
        select(func.coalesce(func.sum(PaymentBatchItem.amount), 0)).where(
            PaymentBatchItem.batch_id == batch_id
        )
    )
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _total(session, batch_id: int) -> Decimal:
    session.expire_all()
    return session.get(PaymentBatch, batch_id).total


def test_the_batch_total_equals_its_items_and_the_database_refuses_a_mismatch(
    client, session, people, decide
):
    _, tokens = people
    claim = decide()
    extra = decide(farmer="farmer2", species="das", measures=())
    batch = _build(client, tokens).json
    assert (
        Decimal(batch["total"]) == _items_sum(session, batch["id"]) == _total(session, batch["id"])
    )

    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text("UPDATE payment_batches SET total = total + 1 WHERE id = :id"), {"id": batch["id"]}
        )
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text(
                "INSERT INTO payment_batches (province, status, total, built_by, version, "
                "created_at) VALUES ('DR', 'draft', 10, :user, 1, CURRENT_TIMESTAMP)"
            ),
            {"user": people[0]["a"].id},
        )
    # A transfer removed behind the application's back: the total follows, it never lies.
    item = session.scalar(
        select(PaymentBatchItem).where(
            PaymentBatchItem.claim_id == claim.id,
            PaymentBatchItem.kind == BatchItemKind.LEGES_REFUND,
        )
    )
    session.execute(text("DELETE FROM payment_batch_items WHERE id = :id"), {"id": item.id})
    assert _total(session, batch["id"]) == _items_sum(session, batch["id"]) == Decimal("3250.00")
    session.execute(
        text("UPDATE payment_batch_items SET amount = 0.10 WHERE claim_id = :c"), {"c": extra.id}
    )
    assert _total(session, batch["id"]) == _items_sum(session, batch["id"]) == Decimal("2950.10")


def test_a_claim_changed_after_building_blocks_approval(client, session, people, decide):
    users, tokens = people
    decide()
    batch = _build(client, tokens).json
    profile = session.scalar(
        select(FarmerProfile).where(FarmerProfile.user_id == users["farmer"].id)
    )
    profile.iban = "NL02ABNA0123456789"
    session.flush()
    refused = client.post(f"/api/v1/payment-batches/{batch['id']}/approve", headers=tokens["b"])
    assert refused.status_code == 409 and "IBAN" in refused.json["error"]["message"]


def test_idempotency_key_on_build_gives_the_same_batch(client, people, decide):
    _, tokens = people
    decide()
    headers = {**tokens["a"], "Idempotency-Key": "batch-dr-1"}
    first = client.post("/api/v1/payment-batches", json={"province": "DR"}, headers=headers)
    replay = client.post("/api/v1/payment-batches", json={"province": "DR"}, headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json["id"] == first.json["id"]
    assert replay.headers["Idempotent-Replayed"] == "true"


def test_debtor_accounts_illustrative_in_development_required_in_production(monkeypatch):
    assert sorted(ILLUSTRATIVE_PROVINCE_ACCOUNTS) == sorted(
        ["GR", "FR", "DR", "OV", "FL", "GE", "UT", "NH", "ZH", "ZE", "NB", "LI"]
    )
    for account in ILLUSTRATIVE_PROVINCE_ACCOUNTS.values():
        assert iban.is_valid(account["iban"]) and account["illustrative"] is True
    assert account_problems(ILLUSTRATIVE_PROVINCE_ACCOUNTS) == []
    assert any(
        "illustrative" in p
        for p in account_problems(ILLUSTRATIVE_PROVINCE_ACCOUNTS, production=True)
    )

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://x@127.0.0.1/x")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setenv("ALLOW_TEST_PAYMENTS", "true")
    monkeypatch.setenv("LETTER_SENDER_JSON", '{"name": "BIJ12"}')
    monkeypatch.setenv("LETTER_PROVINCES_JSON", LETTER_PROVINCES_JSON)
    for name, value in signing_env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PROVINCE_ACCOUNTS_JSON", raising=False)
    with pytest.raises(RuntimeError, match="PROVINCE_ACCOUNTS_JSON"):
        ProductionConfig.check()
    monkeypatch.setenv("PROVINCE_ACCOUNTS_JSON", '{"DR": {"name": "Provincie Drenthe"')
    with pytest.raises(RuntimeError, match="not JSON"):
        ProductionConfig.check()
    real = {
        code: {"name": f"Provincie {code}", "iban": "NL91ABNA0417164300", "bic": "ABNANL2A"}
        for code in ILLUSTRATIVE_PROVINCE_ACCOUNTS
    }
    real["DR"]["iban"] = "NL91ABNA0417164301"
    import json

    monkeypatch.setenv("PROVINCE_ACCOUNTS_JSON", json.dumps(real))
    with pytest.raises(RuntimeError, match="DR: iban is not a valid IBAN"):
        ProductionConfig.check()
    real["DR"]["iban"] = "NL91ABNA0417164300"
    monkeypatch.setenv("PROVINCE_ACCOUNTS_JSON", json.dumps(real))
    ProductionConfig.check()


def test_a_batch_never_outgrows_its_total_column_the_rest_waits(client, session, people, decide):
    """Each payout fits Numeric(12, 2); three near the top do not fit one batch together."""
    _, tokens = people
    claims = [decide() for _ in range(3)]
    for claim in claims:
        decision = _decision(session, claim)
        decision.payout, decision.leges_refund = Decimal("4000000000.00"), Decimal("0.00")
    session.flush()
    first = _build(client, tokens)
    assert first.status_code == 201, first.json
    assert Decimal(first.json["total"]) == Decimal("8000000000.00")
    second = _build(client, tokens)
    assert second.status_code == 201, second.json
    assert Decimal(second.json["total"]) == Decimal("4000000000.00")


def _clone_claims(session, claim: Claim, n: int) -> list[int]:
    """`n` copies of the claim (references KLOON-1 … KLOON-n), in one INSERT … SELECT."""
    table = Claim.__table__
    numbers = select(literal(1).label("i")).cte("numbers", recursive=True)
    numbers = numbers.union_all(select(numbers.c.i + 1).where(numbers.c.i < n))
    names = [column.name for column in table.columns if column.name != "id"]
    reference = (literal("KLOON-") + cast(numbers.c.i, String)).label("reference")
    values = [reference if name == "reference" else table.c[name] for name in names]
    source = select(*values).select_from(table).join(numbers, true()).where(table.c.id == claim.id)
    session.execute(insert(table).from_select(names, source))
    return list(session.scalars(select(Claim.id).where(Claim.reference.like("KLOON-%"))))


def _batch_row_updates(session) -> int:
    """Updates of payment_batches rows so far in this transaction (PostgreSQL statistics)."""
    return session.scalar(
        text("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'payment_batches'")
    )


def test_a_batch_of_5000_items_updates_its_total_once_per_statement(session, people, decide):
    """Items written in one statement move the total once, whatever their number (it was once
    per item, re-summing the batch each time); one statement removing or changing many items
    likewise; the total always equals the items."""
    users, _ = people
    claim = decide()
    decision = _decision(session, claim)
    batch = PaymentBatch(province=claim.province, built_by=users["a"].id)
    session.add(batch)
    session.flush()
    postgres = session.get_bind().dialect.name == "postgresql"
    # SQLite's check still re-sums the batch for every item (row-level triggers only): fewer.
    n = 5000 if postgres else 500
    ids = _clone_claims(session, claim, n)
    session.execute(
        text(
            "INSERT INTO payment_batch_claims (batch_id, claim_id, decision_id, live_claim_id) "
            "SELECT :batch, id, :decision, id FROM claims WHERE reference LIKE 'KLOON-%'"
        ),
        {"batch": batch.id, "decision": decision.id},
    )
    before = _batch_row_updates(session) if postgres else 0
    session.execute(
        text(
            "INSERT INTO payment_batch_items (batch_id, decision_id, claim_id, kind, amount, "
            "end_to_end_id, creditor_name, creditor_iban, remittance) "
            "SELECT :batch, :decision, id, 'payout', 1.25, 'FS-K' || id, 'Boer', "
            "'NL91ABNA0417164300', 'kloon' FROM claims WHERE reference LIKE 'KLOON-%'"
        ),
        {"batch": batch.id, "decision": decision.id},
    )
    assert len(ids) == n
    assert _total(session, batch.id) == _items_sum(session, batch.id) == Decimal("1.25") * n
    if postgres:
        assert _batch_row_updates(session) - before == 1

    session.execute(
        text("DELETE FROM payment_batch_items WHERE batch_id = :b AND claim_id <= :c"),
        {"b": batch.id, "c": sorted(ids)[n // 2 - 1]},
    )
    assert _total(session, batch.id) == _items_sum(session, batch.id) == Decimal("1.25") * n / 2
    session.execute(
        text("UPDATE payment_batch_items SET amount = amount * 2 WHERE batch_id = :b"),
        {"b": batch.id},
    )
    assert _total(session, batch.id) == _items_sum(session, batch.id) == Decimal("1.25") * n
    if postgres:
        assert _batch_row_updates(session) - before == 3

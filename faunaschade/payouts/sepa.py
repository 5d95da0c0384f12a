"""SEPA credit transfers: the provinces' debtor accounts and pain.001.001.03 files (sepaxml).

Plain values in, bytes out; no Flask and no database here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sepaxml import SepaTransfer
from stdnum import bic as stdnum_bic
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError

from faunaschade.provinces import PROVINCE_CODES

SCHEMA = "pain.001.001.03"
#: SEPA limits: end-to-end id and message id 35, remittance (Ustrd) 140, names 70 characters.
MAX_ID, MAX_REMITTANCE, MAX_NAME = 35, 140, 70
#: Bank code of the illustrative development accounts (config.py); no bank has it.
ILLUSTRATIVE_BANK = "FAUN"
KIND_CODES = {"payout": "UIT", "leges_refund": "LEG", "dwangsom": "DWS"}
REMITTANCE_TEXT = {
    "payout": "Tegemoetkoming faunaschade, besluit {kenmerk}",
    "leges_refund": "Terugbetaling leges, besluit {kenmerk}",
    "dwangsom": "Dwangsom niet tijdig beslissen (Awb 4:17), beschikking {kenmerk}",
}


@dataclass(frozen=True)
class Account:
    """A province's account that the transfers are paid from."""

    name: str
    iban: str
    bic: str
    illustrative: bool = False


@dataclass(frozen=True)
class Transfer:
    """One credit transfer to a farmer."""

    end_to_end_id: str
    amount: Decimal
    creditor_name: str
    creditor_iban: str
    remittance: str


def end_to_end_id(batch_id: int, decision_id: int, kind: str) -> str:
    """Unique per transfer and traceable: batch, decision and kind, e.g. FS-B12-D345-UIT."""
    value = f"FS-B{batch_id}-D{decision_id}-{KIND_CODES[kind]}"
    if len(value) > MAX_ID:
        raise ValueError(f"end-to-end id longer than {MAX_ID} characters: {value}")
    return value


def remittance(kind: str, kenmerk: str) -> str:
    """The Ustrd text: what is paid and the decision's kenmerk."""
    return REMITTANCE_TEXT[kind].format(kenmerk=kenmerk)[:MAX_REMITTANCE]


def _entry_problems(code: str, entry: Any, production: bool) -> list[str]:
    if not isinstance(entry, Mapping):
        return [f"{code}: expected an object with name, iban and bic"]
    problems = []
    name = str(entry.get("name") or "").strip()
    if not name or len(name) > MAX_NAME:
        problems.append(f"{code}: name must have 1 to {MAX_NAME} characters")
    try:
        account = stdnum_iban.validate(str(entry.get("iban") or ""))
    except StdnumError:
        problems.append(f"{code}: iban is not a valid IBAN")
        account = ""
    try:
        stdnum_bic.validate(str(entry.get("bic") or ""))
    except StdnumError:
        problems.append(f"{code}: bic is not a valid BIC")
    if production and (entry.get("illustrative") or account[4:8] == ILLUSTRATIVE_BANK):
        problems.append(f"{code}: an illustrative account cannot pay anyone")
    return problems


def account_problems(accounts: Any, *, production: bool = False) -> list[str]:
    """What is wrong with the PROVINCE_ACCOUNTS setting; production needs all twelve."""
    if not isinstance(accounts, Mapping):
        return ["expected a JSON object of province code → account"]
    problems = [f"{code}: not a province code" for code in accounts if code not in PROVINCE_CODES]
    if production and (absent := [c for c in PROVINCE_CODES if c not in accounts]):
        problems.append("no account for " + ", ".join(absent))
    for code, entry in accounts.items():
        if code in PROVINCE_CODES:
            problems += _entry_problems(code, entry, production)
    return problems


def account_for(accounts: Mapping[str, Any], province: str) -> Account | None:
    """The province's account from the setting, or None when it is missing or invalid."""
    entry = accounts.get(province)
    if entry is None or _entry_problems(province, entry, production=False):
        return None
    return Account(
        name=str(entry["name"]).strip(),
        iban=stdnum_iban.compact(entry["iban"]),
        bic=stdnum_bic.compact(entry["bic"]),
        illustrative=bool(entry.get("illustrative")),
    )


class _FixedIdTransfer(SepaTransfer):
    """sepaxml's transfer with our message id instead of a random one."""

    def __init__(self, config: dict[str, Any], message_id: str) -> None:
        self._message_id = message_id
        super().__init__(config, schema=SCHEMA)

    def _create_header(self) -> None:
        self.msg_id = self._message_id
        super()._create_header()


def cents(amount: Decimal) -> int:
    """Euros as whole cents (sepaxml wants integers)."""
    return int(amount.quantize(Decimal("0.01")) * 100)


def pain001(
    debtor: Account, transfers: Iterable[Transfer], message_id: str, execution_date: date
) -> bytes:
    """A pain.001.001.03 credit-transfer file, validated against the XSD by sepaxml."""
    if len(message_id) > MAX_ID:
        raise ValueError(f"message id longer than {MAX_ID} characters: {message_id}")
    config = {
        "name": debtor.name,
        "IBAN": debtor.iban,
        "BIC": debtor.bic,
        "batch": True,
        "currency": "EUR",
    }
    document = _FixedIdTransfer(config, message_id)
    for transfer in transfers:
        document.add_payment(
            {
                "name": transfer.creditor_name,
                "IBAN": transfer.creditor_iban,
                "amount": cents(transfer.amount),
                "execution_date": execution_date,
                "description": transfer.remittance,
                "endtoend_id": transfer.end_to_end_id,
            }
        )
    return document.export(validate=True)

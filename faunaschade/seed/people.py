"""Demo staff (two officers per province, assessors) and the farmers whose claims are seeded."""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import Connection, select
from stdnum import iban as stdnum_iban

from faunaschade.audit import chain as audit
from faunaschade.extensions import db
from faunaschade.models import FarmerProfile, Parcel, Role, Tenure, User, UserProvince
from faunaschade.models.base import utcnow
from faunaschade.passwords import hash_password
from faunaschade.provinces import PROVINCE_CODES, PROVINCES
from faunaschade.seed import profile
from faunaschade.seed.writer import Ids

BUREAUS = ("Taxatiebureau Noord", "Agrarisch Taxatiebureau Midden", "Taxatiebureau Zuid-West")
BANKS = ("RABO", "ABNA", "INGB", "SNSB", "TRIO")
FIELD_NAMES = (
    "Achter de schuur",
    "Dijkland",
    "Polderstuk",
    "Weide bij de vaart",
    "Hooiland",
    "Kavel",
    "Oude maat",
    "Nieuwe kamp",
    "Zuiderveld",
    "Buitendijks",
)


@dataclass
class Staff:
    """Who does the officer's and assessor's work in the seeded history."""

    officers: dict[str, list[int]]  #: Province → officer ids (at least two, for four eyes).
    assessors: list[int]


def _staff_user(
    email: str, role: Role, name: str, password_hash: str, provinces=(), bureau=None
) -> int:
    """A staff login (like accounts.users.create_user, with one shared demo hash: fast)."""
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        return existing.id
    user = User(
        email=email,
        password_hash=password_hash,
        role=role,
        name=name,
        bureau=bureau,
        province_scopes=[UserProvince(province=code) for code in provinces],
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, data={"role": role.value, "provinces": user.provinces})
    return user.id


def ensure_staff(password: str) -> Staff:
    """Two officers per province and three assessors, created once; the demo pair joins in."""
    password_hash = hash_password(password)
    officers: dict[str, list[int]] = defaultdict(list)
    for code in PROVINCE_CODES:
        for n in (1, 2):
            email = f"behandelaar-{code.lower()}-{n}@demo.faunaschade.nl"
            name = f"Behandelaar {PROVINCES[code]} {n}"
            officers[code].append(
                _staff_user(email, Role.OFFICER, name, password_hash, provinces=(code,))
            )
    for user in db.session.scalars(select(User).where(User.role == Role.OFFICER).order_by(User.id)):
        if user.email.startswith("behandelaar-") and "@demo." in user.email:
            for code in user.provinces:
                if user.id not in officers[code]:
                    officers[code].append(user.id)
    assessors = [
        _staff_user(
            f"taxateur-{n}@demo.faunaschade.nl",
            Role.ASSESSOR,
            f"Taxateur {n}",
            password_hash,
            bureau=bureau,
        )
        for n, bureau in enumerate(BUREAUS, start=1)
    ]
    demo = db.session.scalar(select(User.id).where(User.email == "taxateur@demo.faunaschade.nl"))
    return Staff(dict(officers), assessors + ([demo] if demo else []))


def _iban(rng: random.Random) -> str:
    bank = rng.choice(BANKS)
    account = f"{rng.randrange(10**10):010d}"
    check = stdnum_iban.calc_check_digits(f"NL00{bank}{account}")
    return f"NL{check}{bank}{account}"


@dataclass
class Farmer:
    """A seeded farmer with the parcels made for their claims so far."""

    user_id: int
    profile_id: int
    province: str
    parcels: dict[str, list[tuple[int, Decimal]]] = field(default_factory=dict)


class Farmers:
    """Farmers per province; parcels are made the first time a claim needs that crop."""

    def __init__(
        self,
        rng: random.Random,
        session,
        rows: dict[str, list],
        sequences: Connection | None = None,
    ) -> None:
        self.rng, self.rows = rng, rows
        self.user_ids = Ids(session, User.__table__, sequences)
        self.profile_ids = Ids(session, FarmerProfile.__table__, sequences)
        self.parcel_ids = Ids(session, Parcel.__table__, sequences)
        self.by_province: dict[str, list[Farmer]] = defaultdict(list)
        self._profiles: dict[int, dict[str, str]] = {}
        # Nobody knows this password: seeded farmers cannot log in (the demo farmer can).
        self.password_hash = hash_password(secrets.token_urlsafe(24))

    def create(self, count: int) -> None:
        """`count` farmers spread over the provinces like the claims."""
        codes = list(profile.PROVINCE_WEIGHTS)
        weights = list(profile.PROVINCE_WEIGHTS.values())
        now = utcnow()
        for _ in range(count):
            self._farmer(self.rng.choices(codes, weights)[0], now)
        for code in PROVINCE_CODES:  # every province needs someone to file its claims
            if not self.by_province[code]:
                self._farmer(code, now)

    def _farmer(self, province: str, now) -> None:
        rng = self.rng
        user_id, profile_id = self.user_ids(), self.profile_ids()
        name = f"{rng.choice(profile.FARM_KINDS)} {rng.choice(profile.SURNAMES)}"
        (low, high), towns = profile.PLACES[province]
        letters = "".join(rng.choice("ABCDEGHJKLMNPRSTVXZ") for _ in range(2))
        self.rows["users"].append(
            {
                "id": user_id,
                "email": f"boer-{user_id}@demo.faunaschade.nl",
                "password_hash": self.password_hash,
                "role": Role.FARMER,
                "name": name,
                "all_provinces": False,
                "active": True,
                "locale": "nl",
                "created_at": now,
            }
        )
        self.rows["farmer_profiles"].append(
            {
                "id": profile_id,
                "user_id": user_id,
                "name": name,
                "kvk": f"{(profile_id * 7919) % 10**8:08d}",
                "iban": _iban(rng),
                "address": f"{rng.choice(('Dijkweg', 'Polderweg', 'Hoofdweg', 'Kanaalweg'))} "
                f"{rng.randint(1, 180)}",
                "postcode": f"{rng.randint(low, high)}{rng.randint(0, 99):02d} {letters}",
                "city": rng.choice(towns),
                "created_at": now,
            }
        )
        self.by_province[province].append(Farmer(user_id, profile_id, province))
        row = self.rows["farmer_profiles"][-1]
        self._profiles[profile_id] = {"name": row["name"], "iban": row["iban"]}

    def profile(self, profile_id: int) -> dict[str, str]:
        """Name and IBAN of a seeded farmer (for the payment batches)."""
        return self._profiles[profile_id]

    def pick(self, province: str) -> Farmer:
        """A farmer of the province; some farms claim often (the first tenth files a fifth)."""
        pool = self.by_province[province]
        return pool[int(len(pool) * self.rng.random() ** 1.5)]

    def parcels_for(self, farmer: Farmer, crop: str, needed: int, now) -> list[tuple[int, Decimal]]:
        """`needed` parcels of the farmer with this crop, made when the farm has too few."""
        owned = farmer.parcels.setdefault(crop, [])
        low, high = profile.CROPS[crop].parcel_ha if crop in profile.CROPS else (1, 10)
        while len(owned) < needed:
            parcel_id = self.parcel_ids()
            area = Decimal(f"{self.rng.uniform(low, high):.4f}")
            self.rows["parcels"].append(
                {
                    "id": parcel_id,
                    "farmer_id": farmer.profile_id,
                    "name": f"{self.rng.choice(FIELD_NAMES)} {len(owned) + 1}",
                    "area_ha": area,
                    "crop": crop,
                    "province": farmer.province,
                    "tenure": Tenure.OWN if self.rng.random() < 0.7 else Tenure.LEASE,
                    "geometry": None,
                    "created_at": now,
                }
            )
            owned.append((parcel_id, area))
        return self.rng.sample(owned, needed)

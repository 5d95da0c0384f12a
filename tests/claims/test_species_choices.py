"""The claim form offers the species in groups, geese first, the commonest first in each group."""

import re

from faunaschade.rules.catalogue import SPECIES
from faunaschade.vocabulary import SPECIES_GROUPS
from tests.support.app import DEMO_PASSWORD, csrf_token_from


def test_every_crop_species_is_in_exactly_one_group():
    listed = [code for _, codes in SPECIES_GROUPS for code in codes]
    crop_species = [code for code, s in SPECIES.items() if s.kind == "crop"]
    assert sorted(listed) == sorted(crop_species)  # each once, none missing, no wolf


def test_the_claim_form_lists_geese_then_other_birds_then_mammals(client, farmer):
    page = client.get("/login")
    client.post(
        "/login",
        data={
            "email": farmer.email,
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_token_from(page.get_data(as_text=True)),
        },
    )
    html = client.get("/aanvragen/nieuw").get_data(as_text=True)

    groups = re.findall(r'<legend class="species-group-name">([^<]+)</legend>', html)
    assert groups == ["Ganzen", "Andere vogels", "Zoogdieren"]
    boxes = re.findall(r'name="species" value="([a-z_]+)"', html)
    assert boxes == [code for _, codes in SPECIES_GROUPS for code in codes]
    # The commonest first (DOMAIN §8.4), not the alphabet: grauwe gans before brandgans,
    # houtduif heading the other birds, wild zwijn the mammals.
    assert boxes[:3] == ["grauwe_gans", "brandgans", "kolgans"]
    assert boxes.index("houtduif") < boxes.index("ekster")
    assert boxes.index("wild_zwijn") < boxes.index("aardmuis")
    assert "wolf" not in boxes

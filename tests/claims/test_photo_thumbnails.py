"""Thumbnails of the farmer's photos on the claim page, served as the download is: in scope only."""

import io
import re

import pytest
from PIL import Image

from faunaschade.models import Attachment, AttachmentKind
from faunaschade.storage import store_bytes
from tests.support.app import web_client
from tests.support.farmers import PASSWORD, claim_body, parcel_body, register_and_login

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
#: EXIF orientation 6: the camera was turned; shown upright the photo is portrait.
ROTATED = 6


def photo(width: int = 1200, height: int = 600, orientation: int | None = None) -> bytes:
    """A JPEG as a phone makes it: large, with EXIF (orientation, a GPS position)."""
    image = Image.new("RGB", (width, height), (40, 120, 30))
    exif = Image.Exif()
    exif[0x010F] = "Telefoon"  # Make
    exif[0x8825] = {2: (53.0, 2.0, 0.0), 4: (5.0, 48.0, 0.0)}  # GPS position
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture
def uploaded(client, session):
    """A submitted Fryslân claim with a photo and a PDF the farmer uploaded."""
    farmer = register_and_login(client)
    parcel = client.post("/api/v1/parcels", json=parcel_body(), headers=farmer).json
    claim = client.post("/api/v1/claims", json=claim_body(parcel["id"]), headers=farmer).json
    files = {}
    for name, data in (("Schade bij de sloot.jpg", photo(orientation=ROTATED)), ("kaart.pdf", PDF)):
        response = client.post(
            f"/api/v1/claims/{claim['id']}/attachments",
            headers=farmer,
            data={"file": (io.BytesIO(data), name)},
        )
        assert response.status_code == 201, response.json
        files[name] = response.json["id"]
    client.post(f"/api/v1/claims/{claim['id']}/submit", json={}, headers=farmer)
    claim_id = claim["id"]
    return {
        "claim": claim_id,
        "photo": f"/aanvragen/{claim_id}/bijlagen/{files['Schade bij de sloot.jpg']}/miniatuur",
        "pdf": f"/aanvragen/{claim_id}/bijlagen/{files['kaart.pdf']}/miniatuur",
    }


def test_the_officer_sees_a_thumbnail_of_the_photo(app, uploaded, make_user):
    officer = web_client(app, make_user("officer", provinces=("FR",)).email)
    html = officer.get(f"/aanvragen/{uploaded['claim']}").get_data(as_text=True)

    images = re.findall(r"<img [^>]*>", html)
    assert len(images) == 1  # the photo; the PDF stays a link
    img = images[0]
    assert f'src="{uploaded["photo"]}"' in img
    assert 'alt="Foto Schade bij de sloot.jpg"' in img
    assert 'loading="lazy"' in img and 'width="160"' in img and 'height="160"' in img
    assert ">kaart.pdf</a>" in html

    response = officer.get(uploaded["photo"])
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["Cache-Control"] == "private, no-cache"
    thumb = Image.open(io.BytesIO(response.data))
    assert thumb.size == (160, 320)  # 1200 × 600 turned upright, at most 320 px
    assert not thumb.getexif()  # no GPS position, no camera: nothing of the original's metadata

    # Unchanged: the browser's copy is still good, nothing is read or drawn again.
    again = officer.get(uploaded["photo"], headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data

    # Only photos have thumbnails.
    assert officer.get(uploaded["pdf"]).status_code == 404


def test_the_thumbnail_is_refused_outside_the_claims_scope(app, client, uploaded, make_user):
    outsiders = [
        web_client(app, make_user("officer", provinces=("NH", "UT")).email),
        web_client(app, make_user("auditor", provinces=("GE",)).email),
        web_client(app, make_user("assessor").email),  # no assessment of this claim
    ]
    register_and_login(client, email="buurman@boerderij.nl", kvk="76543210")
    outsiders.append(web_client(app, "buurman@boerderij.nl", PASSWORD))
    for outsider in outsiders:
        assert outsider.get(uploaded["photo"]).status_code == 404
    # And the farmer who uploaded it sees it.
    assert web_client(app, "jan@boerderij.nl", PASSWORD).get(uploaded["photo"]).status_code == 200
    # Not logged in: to the login page, no picture.
    anonymous = app.test_client().get(uploaded["photo"])
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_the_assessor_of_the_claim_sees_the_thumbnail(app, claim_in, farmer, assessor, session):
    claim = claim_in("assessed")
    stored = store_bytes(photo(800, 800), "image/jpeg")
    attachment = Attachment(
        claim_id=claim.id,
        kind=AttachmentKind.PHOTO,
        filename="ganzen.jpg",
        content_type="image/jpeg",
        file_id=stored.id,
        uploaded_by=farmer.id,
    )
    session.add(attachment)
    session.flush()
    url = f"/aanvragen/{claim.id}/bijlagen/{attachment.id}/miniatuur"

    taxateur = web_client(app, assessor.email)
    html = taxateur.get(f"/aanvragen/{claim.id}").get_data(as_text=True)
    assert f'src="{url}"' in html and 'alt="Foto ganzen.jpg"' in html
    response = taxateur.get(url)
    assert response.status_code == 200
    assert Image.open(io.BytesIO(response.data)).size == (320, 320)

"""One error envelope for the API, HTML pages for browsers."""


def test_unknown_api_path_answers_the_json_envelope(client):
    response = client.get("/api/v1/does-not-exist")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_validation_error_names_the_field(client):
    response = client.post("/api/v1/auth/token", json={"email": "not-an-email"})
    assert response.status_code == 422
    error = response.json["error"]
    assert error["code"] == "validation_error"
    assert "email" in error["fields"] and "password" in error["fields"]
    assert "email" in error["message"]


def test_browser_gets_an_html_error_page(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert b"<h1>" in response.data and b"Pagina niet gevonden" in response.data


def test_security_headers_on_every_answer(client):
    response = client.get("/login")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"

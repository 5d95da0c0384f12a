"""GET /healthz reports the database, Redis and the queue."""


def test_healthz_reports_database_and_redis(client, redis_conn):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["database"]["jobs_pending"] == 0
    assert body["queue"] == {
        "ok": True,
        "mode": "rq",
        "queues": {"high": 0, "letters": 0, "default": 0, "checks": 0},
    }


def test_healthz_is_503_when_redis_is_down(other_app):
    app = other_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["queue"]["ok"] is False
    assert response.json["database"]["ok"] is True


def test_healthz_without_redis_runs_jobs_in_process(other_app):
    app = other_app(REDIS_URL=None, JOBS_IN_PROCESS=True)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.json["queue"]["mode"].startswith("in-process")

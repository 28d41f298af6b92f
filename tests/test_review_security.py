"""The review server's security: sessions or tokens on every route, CSRF on posts, hashed tokens, no path from a client
ever reaching the filesystem (traversal, encoded slashes, absolute paths, links planted in the output folder)."""

import hashlib
import os
import re
import sqlite3

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from extract.cli import app as cli
from extract.review.app import create_app

PUBLIC = {("GET", "/login"), ("POST", "/login")}


@pytest.fixture
def server(review_out):
    app = create_app(review_out)
    store = app.state.review.store
    tokens = {"alice": store.add_user("alice", "reviewer"), "root": store.add_user("root", "admin")}
    return app, TestClient(app), tokens


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def login(client: TestClient, token: str) -> str:
    """Log in through the form; returns the session's CSRF token (read from a page, as a browser would)."""
    page = client.get("/login")
    nonce = re.search(r'name="login_csrf" value="([^"]+)"', page.text).group(1)
    assert client.post("/login", data={"token": token, "login_csrf": nonce}, follow_redirects=False).status_code == 303
    home = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)


def concrete_paths(app) -> list[tuple[str, str]]:
    review = app.state.review
    item = review.index.of_kind("sentence")[0]
    values = {"item_id": item.item_id, "doc_id": item.doc_id, "page": "1", "kind": "sentence", "name": "review.js"}
    routes = []
    for route in app.routes:
        if isinstance(route, APIRoute):
            path = re.sub(r"{(\w+)}", lambda m: values[m.group(1)], route.path)
            routes += [(method, path) for method in sorted(route.methods) if (method, route.path) not in PUBLIC]
    return routes


def test_every_route_needs_a_session_or_token(server):
    app, client, tokens = server
    routes = concrete_paths(app)
    assert len(routes) >= 15
    for method, path in routes:
        for headers in ({}, bearer("not-a-token"), {"Cookie": "bl_session=forged"}):
            response = client.request(method, path, headers=headers, follow_redirects=False)
            assert response.status_code in (401, 403), (method, path, headers, response.status_code)
    for method, path in routes:  # the same GETs with a token do answer, so the check above can fail
        if method == "GET" and path != "/admin":
            assert client.get(path, headers=bearer(tokens["alice"])).status_code == 200, path


def test_admin_pages_need_the_admin_role(server):
    _, client, tokens = server
    assert client.get("/admin", headers=bearer(tokens["alice"])).status_code == 403
    assert client.get("/admin", headers=bearer(tokens["root"])).status_code == 200


def test_traversal_never_serves_a_file_outside_the_dataset(server, review_out):
    app, client, tokens = server
    doc_id = next(iter(app.state.review.folder.documents))
    secret = review_out / "secret.txt"
    secret.write_text("root:x:0:0 SECRET", encoding="utf-8")
    attempts = [
        "/static/..%2f..%2fcli.py",
        "/static/%2e%2e/app.py",
        "/static/..%2Fstore.py",
        "/static//etc/passwd",
        "/static/%2Fetc%2Fpasswd",
        f"/pages/{doc_id}/..%2f..%2fsecret.txt",
        "/pages/..%2f..%2fsecret.txt/1.png",
        "/pages/%2Fetc%2Fpasswd/1.png",
        f"/pages/{doc_id}/0.png",
        f"/pages/{doc_id}/999.png",
        f"/pages/{doc_id}/-1.png",
        "/pages/../../etc/passwd/1.png",
        f"/pages/{doc_id[:12]}/1.png",
        "/static/../../../../etc/passwd",
        "/items/..%2f..%2fsecret.txt",
        "/api/items/%2Fetc%2Fpasswd/events",
    ]
    for path in attempts:
        response = client.get(path, headers=bearer(tokens["alice"]))
        assert response.status_code in (404, 422), (path, response.status_code)
        assert b"SECRET" not in response.content and b"root:x" not in response.content


def test_links_planted_in_the_output_folder_are_not_followed(server, review_out):
    app, client, tokens = server
    doc_id = next(iter(app.state.review.folder.documents))
    secret = review_out.parent / "secret.txt"
    secret.write_text("SECRET", encoding="utf-8")
    cache = review_out / "review" / "pages"
    cache.mkdir(parents=True, exist_ok=True)
    os.symlink(secret, cache / f"{doc_id}-1.png")
    os.symlink(secret, review_out / "docs" / "f00d.json")
    response = client.get(f"/pages/{doc_id}/1.png", headers=bearer(tokens["alice"]))
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG") and b"SECRET" not in response.content
    assert not (cache / f"{doc_id}-1.png").is_symlink()
    assert client.get("/pages/f00d/1.png", headers=bearer(tokens["alice"])).status_code == 404


def test_tokens_are_stored_only_as_hashes(server, review_out):
    _, _, tokens = server
    raw = b"".join(p.read_bytes() for p in review_out.glob("review.sqlite*"))
    with sqlite3.connect(review_out / "review.sqlite") as db:
        stored = dict(db.execute("SELECT name, token_hash FROM users"))
    for name, token in tokens.items():
        assert token.encode() not in raw
        assert stored[name] == hashlib.sha256(token.encode()).hexdigest()


def test_add_user_prints_the_token_last(review_out):
    result = CliRunner().invoke(cli, ["review", "add-user", str(review_out), "bob", "--role", "admin"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    client = TestClient(create_app(review_out))
    assert client.get("/api/me", headers=bearer(token)).json() == {"user": "bob", "role": "admin"}
    assert CliRunner().invoke(cli, ["review", "add-user", str(review_out), "eve", "--role", "root"]).exit_code == 2


def test_csrf_is_enforced_on_form_and_cookie_api_posts(server):
    app, client, tokens = server
    item = app.state.review.index.of_kind("sentence")[0]
    form = {"action": "skip", "base_version": "0", "payload": "{}"}
    nonce = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/login").text).group(1)
    assert client.post("/login", data={"token": tokens["alice"]}, follow_redirects=False).status_code == 403
    assert (
        client.post("/login", data={"token": tokens["alice"], "login_csrf": "guess"}, follow_redirects=False).status_code == 403
    )
    assert client.post("/login", data={"token": "wrong", "login_csrf": nonce}, follow_redirects=False).status_code == 401
    csrf = login(client, tokens["alice"])
    decide = f"/items/{item.item_id}/decide"
    assert client.post(decide, data=form, follow_redirects=False).status_code == 403
    assert client.post(decide, data={**form, "csrf_token": "guess"}, follow_redirects=False).status_code == 403
    assert client.post(decide, data={**form, "csrf_token": csrf}, follow_redirects=False).status_code == 303
    api = f"/api/items/{item.item_id}/decision"
    body = {"action": "skip", "base_version": 0}
    assert client.post(api, json=body).status_code == 403
    assert client.post(api, json=body, headers={"X-CSRF-Token": csrf}).status_code == 200
    assert client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert client.get("/").status_code == 401


def test_pages_carry_a_strict_content_security_policy(server):
    _, client, tokens = server
    response = client.get("/", headers=bearer(tokens["alice"]))
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "<script>" not in response.text  # no inline script: everything is in /static

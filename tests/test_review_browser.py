"""The review app in a real browser (Debian's chromium through Playwright): log in, work the sentence queue by
keyboard only, give a finding a verdict, reload, and two reviewers racing on one item. Screenshots of each main
screen go to docs/review/ for docs/review.md."""

import re
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT
from extract.review.app import create_app

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "docs" / "review"
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install -y chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": ["--no-sandbox"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 900}}


class Live:
    """The review server on a free local port, with two reviewers."""

    def __init__(self, out_dir: Path) -> None:
        import uvicorn

        self.app = create_app(out_dir)
        store = self.app.state.review.store
        self.tokens = {"alice": store.add_user("alice", "reviewer"), "bob": store.add_user("bob", "reviewer")}
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started and time.monotonic() < deadline:
            time.sleep(0.05)

    def api(self, path: str, user: str = "alice"):
        return httpx.get(self.url + path, headers={"Authorization": f"Bearer {self.tokens[user]}"}).json()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="module")
def live(review_dataset, tmp_path_factory):
    server = Live(Path(shutil.copytree(review_dataset, tmp_path_factory.mktemp("browser") / "out")))
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield server
    server.stop()


def log_in(page, live: Live, user: str = "alice") -> None:
    page.goto(live.url + "/review/sentence")
    assert page.locator("#token").is_visible()  # 401 answers with the login form
    page.fill("#token", live.tokens[user])
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".who").inner_text().startswith(user)


def press(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def test_keyboard_sentence_queue_with_undo(live, page):
    page.goto(live.url + "/login")
    page.screenshot(path=SHOTS / "login.png")
    log_in(page, live)
    page.screenshot(path=SHOTS / "home.png")
    page.goto(live.url + "/review/sentence")
    first = page.locator("#item").get_attribute("data-item-id")
    page.keyboard.press("?")
    assert page.locator("#help").is_visible()
    page.screenshot(path=SHOTS / "keys.png")
    page.keyboard.press("Escape")
    assert page.locator("#help").is_hidden()
    page.screenshot(path=SHOTS / "sentence.png")
    press(page, "a")  # accept as suggested

    second = page.locator("#item").get_attribute("data-item-id")
    assert second != first
    page.keyboard.press("n")  # into the note field: keys type, they do not act
    page.keyboard.type("a sure case")
    assert page.locator("#note").input_value() == "a sure case"
    assert page.locator("#item").get_attribute("data-item-id") == second
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")  # select the first span and give it another label
    old = page.locator("#spans li.picked").get_attribute("data-label")
    new, key = ("AMOUNT", "1") if old == "SUBJECT" else ("SUBJECT", "6")
    page.keyboard.press(key)
    assert page.locator("#spans li.picked").get_attribute("data-label") == new
    press(page, "a")

    state = live.api(f"/api/items/{first}")
    assert (state["status"], state["reviewed_by"], state["state"]["action"]) == ("accepted", "alice", "accept")
    state = live.api(f"/api/items/{second}")
    assert (state["status"], state["state"]["action"]) == ("corrected", "correct")
    assert state["state"]["payload"]["spans"][0]["label"] == new
    assert state["suggestion"]["spans"][0]["label"] == old
    assert live.api(f"/api/items/{second}/events")[-1]["note"] == "a sure case"

    press(page, "u")  # undo the correction: back on that item, open again
    assert page.locator("#item").get_attribute("data-item-id") == second
    assert page.locator("#status").inner_text() == "open by alice"
    events = live.api(f"/api/items/{second}/events")
    assert [e["action"] for e in events] == ["correct", "undo"] and events[1]["undoes"] == events[0]["seq"]
    assert live.api(f"/api/items/{second}")["status"] == "open"

    page.reload()  # everything persisted
    assert page.locator("#status").inner_text() == "open by alice"
    page.goto(f"{live.url}/items/{first}")
    assert page.locator("#status").inner_text() == "accepted by alice"


def test_finding_verdict_persists(live, page):
    log_in(page, live)
    page.goto(live.url + "/review/finding")
    finding = page.locator("#item").get_attribute("data-item-id")
    assert page.locator("#pages rect").count() >= 1
    page.keyboard.press("3")
    assert page.locator("#verdicts input[value=table_error]").is_checked()
    page.screenshot(path=SHOTS / "finding.png")
    press(page, "a")
    page.goto(f"{live.url}/items/{finding}")
    page.reload()
    assert page.locator("#status").inner_text() == "accepted by alice"
    assert page.locator("#verdicts input[value=table_error]").is_checked()
    assert live.api(f"/api/items/{finding}")["state"]["payload"]["verdict"] == "table_error"
    page.goto(f"{live.url}/review/cell")
    page.screenshot(path=SHOTS / "cell.png")


def test_re_linking_a_record_to_another_cell(live, browser):
    page = browser.new_page()
    log_in(page, live)
    records = [i for i in live.api("/api/queue?kind=record&limit=1000") if i["suggestion"]["link"]]
    record = next(i for i in records if len(live.api(f"/api/items/{i['item_id']}")["link_candidates"]) > 1)
    other = live.api(f"/api/items/{record['item_id']}")["link_candidates"][1]
    page.goto(f"{live.url}/items/{record['item_id']}")
    assert page.locator(".box-link").count() == 1 and other["name"] not in page.locator("#link-cell").inner_text()
    page.select_option("#link-choice", index=2)  # "no link", the linked cell, then the other candidates
    page.locator("#link-choice").blur()
    page.screenshot(path=SHOTS / "record.png")
    press(page, "a")
    state = live.api(f"/api/items/{record['item_id']}")
    assert state["status"] == "corrected" and state["link_cell"]["name"] == other["name"]
    assert {k: state["state"]["payload"]["link"][k] for k in ("table_id", "row", "col")} == {
        k: other[k] for k in ("table_id", "row", "col")
    }


def test_two_reviewers_on_one_item_see_the_conflict_and_lose_nothing(live, browser):
    alice, bob = browser.new_page(), browser.new_page()
    log_in(alice, live, "alice")
    log_in(bob, live, "bob")
    record = live.api("/api/queue?kind=record&limit=1")[0]["item_id"]
    alice.goto(f"{live.url}/items/{record}")
    bob.goto(f"{live.url}/items/{record}")
    press(alice, "a")
    bob.keyboard.press("e")
    bob.keyboard.press("Control+a")
    bob.keyboard.type("bob's subject")
    bob.keyboard.press("Escape")
    bob.keyboard.press("a")
    bob.wait_for_selector("#conflict")
    assert "accepted by alice" in bob.locator("#conflict").inner_text()
    assert "bob's subject" in bob.locator("#conflict").inner_text()
    bob.screenshot(path=SHOTS / "conflict.png")
    with bob.expect_navigation():
        bob.click("#apply-mine button")
    events = live.api(f"/api/items/{record}/events")
    assert [(e["user"], e["action"], e["version"]) for e in events] == [("alice", "accept", 1), ("bob", "correct", 2)]
    assert events[1]["after"]["payload"]["subject"] == "bob's subject"
    assert re.fullmatch(r"corrected by bob", live.api(f"/api/items/{record}", "bob")["status"] + " by bob")

"""Review state on a real 部门预算: the event log and the state rebuilt from it, optimistic concurrency, the queue,
boilerplate applied to all, corrections re-deriving findings, and export / import round trips."""

import json
import re
import threading

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from extract.cli import app as cli
from extract.review.app import create_app
from extract.review.exchange import import_reviewed
from extract.review.store import Conflict, Entry, Store


@pytest.fixture
def review(review_out):
    app = create_app(review_out)
    token = app.state.review.store.add_user("alice")
    client = TestClient(app, headers={"Authorization": f"Bearer {token}"})
    return app.state.review, client


def decide(client, item_id, action, base_version, **payload):
    return client.post(
        f"/api/items/{item_id}/decision", json={"action": action, "base_version": base_version, "payload": payload}
    )


def test_queue_is_least_confident_first_and_suggestions_are_not_reviews(review):
    r, client = review
    for kind in ("sentence", "record", "cell", "finding"):
        queue = client.get(f"/api/queue?kind={kind}&limit=500").json()
        assert queue, kind
        scores = [item["score"] for item in queue]
        assert scores == sorted(scores) and all(0 <= s <= 1 for s in scores)
        assert {"item_id", "kind", "doc_id", "page", "text", "suggestion", "score", "version"} <= set(queue[0])
    first = client.get("/api/queue?kind=sentence&limit=1").json()[0]
    assert decide(client, first["item_id"], "skip", 0).status_code == 200
    assert r.store.state(first["item_id"]).status == "open"  # a skip is not a review…
    assert re.findall(r"</a></td><td>(\d+)</td>", client.get("/fragments/progress").text) == ["0"] * 4
    ids = [i["item_id"] for i in client.get("/api/queue?kind=sentence&limit=500").json()]
    assert first["item_id"] not in ids  # …but it leaves the skipper's queue
    assert r.store.claim(ids[0], "bob")
    assert ids[0] not in [i["item_id"] for i in client.get("/api/queue?kind=sentence&limit=500").json()]


def test_stale_decisions_get_409_and_are_kept(review):
    r, client = review
    item = client.get("/api/queue?kind=record&limit=1").json()[0]
    ok = decide(client, item["item_id"], "correct", 0, subject="一般公共预算支出")
    assert ok.status_code == 200 and ok.json()["version"] == 1
    stale = decide(client, item["item_id"], "accept", 0)
    assert (
        stale.status_code == 409
        and stale.json()["version"] == 1
        and stale.json()["state"]["payload"]["subject"] == "一般公共预算支出"
    )
    assert [d["base_version"] for d in r.store.stale_decisions(item["item_id"])] == [0]
    assert decide(client, item["item_id"], "undo", 1).json()["version"] == 2
    assert r.store.state(item["item_id"]).status == "open"
    assert decide(client, item["item_id"], "correct", 2, nonsense=1).status_code == 422


def test_state_rebuilt_from_the_log_equals_the_live_state(review):
    r, client = review
    queue = client.get("/api/queue?kind=sentence&limit=6").json()
    for k, item in enumerate(queue):
        spans = item["suggestion"]["spans"][1:]
        decide(client, item["item_id"], ["accept", "correct", "reject"][k % 3], 0, spans=spans)
    decide(client, queue[0]["item_id"], "undo", 1)
    decide(client, queue[1]["item_id"], "undo", 1)
    decide(client, queue[1]["item_id"], "undo", 2)  # undoing an undo redoes
    live = r.store.states()
    r.store.rebuild_state()
    assert r.store.states() == live
    assert live[queue[0]["item_id"]].status == "open" and live[queue[1]["item_id"]].status == "corrected"
    assert len(r.store.events()) == 9


def test_concurrent_decisions_lose_and_duplicate_nothing(review_out):
    store = Store(review_out / "review.sqlite")
    items = [f"cell-{k}" for k in range(5)]
    accepted: list[tuple[str, int]] = []
    lock = threading.Lock()

    def reviewer(name: str) -> None:
        for k in range(20):
            item = items[k % len(items)]
            while True:
                version = store.state(item).version
                try:
                    after = {"action": "accept", "payload": {"by": name, "k": k}}
                    event = store.decide(Entry(item, "cell", "d", name, "accept", version, after))
                except Conflict:
                    continue
                with lock:
                    accepted.append((item, event["version"]))
                break

    threads = [threading.Thread(target=reviewer, args=(f"r{n}",)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    events = store.events()
    assert len(events) == len(accepted) == 120
    for item in items:
        assert sorted(v for i, v in accepted if i == item) == list(range(1, 25))
        assert store.state(item).version == 24


def test_request_ids_make_retries_count_once(review):
    r, client = review
    item = client.get("/api/queue?kind=cell&limit=1").json()[0]
    body = {"action": "accept", "base_version": 0, "request_id": "retry-1"}
    first = client.post(f"/api/items/{item['item_id']}/decision", json=body).json()
    again = client.post(f"/api/items/{item['item_id']}/decision", json=body).json()
    assert first == again and len(r.store.events(item["item_id"])) == 1


def test_apply_to_all_identical_sentences(review):
    r, client = review
    queue = client.get("/api/queue?kind=sentence&limit=500").json()
    group = next(i for i in queue if i["identical"] > 1)
    members = r.index.of_group(group["group"])
    assert len(members) == group["identical"] and sum(i["group"] == group["group"] for i in queue) == 1
    spans = [{"start": 0, "end": 4, "label": "REASON"}]
    assert decide(client, group["item_id"], "correct", 0, spans=spans, apply_to_all=True).status_code == 200
    for member in members:
        state = r.store.state(member.item_id)
        assert state.status == "corrected" and state.state["payload"]["spans"][0]["label"] == "REASON"
    assert not any(i["group"] == group["group"] for i in client.get("/api/queue?kind=sentence&limit=500").json())


def test_correcting_a_sentence_re_derives_its_findings(review, review_out):
    r, client = review
    findings = client.get("/api/queue?kind=finding&limit=10").json()
    finding = next(f for f in findings if f["suggestion"]["check_id"] == "N002.change_rate_recomputed")
    statement = next(e["text"] for e in finding["suggestion"]["evidence"] if e["role"] == "statement")
    sentence = next(i for i in r.index.of_kind("sentence") if i.text == statement and i.doc_id == finding["doc_id"])
    percent_free = [s for s in sentence.suggestion["spans"] if s["label"] != "PERCENT"]
    assert len(percent_free) < len(sentence.suggestion["spans"])
    assert decide(client, sentence.item_id, "correct", 0, spans=percent_free).status_code == 200
    assert r.reviser.wait_idle()
    revised = json.loads((review_out / "review" / "docs" / f"{finding['doc_id']}.json").read_text(encoding="utf-8"))
    assert not any(m["sentence_id"] == sentence.ref and m["label"] == "PERCENT" for m in revised["mentions"])
    current = r.reviser.current(finding["doc_id"])  # what the record screen's link candidates are drawn from
    assert len(current.mentions) == len(revised["mentions"])
    assert not any(m.sentence_id == sentence.ref and m.label == "PERCENT" for m in current.mentions)
    after = [f["item_id"] for f in client.get("/api/queue?kind=finding&limit=10").json()]
    assert finding["item_id"] not in after and len(after) == len(findings) - 1
    assert client.get(f"/api/items/{finding['item_id']}").status_code == 200  # its history stays reachable


def test_records_show_their_linked_cell_and_re_link(review, review_out, tmp_path):
    r, client = review
    records = client.get("/api/queue?kind=record&limit=1000").json()
    linked = [i for i in records if i["suggestion"]["link"] and i["suggestion"]["label"] == "AMOUNT"]
    assert linked and any(not i["suggestion"]["link"] for i in records)
    item = next(i for i in linked if len(client.get(f"/api/items/{i['item_id']}").json()["link_candidates"]) > 1)
    full = client.get(f"/api/items/{item['item_id']}").json()
    cell, link = full["link_cell"], item["suggestion"]["link"]
    assert (cell["table_id"], cell["row"], cell["col"]) == (link["table_id"], link["row"], link["col"])
    assert cell["title"] and cell["name"] and cell["column"] and cell["raw"]
    assert {b["role"] for b in item["boxes"]} >= {"value", "link"}
    link_box = next(b for b in item["boxes"] if b["role"] == "link")
    assert link_box["page"] == cell["page"]
    keys = [(c["table_id"], c["row"], c["col"]) for c in full["link_candidates"]]
    assert keys[0] == (link["table_id"], link["row"], link["col"])  # the linked cell is the best candidate
    page = client.get(f"/items/{item['item_id']}").text
    assert 'id="link-choice"' in page and "box-link" in page and cell["name"] in page and ">no link</option>" in page

    other = full["link_candidates"][1]
    chosen = {k: other[k] for k in ("table_id", "row", "col")}
    bogus = decide(client, item["item_id"], "correct", 0, link={"table_id": "t99", "row": 1, "col": 1})
    assert bogus.status_code == 422
    assert decide(client, item["item_id"], "correct", 0, link=chosen).status_code == 200
    state = client.get(f"/api/items/{item['item_id']}").json()
    assert state["state"]["payload"]["link"] == {"doc_id": item["doc_id"], **chosen}
    assert state["link_cell"]["name"] == other["name"]
    unlinked = next(i for i in linked if i["item_id"] != item["item_id"])
    assert decide(client, unlinked["item_id"], "correct", 0, link=None).status_code == 200
    assert client.get(f"/api/items/{unlinked['item_id']}").json()["link_cell"] is None

    sentence_of = {i.ref: i for i in r.index.of_kind("sentence")}
    for record in (item, unlinked):
        sentence = sentence_of[r.index.get(record["item_id"]).context["sentence_id"]]
        decide(client, sentence.item_id, "accept", r.store.state(sentence.item_id).version)
    exported = {}
    for fmt in ("gold", "prodigy", "labelstudio"):
        out = tmp_path / f"links.{fmt}"
        result = CliRunner().invoke(cli, ["review", "export", str(review_out), "--format", fmt, "-o", str(out)])
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        rows = json.loads(text) if fmt == "labelstudio" else [json.loads(line) for line in text.splitlines()]
        exported[fmt] = [
            link
            for row in rows
            for link in (row.get("links") or row.get("meta", {}).get("links") or row.get("data", {}).get("links") or [])
        ]
    gold = exported["gold"]
    assert exported["prodigy"] == exported["labelstudio"] == gold
    assert all(set(g) == {"label", "start", "end", "text", "cells"} for g in gold)
    chosen_key = f"{item['doc_id'][:16]}/{chosen['table_id']}/r{chosen['row']}/c{chosen['col']}"
    assert chosen_key in [c for g in gold for c in g["cells"]]
    assert [] in [g["cells"] for g in gold]  # "no link" is exported as no cell
    texts = {g["text"] for g in gold}
    assert item["suggestion"]["raw"] in texts and unlinked["suggestion"]["raw"] in texts


def test_documents_without_page_images_show_the_text_around_the_locator(tmp_path, monkeypatch):
    """An HTML disclosure (seed 000 rendered by scripts/docgen.py) run through the pipeline: its pages are virtual, so
    the page pane shows the locator and the text or table row around it, and nothing opens the source with pymupdf."""
    import sys

    import pymupdf

    from conftest import ROOT, SEEDS
    from extract.dataset.export import write_dataset
    from extract.pipeline import process

    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not beside this checkout")
    sys.path.insert(0, str(ROOT / "scripts"))
    from docgen import HtmlWriter
    from render_seed import render

    source = tmp_path / "seed000.html"
    render(next(SEEDS.glob("000_*.txt")), source, HtmlWriter())
    write_dataset([process(source)], tmp_path / "out")

    def no_pymupdf(*args, **kwargs):
        raise AssertionError("pymupdf opened a source without printed pages")

    monkeypatch.setattr(pymupdf, "open", no_pymupdf)
    app = create_app(tmp_path / "out")
    client = TestClient(app, headers={"Authorization": f"Bearer {app.state.review.store.add_user('alice')}"})
    index = app.state.review.index

    sentence = next(i for i in index.of_kind("sentence") if i.suggestion["spans"])
    page = client.get(f"/items/{sentence.item_id}").text
    assert "no page image" in page and sentence.context["locator"].startswith("/html/body/")
    assert f"<code>{sentence.context['locator']}</code>" in page and 'class="here"' in page and "<svg" not in page
    assert client.get(f"/pages/{sentence.doc_id}/1.png").status_code == 404

    cell = index.of_kind("cell")[0]
    page = client.get(f"/items/{cell.item_id}").text
    title = next(t.title for t in app.state.review.folder.document(cell.doc_id).tables if t.table_id == cell.ref.split(":")[0])
    assert title in page and cell.suggestion["raw"] in page and cell.context["locator"] in page
    assert '<td class="here"' in page

    record = next(i for i in index.of_kind("record") if i.suggestion["link"])
    page = client.get(f"/items/{record.item_id}").text
    assert page.count('class="page text-view') == 2 and "the linked cell at" in page
    finding = index.of_kind("finding")[0]
    locator = next(e["locator"] for e in finding.suggestion["evidence"] if e.get("locator"))
    assert f"<code>{locator}</code>" in client.get(f"/items/{finding.item_id}").text


@pytest.mark.parametrize("fmt", ["gold", "prodigy", "labelstudio"])
def test_export_import_round_trip(review, review_out, review_dataset, tmp_path, fmt):
    import shutil

    r, client = review
    queue = client.get("/api/queue?kind=sentence&limit=4").json()
    decide(client, queue[0]["item_id"], "accept", 0)
    decide(client, queue[1]["item_id"], "correct", 0, spans=queue[1]["suggestion"]["spans"][:1], complete=False)
    decide(client, queue[2]["item_id"], "reject", 0, reason="bad split")
    exported = tmp_path / f"reviewed.{fmt}"
    result = CliRunner().invoke(cli, ["review", "export", str(review_out), "--format", fmt, "-o", str(exported)])
    assert result.exit_code == 0, result.output
    n = int(result.output.split()[0])
    assert n == (2 if fmt == "gold" else 3)
    if fmt == "gold":
        line = json.loads(exported.read_text(encoding="utf-8").splitlines()[1])
        assert {"text", "spans", "relations", "doc_id", "section_path", "reviewer", "reviewed_at", "complete"} <= set(line)
        assert line["reviewer"] == "alice"
    fresh = shutil.copytree(review_dataset, tmp_path / "fresh")
    report = import_reviewed(fresh, fmt, exported, "importer")
    assert (report.applied, report.unmatched) == (n, 0)
    imported = Store(fresh / "review.sqlite").states("sentence")
    for item in queue[:n]:
        original = r.store.state(item["item_id"]).state
        assert imported[item["item_id"]].state["payload"] == original["payload"]
    again = CliRunner().invoke(cli, ["review", "import", str(fresh), str(exported), "--format", fmt, "--user", "importer"])
    assert again.exit_code == 0 and f"0 decisions logged, {n} already so, 0" in again.output, again.output
    served = create_app(fresh).state.review  # a server started after the import re-derives the imported documents
    assert served.reviser.wait_idle()
    assert (fresh / "review" / "docs" / f"{queue[0]['doc_id']}.json").is_file()


def test_finding_verdicts_export(review, review_out, tmp_path):
    import pyarrow.parquet as pq

    _, client = review
    findings = client.get("/api/queue?kind=finding&limit=2").json()
    assert len(findings) == 2
    out = tmp_path / "verdicts.jsonl"

    def export() -> list[dict]:
        result = CliRunner().invoke(cli, ["review", "export", str(review_out), "--format", "findings", "-o", str(out)])
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]

    decide(client, findings[0]["item_id"], "accept", 0, verdict="rounding", note="printed to 0.01")
    decide(client, findings[1]["item_id"], "skip", 0)
    assert [x["item_id"] for x in export()] == [findings[0]["item_id"]]  # a skip is no verdict
    noted = {"action": "correct", "base_version": 0, "payload": {"verdict": "table_error"}, "note": "OCR read 8 as 3"}
    assert client.post(f"/api/items/{findings[1]['item_id']}/decision", json=noted).status_code == 200
    lines = export()
    assert [(x["item_id"], x["verdict"], x["note"]) for x in lines] == [
        (findings[0]["item_id"], "rounding", "printed to 0.01"),
        (findings[1]["item_id"], "table_error", "OCR read 8 as 3"),
    ]
    keys = {(f["doc_id"], f["finding_id"]): f["check_id"] for f in pq.read_table(review_out / "findings.parquet").to_pylist()}
    for x, f in zip(lines, findings, strict=True):
        assert keys[(x["doc_id"], x["finding_id"])] == x["check_id"] == f["suggestion"]["check_id"]
        assert x["reviewer"] == "alice" and x["reviewed_at"].endswith("+00:00")


def test_tables_written_as_folders_of_parts_read_the_same(review_out):
    import pyarrow.parquet as pq

    before = {kind: len(items) for kind, items in _by_kind(create_app(review_out)).items()}
    for name in ("sentences", "mentions", "line_items", "findings"):
        table = pq.read_table(review_out / f"{name}.parquet")
        (review_out / f"{name}.parquet").unlink()
        folder = review_out / f"{name}.parquet"
        folder.mkdir()
        half = table.num_rows // 2
        pq.write_table(table.slice(0, half), folder / "part-0.parquet")
        pq.write_table(table.slice(half), folder / "part-1.parquet")
    assert {kind: len(items) for kind, items in _by_kind(create_app(review_out)).items()} == before


def _by_kind(app) -> dict[str, list]:
    return {kind: app.state.review.index.of_kind(kind) for kind in ("sentence", "record", "cell", "finding")}

"""The review server: server-rendered pages (Jinja2, a little vendored JS) and the JSON API over one output folder.

Every route but the login form needs a session cookie (HttpOnly, SameSite=Strict) or `Authorization: Bearer TOKEN`:
an API route answers 401 without one, a page answers 401 with the login form. Form posts and cookie-authenticated API
posts must carry the session's CSRF token (403 otherwise). Files are reached only through dataset ids: page images by
(doc_id, page), static files by a fixed list of names.
"""

import contextlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from extract.review.dataset import NotInDataset, OutputFolder
from extract.review.decisions import VERDICTS, InvalidDecision, decision_after
from extract.review.items import KINDS, Box, ItemIndex, ReviewItem, balanced, dataset_items
from extract.review.links import cell_view, checked_link, has_page_images, line_item, link_candidates, text_view
from extract.review.revise import Reviser
from extract.review.store import OPEN, REVIEWED, Conflict, Entry, ItemState, NothingToUndo, Store, User
from extract.tag.spans import LABELS

PACKAGE = Path(__file__).parent
STATIC = {"htmx.min.js": "htmx-2.0.11.min.js", "review.js": "review.js", "review.css": "review.css"}
COOKIE, LOGIN_COOKIE = "bl_session", "bl_login"
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self'; script-src 'self'; style-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
LOGIN_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
"""The login page is the one page served without a session, so it carries its own style instead of /static."""
REVISED_KINDS = ("sentence", "cell")
"""Correcting these re-derives the document's records and findings."""


@dataclass(frozen=True)
class Principal:
    user: User
    csrf: str
    bearer: bool


class LoginRequired(Exception):
    pass


class DecisionIn(BaseModel):
    action: str = Field(description='"accept", "correct", "reject", "skip" (or "undo")')
    base_version: int
    payload: dict = Field(default_factory=dict)
    note: str | None = None
    seconds: float | None = None
    request_id: str | None = Field(default=None, description="idempotency key: a retried request is not counted twice")


class Review:
    """Everything one server holds: the dataset, its items, the store and the reviser."""

    def __init__(self, out_dir: Path, source_roots: list[Path] | None = None) -> None:
        self.folder = OutputFolder(out_dir, source_roots)
        self.folder.review_dir.mkdir(exist_ok=True)
        self.store = Store(self.folder.root / "review.sqlite")
        self.index = ItemIndex(dataset_items(self.folder.table))
        self.reviser = Reviser(self.folder, self.store, self.index)
        self.reviser.load_saved()

    def item(self, item_id: str) -> ReviewItem:
        item = self.index.get(item_id)
        if item is None:
            raise HTTPException(404, "no such item")
        return item

    def queue(self, kind: str, user: str, order: str = "score") -> list[tuple[ReviewItem, int]]:
        """Open items of a kind for this user (not reviewed, not skipped by them, not claimed by someone else), each
        boilerplate group once with the number of its open members."""
        states = self.store.states(kind)
        hidden = self.store.skipped_by(user) | self.store.claimed_by_others(user)
        items = [
            i
            for i in self.index.of_kind(kind)
            if not i.context.get("stale")
            and i.item_id not in hidden
            and (i.item_id not in states or states[i.item_id].status == OPEN)
        ]
        ordered = balanced(items) if order == "balanced" else sorted(items, key=lambda i: (i.score, i.item_id))
        identical = Counter(item.group for item in ordered if item.group)
        shown: set[str] = set()
        out = []
        for item in ordered:
            if item.group in shown:
                continue
            if item.group:
                shown.add(item.group)
            out.append((item, identical[item.group] if item.group else 1))
        return out

    def record_link(self, item: ReviewItem, link: dict | None) -> dict | None:
        """The cell a record's link points at, as the screen shows it (None without a link)."""
        if not link:
            return None
        doc = self.reviser.current(item.doc_id)
        found = line_item(doc, link["table_id"], link["row"], link["col"])
        return cell_view(doc, found) if found else None

    def decide(self, item: ReviewItem, who: User, decision: DecisionIn, apply_all: bool = False) -> dict:
        if item.kind == "record" and decision.action == "correct" and "link" in decision.payload:
            try:
                decision.payload["link"] = checked_link(self.reviser.current(item.doc_id), decision.payload["link"])
            except ValueError as exc:
                raise InvalidDecision(str(exc)) from exc
        if decision.action == "undo":
            event = self.store.undo(item_id=item.item_id, user=who.name, base_version=decision.base_version, note=decision.note)
        else:
            entry = Entry(
                item.item_id,
                item.kind,
                item.doc_id,
                who.name,
                decision.action,
                decision.base_version,
                decision_after(item, decision.action, decision.payload),
                item.model_version,
                decision.seconds,
                decision.note,
                decision.request_id,
            )
            event = self.store.decide(entry)
            if apply_all and item.group and decision.action != "skip":
                self._apply_to_identical(item, entry)
        if item.kind in REVISED_KINDS and decision.action != "skip":
            self.reviser.request(item.doc_id)
        return event

    def _apply_to_identical(self, item: ReviewItem, entry: Entry) -> None:
        note = f"applied to all identical from {item.item_id}"
        for other in self.index.of_group(item.group or ""):
            current = self.store.state(other.item_id)
            if other.item_id != item.item_id and current.status == OPEN:
                self.store.decide(
                    replace(
                        entry,
                        item_id=other.item_id,
                        doc_id=other.doc_id,
                        base_version=current.version,
                        model_version=other.model_version,
                        note=note,
                        request_id=None,
                    )
                )
                if item.kind in REVISED_KINDS:
                    self.reviser.request(other.doc_id)


def focus_crop(boxes: list[Box], width: float, height: float) -> tuple[float, float, float, float]:
    """The SVG viewBox (x, y, w, h) of the focus view: the boxes with enough of the page around them to read the row or
    paragraph they sit in (at least 60% of the page's width and 35% of its height); the full page without boxes."""
    if not boxes:
        return (0, 0, width, height)
    x0, y0 = min(b.bbox[0] for b in boxes), min(b.bbox[1] for b in boxes)
    x1, y1 = max(b.bbox[2] for b in boxes), max(b.bbox[3] for b in boxes)
    w, h = min(width, max(x1 - x0 + 80, 0.6 * width)), min(height, max(y1 - y0 + 120, 0.35 * height))
    x = min(max((x0 + x1 - w) / 2, 0), width - w)
    y = min(max((y0 + y1 - h) / 2, 0), height - h)
    return tuple(round(v, 1) for v in (x, y, w, h))


def create_app(out_dir: Path, source_roots: list[Path] | None = None) -> FastAPI:
    review = Review(out_dir, source_roots)
    templates = Jinja2Templates(directory=PACKAGE / "templates")
    templates.env.filters["pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1)
    templates.env.filters["when"] = lambda ts: datetime.fromtimestamp(ts or 0, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    app = FastAPI(title="BudgetLens review", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.review = review

    @app.middleware("http")
    async def security_headers(request: Request, call_next):
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    def principal(request: Request) -> Principal | None:
        auth = request.headers.get("authorization", "")
        if auth[:7].lower() == "bearer ":
            user = review.store.user_for_token(auth[7:].strip())
            return Principal(user, "", True) if user else None
        session_id = request.cookies.get(COOKIE)
        session = review.store.session(session_id) if session_id else None
        return Principal(session.user, session.csrf, False) if session else None

    def page_user(request: Request) -> Principal:
        who = principal(request)
        if who is None:
            raise LoginRequired
        return who

    async def form_user(request: Request) -> Principal:
        who = page_user(request)
        form = await request.form()
        if not who.bearer and not secrets.compare_digest(str(form.get("csrf_token", "")), who.csrf):
            raise HTTPException(403, "missing or wrong CSRF token")
        return who

    def api_user(request: Request) -> Principal:
        who = principal(request)
        if who is None:
            raise HTTPException(401, "log in or send Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"})
        if (
            request.method == "POST"
            and not who.bearer
            and not secrets.compare_digest(request.headers.get("x-csrf-token", ""), who.csrf)
        ):
            raise HTTPException(403, "missing or wrong X-CSRF-Token header")
        return who

    def admin_user(who: Annotated[Principal, Depends(page_user)]) -> Principal:
        if who.user.role != "admin":
            raise HTTPException(403, "admins only")
        return who

    PageUser = Annotated[Principal, Depends(page_user)]
    FormUser = Annotated[Principal, Depends(form_user)]
    ApiUser = Annotated[Principal, Depends(api_user)]

    def login_page(request: Request, status: int = 200, error: str = "") -> HTMLResponse:
        nonce = secrets.token_urlsafe(24)
        response = templates.TemplateResponse(request, "login.html", {"login_csrf": nonce, "error": error}, status_code=status)
        response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="strict", max_age=900)
        response.headers["Content-Security-Policy"] = LOGIN_CSP
        return response

    @app.exception_handler(LoginRequired)
    async def _login_required(request: Request, exc: LoginRequired) -> HTMLResponse:
        return login_page(request, 401)

    def render(request: Request, who: Principal, name: str, status: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(
            request, name, {"who": who, "csrf": who.csrf, "kinds": KINDS, **context}, status_code=status
        )

    # login ----------------------------------------------------------------------------------------------------------

    @app.get("/login", response_class=HTMLResponse)
    def login_form(request: Request) -> HTMLResponse:
        return login_page(request)

    @app.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        expected = request.cookies.get(LOGIN_COOKIE, "")
        if not expected or not secrets.compare_digest(str(form.get("login_csrf", "")), expected):
            raise HTTPException(403, "missing or wrong CSRF token")
        user = review.store.user_for_token(str(form.get("token", "")).strip())
        if user is None:
            return login_page(request, 401, "unknown token")
        session_id, _ = review.store.open_session(user)
        response = RedirectResponse("/", status_code=303)
        response.set_cookie(COOKIE, session_id, httponly=True, samesite="strict", path="/")
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout")
    def logout(request: Request, who: FormUser) -> Response:
        review.store.close_session(request.cookies.get(COOKIE, ""))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    # pages ----------------------------------------------------------------------------------------------------------

    def progress() -> list[dict]:
        rows = []
        for kind in KINDS:
            items = [i for i in review.index.of_kind(kind) if not i.context.get("stale")]
            states = review.store.states(kind)
            done = sum(1 for i in items if i.item_id in states and states[i.item_id].status in REVIEWED)
            rows.append({"kind": kind, "total": len(items), "reviewed": done})
        return rows

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request, who: PageUser) -> HTMLResponse:
        return render(request, who, "home.html", progress=progress(), documents=review.folder.documents.values())

    @app.get("/fragments/progress", response_class=HTMLResponse)
    def progress_fragment(request: Request, who: PageUser) -> HTMLResponse:
        return render(request, who, "progress.html", progress=progress())

    @app.get("/review/{kind}", response_class=HTMLResponse)
    def next_item(request: Request, kind: str, who: PageUser) -> Response:
        if kind not in KINDS:
            raise HTTPException(404, "no such kind")
        for item, identical in review.queue(kind, who.user.name, order="balanced"):
            if review.store.claim(item.item_id, who.user.name):
                return item_page(request, who, item, identical=identical)
        return render(request, who, "empty.html", kind=kind)

    def item_page(
        request: Request, who: Principal, item: ReviewItem, status: int = 200, identical: int = 1, **extra
    ) -> HTMLResponse:
        state = review.store.state(item.item_id)
        shown = shown_content(item, state)
        return render(
            request,
            who,
            "item.html",
            status,
            item=item,
            state=state,
            identical=identical,
            shown=shown,
            link=review.record_link(item, shown.get("link")) if item.kind == "record" else None,
            link_options=link_candidates(review.reviser.current(item.doc_id), item.ref) if item.kind == "record" else [],
            pages=page_panels(item, shown.get("link") if item.kind == "record" else None),
            labels=LABELS,
            verdicts=VERDICTS,
            history=review.store.events(item.item_id),
            **extra,
        )

    def shown_content(item: ReviewItem, state: ItemState) -> dict:
        """What the screen starts from: the reviewed content when there is one, else the model's suggestion."""
        if state.state and state.state["action"] in ("accept", "correct"):
            return state.state["payload"]
        if item.kind == "sentence":
            return {"spans": [{k: s[k] for k in ("start", "end", "label")} for s in item.suggestion["spans"]], "complete": True}
        return item.suggestion

    def page_panels(item: ReviewItem, link: dict | None = None) -> list[dict]:
        doc = review.folder.document(item.doc_id)
        if not has_page_images(doc):
            return text_panels(item, link)
        pages = list(dict.fromkeys(b.page for b in item.boxes)) or ([item.page] if item.page else [])
        panels = []
        for page in pages[:3]:
            size = doc.pages[page - 1]
            boxes = [b for b in item.boxes if b.page == page]
            panels.append(
                {
                    "page": page,
                    "width": size.width,
                    "height": size.height,
                    "boxes": boxes,
                    "crop": focus_crop(boxes, size.width, size.height),
                }
            )
        return panels

    def text_panels(item: ReviewItem, link: dict | None) -> list[dict]:
        """The page pane of a document without page images (DOCX, XLSX, HTML): the text around each locator."""
        doc = review.reviser.current(item.doc_id)
        if item.kind == "finding":
            evidence = [e for e in item.suggestion["evidence"] if e.get("locator")]
            return [{"text": {"locator": e["locator"], "sentences": [{"text": e["text"], "here": True}]}} for e in evidence]
        panels = [{"text": text_view(doc, item.kind, item.ref, item.context.get("locator"))}]
        linked = review.record_link(item, link)
        if linked:
            ref = f"{linked['table_id']}:{linked['row']}:{linked['col']}"
            panels.append({"text": text_view(doc, "link", ref, linked["locator"]), "role": "link"})
        return panels

    @app.get("/items/{item_id}", response_class=HTMLResponse)
    def show_item(request: Request, item_id: str, who: PageUser) -> HTMLResponse:
        return item_page(request, who, review.item(item_id))

    @app.post("/items/{item_id}/decide")
    async def decide_form(request: Request, item_id: str, who: FormUser) -> Response:
        item = review.item(item_id)
        form = await request.form()
        try:
            decision = DecisionIn(
                action=str(form.get("action", "")),
                base_version=int(form.get("base_version", -1)),
                payload=json.loads(str(form.get("payload") or "{}")),
                note=str(form.get("note") or "") or None,
                seconds=float(form.get("seconds") or 0) or None,
            )
            review.decide(item, who.user, decision, apply_all=form.get("apply_all") == "1")
        except Conflict as conflict:
            mine = decision_after(item, decision.action, decision.payload) if decision.action != "undo" else None
            return item_page(request, who, item, 409, conflict={"theirs": conflict.current, "mine": mine, "decision": decision})
        except (InvalidDecision, ValueError) as exc:
            raise HTTPException(422, str(exc)) from exc
        return RedirectResponse(f"/review/{item.kind}", status_code=303)

    @app.post("/undo")
    async def undo_last(who: FormUser) -> Response:
        last = review.store.last_decision_of(who.user.name)
        if last is None:
            return RedirectResponse("/", status_code=303)
        item = review.item(last["item_id"])
        with contextlib.suppress(Conflict, NothingToUndo):  # someone changed it since: the item page shows their version
            review.decide(item, who.user, DecisionIn(action="undo", base_version=last["version"]))
        return RedirectResponse(f"/items/{item.item_id}", status_code=303)

    @app.get("/pages/{doc_id}/{page}.png")
    def page_image(doc_id: str, page: int, who: PageUser) -> FileResponse:
        try:
            path = review.folder.page_image(doc_id, page)
        except NotInDataset as exc:
            raise HTTPException(404, "no such page") from exc
        return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})

    @app.get("/static/{name}")
    def static(name: str, who: PageUser) -> FileResponse:
        if name not in STATIC:
            raise HTTPException(404, "no such file")
        media = "text/css" if name.endswith(".css") else "text/javascript"
        return FileResponse(
            PACKAGE / "static" / STATIC[name], media_type=media, headers={"Cache-Control": "private, max-age=3600"}
        )

    @app.get("/admin", response_class=HTMLResponse)
    def admin(request: Request, who: Annotated[Principal, Depends(admin_user)]) -> HTMLResponse:
        return render(request, who, "admin.html", users=review.store.users(), progress=progress())

    # JSON API -------------------------------------------------------------------------------------------------------

    @app.get("/api/queue")
    def api_queue(
        who: ApiUser,
        kind: str = Query("sentence"),
        limit: int = Query(50, ge=1, le=1000),
        order: str = Query("score", pattern="^(score|balanced)$"),
    ) -> JSONResponse:
        if kind not in KINDS:
            raise HTTPException(422, f"kind must be one of {', '.join(KINDS)}")
        states = review.store.states(kind)
        out = []
        for item, identical in review.queue(kind, who.user.name, order)[:limit]:
            version = states[item.item_id].version if item.item_id in states else 0
            out.append({**item.public(), "version": version, "identical": identical})
        return JSONResponse(out)

    @app.get("/api/items/{item_id}")
    def api_item(item_id: str, who: ApiUser) -> JSONResponse:
        item = review.item(item_id)
        state = review.store.state(item_id)
        out = {**item.public(), "version": state.version, "status": state.status, "state": state.state, "reviewed_by": state.user}
        if item.kind == "record":
            link = (state.state["payload"] if state.state and state.state["action"] != "reject" else item.suggestion).get("link")
            out["link_cell"] = review.record_link(item, link)
            out["link_candidates"] = link_candidates(review.reviser.current(item.doc_id), item.ref)
        return JSONResponse(out)

    @app.post("/api/items/{item_id}/decision")
    def api_decide(item_id: str, decision: DecisionIn, who: ApiUser) -> JSONResponse:
        item = review.item(item_id)
        try:
            event = review.decide(item, who.user, decision, apply_all=bool(decision.payload.get("apply_to_all")))
        except Conflict as conflict:
            c = conflict.current
            return JSONResponse(
                {"detail": "stale base_version", "version": c.version, "status": c.status, "state": c.state, "by": c.user},
                status_code=409,
            )
        except NothingToUndo as exc:
            raise HTTPException(409, "nothing to undo") from exc
        except InvalidDecision as exc:
            raise HTTPException(422, str(exc)) from exc
        version = event["version"] if event["version"] is not None else review.store.state(item_id).version
        return JSONResponse({"item_id": item_id, "version": version, "seq": event["seq"], "action": event["action"]})

    @app.get("/api/items/{item_id}/events")
    def api_events(item_id: str, who: ApiUser) -> JSONResponse:
        review.item(item_id)
        return JSONResponse(review.store.events(item_id))

    @app.get("/api/me")
    def api_me(who: ApiUser) -> JSONResponse:
        return JSONResponse({"user": who.user.name, "role": who.user.role})

    return app

"""What a decision on an item says, checked against the item: the `after` the event log records.

accept takes the model's suggestion as it is (spelled out in the event, so the log alone says what was accepted);
correct carries the reviewer's version; reject says why; skip says nothing. A finding's decision is a verdict. A
record's decision carries its link: the suggested cell on accept, the reviewer's choice ({table_id, row, col}, or null
for no link) on a correction — checked against the document's cells by `extract.review.links.checked_link`.
"""

from __future__ import annotations

from extract.review.items import CELL_FIELDS, RECORD_FIELDS, ReviewItem
from extract.review.links import LINK_KEYS
from extract.tag.spans import LABELS

VERDICTS = {
    "confirmed": "confirmed discrepancy",
    "narrative_error": "extraction error in the narrative",
    "table_error": "extraction error in the table",
    "rounding": "rounding or unit",
    "not_comparable": "not comparable",
    "needs_expert": "needs expert",
}
REJECT_REASONS = ("bad split", "not narrative", "wrong extraction")


class InvalidDecision(ValueError):
    pass


def decision_after(item: ReviewItem, action: str, payload: dict) -> dict | None:
    """The state the decision gives the item ({"action", "payload"}); None for a skip."""
    if action == "skip":
        return None
    if action == "reject":
        reason = payload.get("reason") or REJECT_REASONS[0 if item.kind == "sentence" else 2]
        return {"action": action, "payload": {"reason": str(reason)[:200]}}
    if action not in ("accept", "correct"):
        raise InvalidDecision(f"unknown action {action!r}")
    checked = {"sentence": _sentence, "record": _fields, "cell": _fields, "finding": _finding}[item.kind](item, action, payload)
    return {"action": action, "payload": checked}


def _sentence(item: ReviewItem, action: str, payload: dict) -> dict:
    spans = item.suggestion["spans"] if action == "accept" else payload.get("spans")
    if not isinstance(spans, list):
        raise InvalidDecision("a sentence correction needs spans: [{start, end, label}, …]")
    checked = []
    for sp in spans:
        try:
            start, end, label = int(sp["start"]), int(sp["end"]), str(sp["label"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidDecision(f"bad span {sp!r}") from exc
        if not 0 <= start < end <= len(item.text) or label not in LABELS:
            raise InvalidDecision(f"span {start}-{end} {label} does not fit the sentence")
        checked.append({"start": start, "end": end, "label": label, "text": item.text[start:end]})
    checked.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    if len({(s["start"], s["end"], s["label"]) for s in checked}) != len(checked):
        raise InvalidDecision("the same span twice")
    return {"spans": checked, "complete": bool(payload.get("complete", True))}


def _fields(item: ReviewItem, action: str, payload: dict) -> dict:
    names = (*RECORD_FIELDS, "link") if item.kind == "record" else CELL_FIELDS
    values = {name: item.suggestion.get(name) for name in names}
    if item.kind == "record" and values["link"]:
        values["link"] = {k: values["link"][k] for k in LINK_KEYS}
    if action == "correct":
        unknown = set(payload) - set(names)
        if unknown:
            raise InvalidDecision(f"unknown fields {sorted(unknown)}; a {item.kind} has {', '.join(names)}")
        values.update(payload)
    if values.get("value") not in (None, ""):
        try:
            values["value"] = float(str(values["value"]).replace(",", ""))
        except ValueError as exc:
            raise InvalidDecision(f"value {values['value']!r} is not a number") from exc
    return values


def _finding(item: ReviewItem, action: str, payload: dict) -> dict:
    verdict = payload.get("verdict", "confirmed" if action == "accept" else None)
    if verdict not in VERDICTS:
        raise InvalidDecision(f"a finding needs a verdict: one of {', '.join(VERDICTS)}")
    return {"verdict": verdict, "note": str(payload.get("note") or "")[:2000]}

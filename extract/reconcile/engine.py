"""The check registry and the one place where outcomes become `Finding`s.

A check is a small function registered with `@check(...)`. It reads a `DocIndex` and yields
outcomes: a `SumCheck` (a printed value that must equal the sum of other printed values —
an equality is a sum of one), a `Verdict` (a rule that is not arithmetic: a table is
present, a year matches, a placeholder is left) or `Unavailable` (the identity applies but
an input is missing or unreadable). The engine does the interval arithmetic, picks the status and severity and
writes the bilingual message, so every check reports the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from extract.model import Document, Evidence, Finding, FindingStatus, Severity
from extract.reconcile.intervals import compare, interval_sum
from extract.reconcile.views import DocIndex, Operand

PRINTED_PRECISION = "printed precision: each value ± half a unit of its last printed digit, intervals summed"


@dataclass(frozen=True)
class SumCheck:
    """`found` must equal the sum of `parts` (one part for a plain equality)."""

    subject_zh: str
    subject_en: str
    relation_zh: str
    """What the parts add up to, e.g. "其下各款之和"."""
    relation_en: str
    found: Operand
    parts: tuple[Operand, ...]
    found_role: str = "total"
    part_role: str = "part"


@dataclass(frozen=True)
class Unavailable:
    """The identity applies to this document but cannot be evaluated."""

    subject_zh: str
    subject_en: str
    why_zh: str
    why_en: str
    evidence: tuple[Operand, ...] = ()


@dataclass(frozen=True)
class Verdict:
    """A rule that holds (`ok`) or not, with what was expected and what is printed."""

    subject_zh: str
    subject_en: str
    ok: bool
    expected: str
    found: str
    evidence: tuple[Evidence, ...] = ()
    why_zh: str = ""
    """Why the finding matters or what was seen, appended to the message when not ok."""
    why_en: str = ""


Outcome = SumCheck | Verdict | Unavailable

MAX_REPORTS_PER_KIND = 8
"""A check on wording reports at most this many problems per document; the rest are counted in one more finding."""


def capped(verdicts: Iterable[Verdict], kind: tuple[str, str], cap: int = MAX_REPORTS_PER_KIND) -> Iterator[Verdict]:
    """The first `cap` verdicts, then one that says how many more of the same `kind` (zh, en) there are,
    with their evidence: a document written with one habit (every paragraph without its "。") is one
    problem to a reviewer, not fifty."""
    rest: list[Verdict] = []
    for k, verdict in enumerate(verdicts):
        if k < cap:
            yield verdict
        else:
            rest.append(verdict)
    if rest:
        yield Verdict(
            f"其余{kind[0]}问题",
            f"further {kind[1]} problems",
            False,
            rest[0].expected,
            f"另有 {len(rest)} 处",
            tuple(e for v in rest[:cap] for e in v.evidence),
            f"同类问题共 {cap + len(rest)} 处，此处只列出前 {cap} 处之后的一部分。",
            f"{cap + len(rest)} problems of this kind in the document; the first {cap} are reported one by one.",
        )


CheckFn = Callable[[DocIndex], Iterable[Outcome]]


@dataclass(frozen=True)
class CheckSpec:
    check_id: str
    description: str
    inputs: tuple[str, ...]
    """Table kinds read (without the final./budget. family)."""
    tolerance: str
    severity: Severity
    """Severity of an inconsistent finding; consistent and not-checkable ones are info."""
    fn: CheckFn


_REGISTRY: dict[str, CheckSpec] = {}


def check(
    check_id: str,
    *,
    description: str,
    inputs: Iterable[str],
    tolerance: str = PRINTED_PRECISION,
    severity: Severity = Severity.ERROR,
) -> Callable[[CheckFn], CheckFn]:
    """Register a check function under `check_id` (e.g. "T001.total_equals_sum_of_classes")."""

    def register(fn: CheckFn) -> CheckFn:
        if check_id in _REGISTRY:
            raise ValueError(f"check {check_id} registered twice")
        _REGISTRY[check_id] = CheckSpec(check_id, description, tuple(inputs), tolerance, severity, fn)
        return fn

    return register


def registered_checks() -> list[CheckSpec]:
    return [_REGISTRY[k] for k in sorted(_REGISTRY)]


def run_checks(doc: Document, only: Iterable[str] | None = None) -> list[Finding]:
    """Run every registered check (or those whose ID starts with one of `only`).

    Returns the findings; the caller decides whether to store them in `doc.findings`.
    A check that raises yields one not-checkable finding instead of stopping the others.
    """
    prefixes = tuple(only) if only is not None else None
    index = DocIndex(doc)
    findings: list[Finding] = []
    for spec in registered_checks():
        if prefixes is not None and not spec.check_id.startswith(prefixes):
            continue
        try:
            findings.extend(_findings(spec, spec.fn(index)))
        except Exception as exc:
            findings.append(_crashed(spec, exc))
    return findings


def _findings(spec: CheckSpec, outcomes: Iterable[Outcome]) -> Iterator[Finding]:
    for outcome in outcomes:
        if isinstance(outcome, Unavailable):
            yield _not_checkable(spec, outcome)
        elif isinstance(outcome, Verdict):
            yield _judged(spec, outcome)
        elif not (outcome.found.blank and all(p.blank for p in outcome.parts)):
            yield _evaluate(spec, outcome)  # an identity between blanks says nothing


def _evidence(operand: Operand, role: str) -> Evidence:
    return operand.evidence.model_copy(update={"role": f"{role}: {operand.label}"})


def _amount(x: float) -> str:
    return f"{x:,.2f}"


def _evaluate(spec: CheckSpec, sc: SumCheck) -> Finding:
    expected_value = sum(p.value for p in sc.parts)
    result = compare(sc.found.interval, interval_sum(p.interval for p in sc.parts))
    found, expected = _amount(sc.found.value), _amount(expected_value)
    delta, tol = f"{result.delta:+,.2f}", _amount(result.tolerance)
    if result.consistent:
        status, severity = FindingStatus.CONSISTENT, Severity.INFO
        zh = (
            f"{sc.subject_zh}为 {found} 元，与{sc.relation_zh} {expected} 元在印刷精度内一致（差额 {delta} 元，容差 ±{tol} 元）。"
        )
        en = (
            f"{sc.subject_en} ({found} 元) matches {sc.relation_en} ({expected} 元) "
            f"within printed precision (delta {delta} 元, tolerance ±{tol} 元)."
        )
    else:
        status, severity = FindingStatus.INCONSISTENT, spec.severity
        zh = f"{sc.subject_zh}为 {found} 元，但{sc.relation_zh}为 {expected} 元，差额 {delta} 元，超出印刷精度容差 ±{tol} 元。"
        en = (
            f"{sc.subject_en} is {found} 元 but {sc.relation_en} is {expected} 元: "
            f"delta {delta} 元 exceeds the printed-precision tolerance of ±{tol} 元."
        )
    evidence = [_evidence(sc.found, sc.found_role)] + [_evidence(p, sc.part_role) for p in sc.parts]
    return Finding(
        check_id=spec.check_id,
        severity=severity,
        status=status,
        expected=expected_value,
        found=sc.found.value,
        delta=result.delta,
        message_zh=zh,
        message_en=en,
        evidence=evidence,
    )


def _judged(spec: CheckSpec, v: Verdict) -> Finding:
    if v.ok:
        status, severity = FindingStatus.CONSISTENT, Severity.INFO
        zh = f"{v.subject_zh}：符合要求（{v.found}）。"
        en = f"{v.subject_en}: as expected ({v.found})."
    else:
        status, severity = FindingStatus.INCONSISTENT, spec.severity
        zh = f"{v.subject_zh}：应为 {v.expected}，实为 {v.found}。{v.why_zh}".rstrip()
        en = f"{v.subject_en}: expected {v.expected}, found {v.found}. {v.why_en}".rstrip()
    return Finding(
        check_id=spec.check_id,
        severity=severity,
        status=status,
        expected=v.expected,
        found=v.found,
        message_zh=zh,
        message_en=en,
        evidence=list(v.evidence),
    )


def _not_checkable(spec: CheckSpec, u: Unavailable) -> Finding:
    return Finding(
        check_id=spec.check_id,
        severity=Severity.INFO,
        status=FindingStatus.NOT_CHECKABLE,
        message_zh=f"{u.subject_zh}：无法核对，{u.why_zh}。",
        message_en=f"{u.subject_en}: not checkable, {u.why_en}.",
        evidence=[_evidence(op, "input") for op in u.evidence],
    )


def _crashed(spec: CheckSpec, exc: Exception) -> Finding:
    return Finding(
        check_id=spec.check_id,
        severity=Severity.WARNING,
        status=FindingStatus.NOT_CHECKABLE,
        message_zh=f"核对 {spec.check_id} 运行出错（{type(exc).__name__}），未能完成。",
        message_en=f"Check {spec.check_id} failed to run ({type(exc).__name__}: {exc}).",
    )

"""The spaCy narrative tagger: a blank Chinese pipeline with an "ner" component for the flat labels and a
"spancat" component for REASON (the nested layer), trained from scratch on annotations/gold.

Tokens. jieba words are the tokens, made finer where a gold span could start or end inside one: a jieba
word is split at number boundaries ("38辆车" → "38|辆|车") and at the boundaries of the surface patterns of
`extract.tag.patterns` ("占本年" → "占|本年", "评得分为" → "评|得分|为"; reason cues only at their start).
Every token also carries, as its TAG, the names of the patterns that cover its first character, which the
tok2vec embeds next to the usual NORM / PREFIX / SUFFIX / SHAPE features. The segmenter is configurable
("fine", "jieba" or "char"); spans are always mapped back through token character offsets, so the
predicted offsets index the original text exactly.

REASON. The spancat scores only candidates proposed by a cue suggester: a span starts at every reason cue
(主要原因是, 由于, 因…, 受…影响) and ends at any following clause end (before ，；。 etc. or the sentence end),
up to `reason_max_chars` characters. Overlapping predictions are resolved by score.

Both components listen to one shared tok2vec (CNN over hash embeddings, trained from scratch: no vectors,
no pretrained weights). Training is spaCy's own loop (nlp.initialize / nlp.update, Adam with weight
averaging) with a fixed seed; each epoch is scored on dev with the averaged weights and the best epoch from
`min_epochs` on is kept (per component when `shared_tok2vec` is off). NER gives no per-entity score, so
flat spans have confidence 1.0; a REASON's confidence is its spancat score.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import re
import shutil
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example as SpacyExample
from spacy.util import fix_random_seed, get_words_and_spaces, minibatch, registry
from thinc.api import Adam, Ops, Ragged, get_current_ops

from extract.tag.base import write_meta
from extract.tag.metrics import score_spans
from extract.tag.patterns import PATTERNS, pattern_marks
from extract.tag.spans import FLAT_LABELS, NESTED_LABELS, Example, Span, layer

VERSION = "1.0"
REASON_KEY = "reason"

DEFAULT_CONFIG: dict[str, Any] = {
    "segmenter": "fine",  # "fine" (jieba split at number / pattern boundaries), "jieba" or "char"
    "pattern_features": True,  # embed the surface-pattern marks of each token (as its TAG)
    "word_features": False,  # "char" only: embed each character's jieba word and its position in it
    "width": 96,  # tok2vec width
    "depth": 4,  # tok2vec CNN layers
    "window_size": 1,  # tokens on each side per CNN layer
    "embed_rows": 2000,  # hash-embedding rows per feature
    "hidden_width": 64,  # ner state hidden width
    "shared_tok2vec": True,  # one tok2vec for both components, or one each (then best epoch per component)
    "reason_max_chars": 100,  # longest REASON candidate
    "spancat_threshold": 0.5,
    "epochs": 40,
    "min_epochs": 10,  # the best epoch is chosen from this one on (dev is small: early peaks are noise)
    "patience": 10,  # stop after this many epochs without a better dev F1
    "average_params": True,  # score and keep the moving average of the weights
    "dropout": 0.2,
    "batch_size": 8,
    "learn_rate": 0.001,
    "seed": 0,
    "max_train_seconds": 540,  # stop training (keeping the best epoch so far) after this long
}

_CLAUSE_END = frozenset("，,；;。！？!?：:")
_NUMBER = re.compile(r"\d+(?:[.,，]\d+)*")
_START_ONLY = {"reason_cue"}
"""Patterns whose match end is not a span boundary ("因" + any character, "受…影响" may go on)."""
REASON_CUE = re.compile(
    PATTERNS["reason_cue"].pattern + r"|主要[^，。；：:]{1,4}原因|(?:增加|减少|增长|下降|变动|变化|增减)的?原因"
)
"""Where a REASON may start: the reason cues of `extract.tag.patterns`, and "主要变动原因", "增加原因"."""

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------- tokens


def _boundaries(text: str) -> set[int]:
    """Character offsets where a token must start: number edges and surface-pattern edges."""
    cuts: set[int] = set()
    for m in _NUMBER.finditer(text):
        cuts.update((m.start(), m.end()))
    for name, pattern in PATTERNS.items():
        for m in pattern.finditer(text):
            cuts.add(m.start())
            if name not in _START_ONLY:
                cuts.add(m.end())
    cuts.update(m.start() for m in REASON_CUE.finditer(text))
    return cuts


def segment(text: str, segmenter: str = "fine") -> list[str]:
    """The words of `text` ("".join(words) == text)."""
    if segmenter == "char":
        return list(text)
    import jieba

    words = [w for w in jieba.cut(text, cut_all=False) if w]
    if segmenter == "jieba":
        return words
    if segmenter != "fine":
        raise ValueError(f"unknown segmenter {segmenter!r}; known: fine, jieba, char")
    cuts = _boundaries(text)
    out: list[str] = []
    pos = 0
    for word in words:
        start = 0
        for i in range(1, len(word)):
            if pos + i in cuts:
                out.append(word[start:i])
                start = i
        out.append(word[start:])
        pos += len(word)
    return out


class ZhTokenizer:
    """Words of `segment`; TAG = the surface-pattern marks of a token's first character. With characters as
    tokens and `word_features`, each character also gets the "fine" word it is part of (as its LEMMA) and its
    position in that word (B/I/E/S, in its TAG)."""

    def __init__(self, vocab: Any, segmenter: str = "fine", pattern_tags: bool = True, word_features: bool = False) -> None:
        self.vocab = vocab
        self.segmenter = segmenter
        self.pattern_tags = pattern_tags
        self.word_features = word_features and segmenter == "char"
        if segmenter != "char" or word_features:
            import jieba

            jieba.setLogLevel(logging.WARNING)

    def __call__(self, text: str) -> Doc:
        words, spaces = get_words_and_spaces(segment(text, self.segmenter), text)
        if not self.pattern_tags and not self.word_features:
            return Doc(self.vocab, words=words, spaces=spaces)
        starts, pos = [], 0
        for word, space in zip(words, spaces, strict=True):
            starts.append(pos)
            pos += len(word) + int(space)
        marks = pattern_marks(text) if self.pattern_tags else [()] * len(text)
        tags = ["|".join(sorted(marks[i])) or "-" for i in starts]
        lemmas = None
        if self.word_features:
            owner: list[tuple[str, str]] = []
            for word in segment(text, "fine"):
                owner.extend(
                    (word, "S" if len(word) == 1 else "B" if i == 0 else "E" if i == len(word) - 1 else "I")
                    for i in range(len(word))
                )
            tags = [f"{owner[i][1]}|{tag}" for i, tag in zip(starts, tags, strict=True)]
            lemmas = [owner[i][0].strip() or "_" for i in starts]
        return Doc(self.vocab, words=words, spaces=spaces, tags=tags, lemmas=lemmas)

    def _cfg(self) -> dict[str, Any]:
        return {"segmenter": self.segmenter, "pattern_tags": self.pattern_tags, "word_features": self.word_features}

    def to_bytes(self, **_: Any) -> bytes:
        return json.dumps(self._cfg()).encode()

    def from_bytes(self, data: bytes, **_: Any) -> ZhTokenizer:
        cfg = json.loads(data)
        self.segmenter, self.pattern_tags = cfg["segmenter"], cfg["pattern_tags"]
        self.word_features = cfg.get("word_features", False)
        return self

    def to_disk(self, path: str | Path, **_: Any) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "cfg.json").write_text(json.dumps(self._cfg()), encoding="utf-8")

    def from_disk(self, path: str | Path, **_: Any) -> ZhTokenizer:
        return self.from_bytes((Path(path) / "cfg.json").read_bytes())


@registry.tokenizers("budgetlens.zh_tokenizer.v1")
def create_zh_tokenizer(
    segmenter: str = "fine", pattern_tags: bool = True, word_features: bool = False
) -> Callable[[Language], ZhTokenizer]:
    def make(nlp: Language) -> ZhTokenizer:
        return ZhTokenizer(nlp.vocab, segmenter, pattern_tags, word_features)

    return make


# ------------------------------------------------------------------------------------------ suggester


def reason_candidates(doc: Doc, max_chars: int) -> list[tuple[int, int]]:
    """(start token, end token) pairs: from each reason cue to each following clause end."""
    starts = sorted({_token_at(doc, m.start()) for m in REASON_CUE.finditer(doc.text)})
    pairs: list[tuple[int, int]] = []
    for s in starts:
        limit = doc[s].idx + max_chars
        for e in range(s + 2, len(doc) + 1):
            if e < len(doc) and doc[e].idx >= limit:
                break
            if (e == len(doc) or _clause_end(doc[e].text)) and not _clause_end(doc[e - 1].text):
                pairs.append((s, e))
    return pairs


def _clause_end(token: str) -> bool:
    stripped = token.strip()
    return stripped[:1] in _CLAUSE_END if stripped else "\n" in token


def _token_at(doc: Doc, char: int) -> int:
    """The index of the token that holds character `char`."""
    lo, hi = 0, len(doc) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc[mid].idx <= char:
            lo = mid
        else:
            hi = mid - 1
    return lo


@registry.misc("budgetlens.reason_suggester.v1")
def create_reason_suggester(max_chars: int = 100) -> Callable[..., Ragged]:
    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        ops = ops or get_current_ops()
        spans: list[tuple[int, int]] = []
        lengths: list[int] = []
        for doc in docs:
            pairs = reason_candidates(doc, max_chars) if len(doc) else []
            spans.extend(pairs)
            lengths.append(len(pairs))
        lengths_array = ops.asarray1i(lengths)
        if spans:
            return Ragged(ops.asarray2i(spans), lengths_array)
        return Ragged(ops.xp.zeros((0, 0), dtype="i"), lengths_array)

    return suggest


# ------------------------------------------------------------------------------------------- pipeline


def _tok2vec_model(cfg: dict[str, Any]) -> dict[str, Any]:
    words = cfg["word_features"] and cfg["segmenter"] == "char"
    tags = cfg["pattern_features"] or words
    attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE"] + (["TAG"] if tags else []) + (["LEMMA"] if words else [])
    rows = cfg["embed_rows"]
    return {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {
            "@architectures": "spacy.MultiHashEmbed.v2",
            "width": cfg["width"],
            "attrs": attrs,
            "rows": [rows * 2, rows, rows, rows // 4] + ([rows // 4] if tags else []) + ([rows * 2] if words else []),
            "include_static_vectors": False,
        },
        "encode": {
            "@architectures": "spacy.MaxoutWindowEncoder.v2",
            "width": cfg["width"],
            "depth": cfg["depth"],
            "window_size": cfg["window_size"],
            "maxout_pieces": 3,
        },
    }


def build_nlp(cfg: dict[str, Any]) -> Language:
    tokenizer = {
        "@tokenizers": "budgetlens.zh_tokenizer.v1",
        "segmenter": cfg["segmenter"],
        "pattern_tags": cfg["pattern_features"],
        "word_features": cfg["word_features"],
    }
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": tokenizer}})
    if cfg["shared_tok2vec"]:
        nlp.add_pipe("tok2vec", config={"model": _tok2vec_model(cfg)})
        tok2vec = {"@architectures": "spacy.Tok2VecListener.v1", "width": cfg["width"], "upstream": "tok2vec"}
    else:
        tok2vec = _tok2vec_model(cfg)
    ner = nlp.add_pipe(
        "ner",
        config={
            "model": {
                "@architectures": "spacy.TransitionBasedParser.v2",
                "state_type": "ner",
                "extra_state_tokens": False,
                "hidden_width": cfg["hidden_width"],
                "maxout_pieces": 2,
                "use_upper": True,
                "tok2vec": tok2vec,
            }
        },
    )
    spancat = nlp.add_pipe(
        "spancat",
        config={
            "spans_key": REASON_KEY,
            "threshold": cfg["spancat_threshold"],
            "suggester": {"@misc": "budgetlens.reason_suggester.v1", "max_chars": cfg["reason_max_chars"]},
            "model": {
                "@architectures": "spacy.SpanCategorizer.v1",
                "reducer": {"@layers": "spacy.mean_max_reducer.v1", "hidden_size": 128},
                "scorer": {"@layers": "spacy.LinearLogistic.v1"},
                "tok2vec": tok2vec,
            },
        },
    )
    for label in FLAT_LABELS:
        ner.add_label(label)
    for label in NESTED_LABELS:
        spancat.add_label(label)
    return nlp


def _to_spacy(nlp: Language, ex: Example) -> SpacyExample:
    """A training example: predicted = our tokens; gold flat spans that do not align are left missing."""
    doc = nlp.make_doc(ex.text)
    flat, last_end = [], -1
    for s in layer(ex.spans, FLAT_LABELS):
        if s.start >= last_end:
            flat.append((s.start, s.end, s.label))
            last_end = s.end
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # W030: a gold span that is not token-aligned → missing, not O
        eg = SpacyExample.from_dict(doc, {"entities": flat})
    ref = eg.reference
    ref.spans[REASON_KEY] = [
        sp for s in layer(ex.spans, NESTED_LABELS) if (sp := ref.char_span(s.start, s.end, label=s.label)) is not None
    ]
    return eg


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """Whitespace at a span's edges is not part of it (a whitespace token may be tagged inside an entity)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _spans_of(doc: Doc) -> list[Span]:
    """The predicted spans of both layers, as character offsets into `doc.text`, sorted by start."""
    text = doc.text
    out = []
    for ent in doc.ents:
        start, end = _trimmed(text, ent.start_char, ent.end_char)
        if end > start:
            out.append(Span(start, end, ent.label_, text[start:end]))
    group = doc.spans.get(REASON_KEY)
    if group is not None and len(group):
        scores = group.attrs.get("scores")
        ranked = sorted(
            ((float(scores[i]) if scores is not None else 1.0, sp) for i, sp in enumerate(group)),
            key=lambda t: (-t[0], t[1].start_char, t[1].end_char),
        )
        taken: list[tuple[int, int]] = []
        for score, sp in ranked:
            if any(sp.start_char < e and s < sp.end_char for s, e in taken):
                continue
            taken.append((sp.start_char, sp.end_char))
            out.append(Span(sp.start_char, sp.end_char, sp.label_, text[sp.start_char : sp.end_char], confidence=round(score, 4)))
    return sorted(out, key=lambda s: (s.start, s.end, s.label))


class SpacyTagger:
    backend = "spacy"
    version = VERSION

    def __init__(self, nlp: Language, info: dict[str, Any] | None = None) -> None:
        self.nlp = nlp
        self.info = info or {}

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        return [_spans_of(doc) for doc in self.nlp.pipe(texts, batch_size=64)]

    def save(self, path: Path) -> None:
        path = Path(path)
        if (path / "pipeline").is_dir():
            shutil.rmtree(path / "pipeline")  # no stale files of an earlier pipeline
        path.mkdir(parents=True, exist_ok=True)
        self.nlp.to_disk(path / "pipeline")
        write_meta(
            path,
            {
                "backend": self.backend,
                "version": self.version,
                "labels": [*FLAT_LABELS, *NESTED_LABELS],
                "spacy_version": spacy.__version__,
                "pipeline": list(self.nlp.pipe_names),
                **self.info,
            },
        )


def load(path: Path) -> SpacyTagger:
    path = Path(path)
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    nlp = spacy.load(path / "pipeline")
    return SpacyTagger(nlp, {k: meta[k] for k in ("segmenter", "best_epoch") if k in meta})


# ------------------------------------------------------------------------------------------- training


def _dev_f1(nlp: Language, dev: Sequence[Example]) -> dict[str, float]:
    predicted = [_spans_of(doc) for doc in nlp.pipe([e.text for e in dev], batch_size=64)]
    scores = score_spans([e.spans for e in dev], predicted)
    flat = score_spans([layer(e.spans, FLAT_LABELS) for e in dev], [layer(p, FLAT_LABELS) for p in predicted])["ALL"]
    return {"ALL": scores["ALL"].f1, "flat": flat.f1, **{label: scores[label].f1 for label in NESTED_LABELS}}


def train(train: Sequence[Example], dev: Sequence[Example], config: dict[str, Any]) -> SpacyTagger:
    cfg = {**DEFAULT_CONFIG, **config}
    fix_random_seed(cfg["seed"])
    rng = random.Random(cfg["seed"])
    t0 = time.perf_counter()
    nlp = build_nlp(cfg)
    examples = [_to_spacy(nlp, ex) for ex in train]
    # spaCy's default Adam (L2 0.01 as weight decay, gradient clipping at 1.0), with weight averaging on request
    optimizer = Adam(
        learn_rate=cfg["learn_rate"], L2=0.01, L2_is_weight_decay=True, grad_clip=1.0, use_averages=cfg["average_params"]
    )
    nlp.initialize(lambda: examples, sgd=optimizer)
    shared = cfg["shared_tok2vec"]
    # what is selected on dev: the whole pipeline by ALL F1, or each component by its own layer's F1
    targets = {"ALL": None} if shared else {"flat": "ner", "REASON": "spancat"}
    best = {key: (-1.0, -1, b"") for key in targets}
    first = min(cfg["min_epochs"], cfg["epochs"])  # epochs before this one are not selected
    history = []
    for epoch in range(1, cfg["epochs"] + 1):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in minibatch(examples, size=cfg["batch_size"]):
            nlp.update(batch, drop=cfg["dropout"], sgd=optimizer, losses=losses)
        # scored and kept with the optimizer's moving averages of the weights, as spaCy's own loop does
        with nlp.use_params(optimizer.averages) if cfg["average_params"] else contextlib.nullcontext():
            f1 = _dev_f1(nlp, dev) if dev else {key: float(epoch) for key in ("ALL", "flat", *NESTED_LABELS)}
            for key, pipe in targets.items():
                if epoch >= first and f1[key] >= best[key][0]:  # ties: the later (longer trained) epoch
                    data = nlp.to_bytes() if pipe is None else nlp.get_pipe(pipe).to_bytes()
                    best[key] = (f1[key], epoch, data)
        history.append(
            {
                "epoch": epoch,
                "seconds": round(time.perf_counter() - t0, 1),
                "loss": {k: round(float(v), 2) for k, v in losses.items()},
                "dev_f1": {k: round(v, 4) for k, v in f1.items()},
            }
        )
        log.info("epoch %d %s", epoch, history[-1])
        last_best = max(first, *(b[1] for b in best.values()))
        if epoch - last_best >= cfg["patience"] or time.perf_counter() - t0 > cfg["max_train_seconds"]:
            break
    for key, pipe in targets.items():
        if pipe is None:
            nlp.from_bytes(best[key][2])
        else:
            nlp.get_pipe(pipe).from_bytes(best[key][2])
    info = {
        "segmenter": cfg["segmenter"],
        "best_epoch": {key: b[1] for key, b in best.items()},
        "epochs_run": len(history),
        "history": history,
    }
    return SpacyTagger(nlp, info)

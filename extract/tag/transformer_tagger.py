"""The transformer narrative tagger: a small character-level BERT encoder trained from scratch.

No pretrained Chinese encoder ships in a wheel reachable here, so the encoder is built from a
`transformers.BertConfig` (a few hundred thousand parameters, a few MB on disk) and trained on the gold
sentences; optionally its weights start from a masked-LM pre-training on unlabeled budget text
(`scripts/pretrain_mlm.py`, `config["init_from"]`).

Input, one position per character (gold offsets are character offsets, see `extract.tag.bio`):

* the character, normalised one-to-one (NFKC where that gives one character, lower case, every digit →
  "0" when `normalize_digits`), looked up in a vocabulary built from the training text;
* the surface-pattern marks of `extract.tag.patterns` (B/I of money, percent, count, comparator, reason
  cue, …) as a multi-hot vector projected into the embedding, and the coarse character class;

Output: two token-classification heads on the shared encoder, one BIO layer for the flat labels and one
for REASON (which may contain flat spans). Tags are decoded with a BIO-constrained Viterbi over the
softmax log-probabilities; a span's confidence is the mean probability of its characters' tags.
Sentences longer than the position table are tagged in overlapping windows, each character taking the
prediction of the window in which it is most central, so offsets always refer to the original text.

A saved tagger is a folder: `config.json` + `model.safetensors` (`save_pretrained`), `vocab.json`,
`meta.json`. Loading reads that folder only and runs on the CPU in eval mode.
"""

from __future__ import annotations

import copy
import hashlib
import json
import math
import random
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn
from transformers import BertConfig, BertModel, BertPreTrainedModel
from transformers.utils import logging as hf_logging

from extract.tag.base import write_meta
from extract.tag.bio import char_tags, spans_from_tags, tag_names, viterbi
from extract.tag.metrics import score_spans
from extract.tag.patterns import PATTERNS, char_class, pattern_marks
from extract.tag.spans import FLAT_LABELS, LABELS, NESTED_LABELS, REPO_ROOT, Example, Span, layer

BACKEND = "transformer"
FORMAT_VERSION = "1"

DEFAULT_CONFIG: dict[str, Any] = {
    # encoder (a transformers BertConfig, built from scratch)
    "hidden_size": 128,
    "num_layers": 2,
    "num_heads": 4,
    "intermediate_size": 256,
    "max_length": 256,  # positions, [CLS] and [SEP] included; longer sentences are tagged in windows
    "dropout": 0.1,
    # input
    "normalize_digits": True,
    "pattern_features": True,  # extract.tag.patterns marks + character class as extra embeddings
    "unk_dropout": 0.05,  # share of training characters replaced by [UNK], so unseen characters are handled
    "init_from": "extract/models/mlm-char",  # masked-LM pre-trained encoder (scripts/pretrain_mlm.py); "" = from scratch
    # training
    "epochs": 40,
    "select_from": 0.5,  # the best dev epoch is chosen in the second half only: dev has no TARGET and 1 QUANTITY
    "batch_size": 16,
    "lr": 1e-3,
    "weight_decay": 0.01,
    "warmup": 0.06,
    "reason_weight": 1.0,
    "ema": 0.0,  # > 0: exponential moving average of the weights (per step), evaluated and kept instead
    "seed": 13,
    "threads": 1,  # at most 2; on a shared 2-core CPU one thread is several times faster than two
    "device": "cpu",  # "cuda" when present
    # decoding
    "viterbi": True,
    "min_chars": 2,  # no gold span of any label is a single character
    "min_reason_chars": 4,  # the shortest gold REASON has 9 ("主要原因是项目调整")
}

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPECIALS = (PAD, UNK, CLS, SEP, MASK)
MARK_NAMES = tuple(f"{p}:{name}" for name in PATTERNS for p in ("B", "I"))
CHAR_CLASSES = ("[PAD]", "[SPECIAL]", "[MASK]", "D", "C", "L", "S", "comma", "stop", "open", "close", "colon", "P")
FLAT_TAGS = tag_names(FLAT_LABELS)
REASON_TAGS = tag_names(NESTED_LABELS)
IGNORE = -100


@contextmanager
def _quiet_transformers():
    """No progress bars or info logging from transformers while saving / loading (restored after)."""
    verbosity, bars = hf_logging.get_verbosity(), hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)
        if bars:
            hf_logging.enable_progress_bar()


# ---------------------------------------------------------------------------------------------- input


def normalize_char(ch: str, digits: bool) -> str:
    """One character → one character: NFKC (full-width → half-width) where that keeps one character,
    lower case, white space → " ", and every digit → "0" when `digits`."""
    c = unicodedata.normalize("NFKC", ch)
    if len(c) != 1:
        c = ch
    c = c.lower()
    if c.isspace():
        return " "
    if digits and c.isdigit():
        return "0"
    return c


@dataclass
class Vocab:
    chars: list[str]
    normalize_digits: bool

    def __post_init__(self) -> None:
        self.index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def build(cls, texts: Iterable[str], normalize_digits: bool, min_count: int = 1) -> Vocab:
        counts = Counter(normalize_char(ch, normalize_digits) for text in texts for ch in text)
        chars = sorted(c for c, n in counts.items() if n >= min_count and c not in SPECIALS)
        return cls([*SPECIALS, *chars], normalize_digits)

    def encode(self, text: str) -> list[int]:
        unk = self.index[UNK]
        return [self.index.get(normalize_char(ch, self.normalize_digits), unk) for ch in text]

    def to_json(self) -> dict[str, Any]:
        return {"chars": self.chars, "normalize_digits": self.normalize_digits}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Vocab:
        return cls(list(data["chars"]), bool(data["normalize_digits"]))


@dataclass
class Encoded:
    """One sentence as model input: ids, pattern marks (n × len(MARK_NAMES)), char classes."""

    ids: list[int]
    marks: np.ndarray
    classes: list[int]


def encode_text(text: str, vocab: Vocab) -> Encoded:
    mark_index = {m: i for i, m in enumerate(MARK_NAMES)}
    marks = np.zeros((len(text), len(MARK_NAMES)), dtype=np.float32)
    for i, names in enumerate(pattern_marks(text)):
        for name in names:
            marks[i, mark_index[name]] = 1.0
    class_index = {c: i for i, c in enumerate(CHAR_CLASSES)}
    classes = [class_index[char_class(ch)] for ch in text]
    return Encoded(vocab.encode(text), marks, classes)


def windows(n: int, size: int) -> list[tuple[int, int]]:
    """Character windows of at most `size` covering 0..n, overlapping by half a window."""
    if n <= size:
        return [(0, n)]
    stride = max(1, size // 2)
    out = []
    start = 0
    while True:
        end = min(start + size, n)
        out.append((end - size, end) if end - start < size else (start, end))
        if end >= n:
            return out
        start += stride


def batch_tensors(items: Sequence[tuple[Encoded, int, int]], vocab: Vocab, device: str) -> dict[str, torch.Tensor]:
    """[CLS] chars [SEP], padded: input_ids, attention_mask, marks, classes."""
    length = max(end - start for _, start, end in items) + 2
    ids = torch.full((len(items), length), vocab.index[PAD], dtype=torch.long)
    mask = torch.zeros((len(items), length), dtype=torch.long)
    marks = torch.zeros((len(items), length, len(MARK_NAMES)), dtype=torch.float32)
    classes = torch.zeros((len(items), length), dtype=torch.long)
    for row, (enc, start, end) in enumerate(items):
        n = end - start
        ids[row, 0] = vocab.index[CLS]
        ids[row, 1 : n + 1] = torch.tensor(enc.ids[start:end])
        ids[row, n + 1] = vocab.index[SEP]
        mask[row, : n + 2] = 1
        marks[row, 1 : n + 1] = torch.from_numpy(enc.marks[start:end])
        classes[row, 0] = classes[row, n + 1] = CHAR_CLASSES.index("[SPECIAL]")
        classes[row, 1 : n + 1] = torch.tensor(enc.classes[start:end])
    return {
        "input_ids": ids.to(device),
        "attention_mask": mask.to(device),
        "marks": marks.to(device),
        "classes": classes.to(device),
    }


# ---------------------------------------------------------------------------------------------- model


class CharEncoderMixin:
    """Embeddings shared by the tagger and the masked-LM pre-training model: characters, plus (when
    `config.pattern_features`) the pattern marks and character class, into a BertModel."""

    def _init_encoder(self, config: BertConfig) -> None:
        self.bert = BertModel(config, add_pooling_layer=False)
        if getattr(config, "pattern_features", True):
            self.mark_proj = nn.Linear(config.num_marks, config.hidden_size, bias=False)
            self.class_emb = nn.Embedding(config.num_char_classes, config.hidden_size)
        else:
            self.mark_proj = None
            self.class_emb = None

    def encode(self, input_ids, attention_mask, marks=None, classes=None) -> torch.Tensor:
        emb = self.bert.embeddings.word_embeddings(input_ids)
        if self.mark_proj is not None and marks is not None:
            emb = emb + self.mark_proj(marks) + self.class_emb(classes)
        return self.bert(inputs_embeds=emb, attention_mask=attention_mask).last_hidden_state


class CharTaggerModel(CharEncoderMixin, BertPreTrainedModel):
    """Character encoder + two token-classification heads (flat BIO, REASON BIO)."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config)
        self._init_encoder(config)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.flat_head = nn.Linear(config.hidden_size, config.num_flat_tags)
        self.reason_head = nn.Linear(config.hidden_size, config.num_reason_tags)
        self.post_init()

    def forward(self, input_ids, attention_mask, marks=None, classes=None):
        hidden = self.dropout(self.encode(input_ids, attention_mask, marks, classes))
        return self.flat_head(hidden), self.reason_head(hidden)


class CharMLMModel(CharEncoderMixin, BertPreTrainedModel):
    """Character encoder + a masked-LM head (for scripts/pretrain_mlm.py); its encoder weights have the
    same names as the tagger's, so a tagger can start from them."""

    def __init__(self, config: BertConfig) -> None:
        super().__init__(config)
        self._init_encoder(config)
        self.mlm_transform = nn.Sequential(
            nn.Linear(config.hidden_size, config.hidden_size),
            nn.GELU(),
            nn.LayerNorm(config.hidden_size, eps=config.layer_norm_eps),
        )
        self.mlm_decoder = nn.Linear(config.hidden_size, config.vocab_size)
        self.post_init()

    def forward(self, input_ids, attention_mask, marks=None, classes=None):
        return self.mlm_decoder(self.mlm_transform(self.encode(input_ids, attention_mask, marks, classes)))


def bert_config(config: dict[str, Any], vocab_size: int) -> BertConfig:
    return BertConfig(
        vocab_size=vocab_size,
        hidden_size=int(config["hidden_size"]),
        num_hidden_layers=int(config["num_layers"]),
        num_attention_heads=int(config["num_heads"]),
        intermediate_size=int(config["intermediate_size"]),
        max_position_embeddings=int(config["max_length"]),
        hidden_dropout_prob=float(config["dropout"]),
        attention_probs_dropout_prob=float(config["dropout"]),
        type_vocab_size=1,
        pad_token_id=SPECIALS.index(PAD),
        pattern_features=bool(config["pattern_features"]),
        num_marks=len(MARK_NAMES),
        num_char_classes=len(CHAR_CLASSES),
        num_flat_tags=len(FLAT_TAGS),
        num_reason_tags=len(REASON_TAGS),
        attn_implementation="eager",  # a little faster than sdpa on the CPU at these sizes
    )


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def resolve_device(device: str) -> str:
    if device.startswith("cuda") and not torch.cuda.is_available():
        print("transformer tagger: CUDA not available, using the CPU", file=sys.stderr)
        return "cpu"
    return device


# ---------------------------------------------------------------------------------------------- decoding


class TransformerTagger:
    backend = BACKEND

    def __init__(
        self, model: CharTaggerModel, vocab: Vocab, config: dict[str, Any], version: str = "", device: str = "cpu"
    ) -> None:
        self.model = model
        self.vocab = vocab
        self.config = config
        self.device = device
        self.version = version or f"{FORMAT_VERSION}+untrained"
        self.training: dict[str, Any] = {}

    @property
    def max_chars(self) -> int:
        return self.model.config.max_position_embeddings - 2

    @torch.no_grad()
    def char_probs(self, texts: Sequence[str], batch_size: int = 64) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """Per text: (flat probs n × tags, reason probs n × tags), from the most central window of each char."""
        was_training = self.model.training
        self.model.eval()
        encoded = [encode_text(t, self.vocab) for t in texts]
        items: list[tuple[int, int, int]] = []  # text index, start, end
        for k, text in enumerate(texts):
            if text:
                items.extend((k, s, e) for s, e in windows(len(text), self.max_chars))
        order = sorted(range(len(items)), key=lambda i: items[i][2] - items[i][1])
        flat_out = [torch.zeros((len(t), len(FLAT_TAGS))) for t in texts]
        reason_out = [torch.zeros((len(t), len(REASON_TAGS))) for t in texts]
        centrality = [torch.full((len(t),), -1.0) for t in texts]  # of the window each char's probs come from
        for b in range(0, len(order), batch_size):
            chunk = [items[i] for i in order[b : b + batch_size]]
            batch = batch_tensors([(encoded[k], s, e) for k, s, e in chunk], self.vocab, self.device)
            flat, reason = self.model(**batch)
            flat, reason = flat.float().softmax(-1).cpu(), reason.float().softmax(-1).cpu()
            for row, (k, s, e) in enumerate(chunk):
                pos = torch.arange(s, e)
                # distance to the nearest window edge that is not also an edge of the text
                left = (pos - s).float() if s > 0 else torch.full((e - s,), math.inf)
                right = (e - 1 - pos).float() if e < len(texts[k]) else torch.full((e - s,), math.inf)
                cen = torch.minimum(left, right)
                better = cen > centrality[k][s:e]
                idx = pos[better]
                flat_out[k][idx] = flat[row, 1 : e - s + 1][better]
                reason_out[k][idx] = reason[row, 1 : e - s + 1][better]
                centrality[k][idx] = cen[better]
        if was_training:
            self.model.train()
        return list(zip(flat_out, reason_out, strict=True))

    def _decode(self, text: str, probs: torch.Tensor, tags: Sequence[str], which: str) -> list[Span]:
        p = probs.numpy().astype(np.float64)
        use_viterbi = self.config.get("viterbi", True)
        path = viterbi(np.log(np.maximum(p, 1e-9)), tags) if use_viterbi else p.argmax(-1).tolist()
        scores = p[np.arange(len(path)), path].tolist() if path else []
        spans = spans_from_tags(text, [tags[t] for t in path], scores)
        shortest = int(self.config.get("min_reason_chars" if which == "reason" else "min_chars", 1))
        return [s for s in spans if s.end - s.start >= shortest]

    def predict(self, texts: Sequence[str]) -> list[list[Span]]:
        out = []
        for text, (flat, reason) in zip(texts, self.char_probs(texts), strict=True):
            spans = self._decode(text, flat, FLAT_TAGS, "flat") + self._decode(text, reason, REASON_TAGS, "reason")
            out.append(sorted(spans, key=lambda s: (s.start, s.end, s.label)))
        return out

    def save(self, path: Path) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        model = self.model.to("cpu")
        with _quiet_transformers():
            model.save_pretrained(path, safe_serialization=True)
        self.model.to(self.device)
        (path / "vocab.json").write_text(json.dumps(self.vocab.to_json(), ensure_ascii=False) + "\n", encoding="utf-8")
        digest = hashlib.sha256((path / "model.safetensors").read_bytes()).hexdigest()[:10]
        self.version = f"{FORMAT_VERSION}+{digest}"
        n_params = sum(p.numel() for p in self.model.parameters())
        write_meta(
            path,
            {
                "backend": BACKEND,
                "version": self.version,
                "labels": list(LABELS),
                "layers": {"flat": FLAT_TAGS, "reason": REASON_TAGS},
                "architecture": f"BertModel {model.config.num_hidden_layers}×{model.config.hidden_size} built from a config "
                f"(no pretrained hub weights), char vocab {len(self.vocab.chars)}, {n_params} parameters, "
                "pattern-mark + char-class embeddings, flat BIO + REASON BIO heads",
                "config": self.config,
                **({"training": self.training} if self.training else {}),
            },
        )


def load(path: Path) -> TransformerTagger:
    path = Path(path)
    meta = json.loads((path / "meta.json").read_text(encoding="utf-8"))
    vocab = Vocab.from_json(json.loads((path / "vocab.json").read_text(encoding="utf-8")))
    with _quiet_transformers():
        model = CharTaggerModel.from_pretrained(path, local_files_only=True)
    model.to("cpu").eval()
    return TransformerTagger(model, vocab, dict(meta.get("config", {})), meta.get("version", ""), "cpu")


# ---------------------------------------------------------------------------------------------- training


def _layer_ids(text: str, spans: Sequence[Span], labels: Sequence[str], tags: Sequence[str]) -> list[int]:
    index = {t: i for i, t in enumerate(tags)}
    return [index[t] for t in char_tags(text, layer(spans, labels))]


def _load_encoder(model: CharTaggerModel, init_dir: Path) -> int:
    """Copy the pre-trained encoder weights (same names, same shapes) into `model`; how many tensors."""
    from safetensors.torch import load_file

    state = load_file(str(init_dir / "model.safetensors"))
    own = model.state_dict()
    usable = {k: v for k, v in state.items() if k in own and own[k].shape == v.shape}
    model.load_state_dict(usable, strict=False)
    return len(usable)


def init_dir_of(config: dict[str, Any]) -> Path | None:
    raw = str(config.get("init_from") or "")
    if not raw:
        return None
    path = Path(raw)
    if not path.is_absolute():
        path = REPO_ROOT / path
    if not (path / "model.safetensors").is_file():
        print(f"transformer tagger: no pre-trained encoder in {path}; training from scratch", file=sys.stderr)
        return None
    return path


def length_batches(items: list, batch_size: int, rng: random.Random) -> list[list]:
    """Shuffled batches of similar length (less padding): shuffle, sort within pools of 8 batches, cut."""
    order = items[:]
    rng.shuffle(order)
    pool = batch_size * 8
    batches = []
    for p in range(0, len(order), pool):
        part = sorted(order[p : p + pool], key=lambda it: it[2] - it[1])
        batches.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def train(train: Sequence[Example], dev: Sequence[Example], config: dict[str, Any]) -> TransformerTagger:
    config = {**DEFAULT_CONFIG, **config}
    set_seed(int(config["seed"]))
    torch.set_num_threads(max(1, min(int(config["threads"]), 2)))
    device = resolve_device(str(config["device"]))
    verbose = bool(config.get("verbose", True))

    init_dir = init_dir_of(config)
    if init_dir is not None:
        init_config = json.loads((init_dir / "config.json").read_text(encoding="utf-8"))
        config.update(
            {
                "hidden_size": init_config["hidden_size"],
                "num_layers": init_config["num_hidden_layers"],
                "num_heads": init_config["num_attention_heads"],
                "intermediate_size": init_config["intermediate_size"],
                "max_length": init_config["max_position_embeddings"],
                "pattern_features": init_config.get("pattern_features", True),
            }
        )
        vocab = Vocab.from_json(json.loads((init_dir / "vocab.json").read_text(encoding="utf-8")))
        config["normalize_digits"] = vocab.normalize_digits
    else:
        vocab = Vocab.build((e.text for e in train), bool(config["normalize_digits"]))
    model = CharTaggerModel(bert_config(config, len(vocab.chars)))
    init_info: dict[str, Any] = {}
    if init_dir is not None:
        loaded = _load_encoder(model, init_dir)
        init_meta = json.loads((init_dir / "meta.json").read_text(encoding="utf-8")) if (init_dir / "meta.json").is_file() else {}
        excluded = tuple(init_meta.get("excluded_sources", ()))
        seen_dev = sorted({e.source for e in dev if not e.source.startswith(excluded)}) if excluded else []
        if seen_dev:
            print(
                f"transformer tagger: WARNING the pre-trained encoder in {init_dir} saw dev documents {seen_dev}; "
                "re-run scripts/pretrain_mlm.py after changing the splits",
                file=sys.stderr,
            )
        init_info = {
            "init_from": str(init_dir.relative_to(REPO_ROOT)) if init_dir.is_relative_to(REPO_ROOT) else str(init_dir),
            "init_tensors": loaded,
            "init_excluded_sources": list(excluded),
        }
        if verbose:
            print(f"transformer tagger: {loaded} encoder tensors from {init_dir}", file=sys.stderr)
    model.to(device)
    tagger = TransformerTagger(model, vocab, config, device=device)

    # training windows (gold sentences fit the position table; longer ones are cut into windows)
    size = int(config["max_length"]) - 2
    items = []
    for ex in train:
        if not ex.text:
            continue
        enc = encode_text(ex.text, vocab)
        flat = _layer_ids(ex.text, ex.spans, FLAT_LABELS, FLAT_TAGS)
        reason = _layer_ids(ex.text, ex.spans, NESTED_LABELS, REASON_TAGS)
        items.extend((enc, s, e, flat, reason) for s, e in windows(len(ex.text), size))

    batch_size = int(config["batch_size"])
    epochs = int(config["epochs"])
    steps = max(1, epochs * math.ceil(len(items) / batch_size))
    warmup = int(steps * float(config["warmup"]))
    no_decay = ("bias", "LayerNorm.weight", "LayerNorm.bias")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not n.endswith(no_decay)],
            "weight_decay": float(config["weight_decay"]),
        },
        {"params": [p for n, p in model.named_parameters() if n.endswith(no_decay)], "weight_decay": 0.0},
    ]
    optim = torch.optim.AdamW(groups, lr=float(config["lr"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda step: min((step + 1) / max(1, warmup), max(0.0, (steps - step) / max(1, steps - warmup)))
    )
    loss_fn = nn.CrossEntropyLoss(ignore_index=IGNORE)
    unk_id, unk_p = vocab.index[UNK], float(config["unk_dropout"])
    rng = random.Random(int(config["seed"]))
    dev_texts = [e.text for e in dev]
    select_from = max(1, round(epochs * float(config.get("select_from", 0.0))))
    ema_decay = float(config.get("ema", 0.0))
    ema = {n: p.detach().clone() for n, p in model.named_parameters()} if ema_decay > 0 else None
    best: tuple[float, int, dict[str, torch.Tensor] | None] = (-1.0, -1, None)
    history = []
    t0 = time.perf_counter()
    for epoch in range(epochs):
        model.train()
        total = 0.0
        for chunk in length_batches(items, batch_size, rng):
            batch = batch_tensors([(enc, s, e) for enc, s, e, _, _ in chunk], vocab, device)
            if unk_p > 0:
                drop = (torch.rand(batch["input_ids"].shape, device=device) < unk_p) & (batch["classes"] > 2)
                batch["input_ids"] = batch["input_ids"].masked_fill(drop, unk_id)
            length = batch["input_ids"].shape[1]
            gold_flat = torch.full((len(chunk), length), IGNORE, dtype=torch.long)
            gold_reason = torch.full((len(chunk), length), IGNORE, dtype=torch.long)
            for row, (_, s, e, flat, reason) in enumerate(chunk):
                gold_flat[row, 1 : e - s + 1] = torch.tensor(flat[s:e])
                gold_reason[row, 1 : e - s + 1] = torch.tensor(reason[s:e])
            flat_logits, reason_logits = model(**batch)
            loss = loss_fn(flat_logits.reshape(-1, flat_logits.shape[-1]), gold_flat.to(device).reshape(-1))
            loss = loss + float(config["reason_weight"]) * loss_fn(
                reason_logits.reshape(-1, reason_logits.shape[-1]), gold_reason.to(device).reshape(-1)
            )
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optim.step()
            sched.step()
            if ema is not None:
                with torch.no_grad():
                    for name, param in model.named_parameters():
                        ema[name].lerp_(param.detach(), 1.0 - ema_decay)
            total += float(loss.detach()) * len(chunk)
        live = None
        if ema is not None:  # evaluate (and keep) the averaged weights
            live = {k: v.detach().clone() for k, v in model.state_dict().items()}
            model.load_state_dict(ema, strict=False)
        if dev_texts:
            scores = score_spans([e.spans for e in dev], tagger.predict(dev_texts))
            f1 = scores["ALL"].f1
            history.append(
                {
                    "epoch": epoch + 1,
                    "loss": round(total / len(items), 4),
                    "dev_f1": {k: round(v.f1, 4) for k, v in scores.items() if v.support},
                }
            )
            if f1 > best[0] and epoch + 1 >= select_from:
                best = (f1, epoch + 1, copy.deepcopy(model.state_dict()))
            if verbose:
                per = " ".join(f"{k}={v.f1:.3f}" for k, v in scores.items() if v.support)
                print(
                    f"epoch {epoch + 1:3d}  loss {total / len(items):.4f}  dev {per}  ({time.perf_counter() - t0:.0f} s)",
                    file=sys.stderr,
                    flush=True,
                )
        if live is not None and epoch + 1 < epochs:
            model.load_state_dict(live)
    if best[2] is not None:
        model.load_state_dict(best[2])
    model.eval()
    tagger.config = config
    tagger.training = {
        **init_info,
        "best_epoch": best[1],
        "dev_f1": round(best[0], 4),
        "seconds": round(time.perf_counter() - t0, 1),
        "history": history,
    }
    return tagger

"""Character features shared by the window taggers (scikit-learn, CRF): the characters and bigrams
in a ±window, coarse character classes, the surface patterns covering i-1..i+1
(`extract.tag.patterns`), the jieba word around the character and the parts of speech of it and its
neighbours (a SUBJECT is a noun phrase: it ends before the verb), and sentence context (a reason cue
earlier in the sentence, the clause index, the distance to the next number and from the last one —
"抽调149名监管专员": the counted noun follows its count)."""

from __future__ import annotations

from functools import lru_cache

from extract.tag.patterns import PATTERNS, char_class, pattern_marks

_CLAUSE_END = frozenset("，,；;。：:")


@lru_cache(maxsize=64)
def _words(text: str) -> tuple[tuple[str, str, int, int], ...]:
    """jieba words with their part of speech and offsets (jieba is imported on first use: it builds its prefix
    dictionary then). Cached: a tagger may ask twice for one sentence."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    out, start = [], 0
    for pair in jieba.posseg.cut(text):
        out.append((pair.word, pair.flag, start, start + len(pair.word)))
        start += len(pair.word)
    return tuple(out)


def word_boundaries(text: str) -> frozenset[int]:
    """The offsets where a jieba word starts, and the end of the text."""
    return frozenset(start for _, _, start, _ in _words(text)) | {len(text)}


def char_features(text: str, window: int = 3) -> list[list[str]]:
    """Feature names of every character of `text`."""
    n = len(text)
    word_at: list[tuple[int, int]] = [(0, 0)] * n
    words = _words(text)
    for k, (_, _, s, e) in enumerate(words):
        for i in range(s, e):
            word_at[i] = (k, i - s)
    numbers = [m for name in ("money", "percent", "count") for m in PATTERNS[name].finditer(text)]
    number_start, number_end = [m.start() for m in numbers], [m.end() for m in numbers]
    pad = "␂" * window + text + "␃" * window
    classes = [char_class(c) for c in text]
    marks = pattern_marks(text)
    cue = PATTERNS["reason_cue"]
    cue_starts = [m.start() for m in cue.finditer(text)]
    feats: list[list[str]] = []
    clause = 0
    for i in range(n):
        j = i + window
        f = ["bias", f"c={pad[j]}", f"cls={classes[i]}"]
        for k in range(1, window + 1):
            f.append(f"c-{k}={pad[j - k]}")
            f.append(f"c+{k}={pad[j + k]}")
        f.append(f"b-1={pad[j - 1 : j + 1]}")
        f.append(f"b+1={pad[j : j + 2]}")
        f.append(f"b-2={pad[j - 2 : j]}")
        f.append(f"b+2={pad[j + 1 : j + 3]}")
        f.append(f"t-1={pad[j - 1 : j + 2]}")
        f.append(f"cls3={classes[i - 1] if i else '^'}|{classes[i]}|{classes[i + 1] if i + 1 < n else '$'}")
        for offset in (-1, 0, 1):
            if 0 <= i + offset < n:
                f.extend(f"m{offset}={m}" for m in marks[i + offset])
        before = [s for s in cue_starts if s <= i]
        f.append("cue_before" if before else "no_cue_before")
        if before:
            gap = text[before[-1] : i]
            f.append(f"cue_gap={min(len(gap) // 8, 6)}")
            f.append(f"cue_stops={min(sum(ch in '。；;' for ch in gap), 2)}")
        f.append(f"clause={min(clause, 4)}")
        k, pos = word_at[i]
        word, tag, ws, we = words[k]
        f.append(f"w={word}")
        f.append(f"wpos={'S' if we - ws == 1 else 'B' if pos == 0 else 'E' if ws + pos == we - 1 else 'M'}")
        f.append(f"w-1={words[k - 1][0] if k else '^'}")
        f.append(f"w+1={words[k + 1][0] if k + 1 < len(words) else '$'}")
        f.append(f"w+2={words[k + 2][0] if k + 2 < len(words) else '$'}")
        tag_before, tag_after = words[k - 1][1] if k else "^", words[k + 1][1] if k + 1 < len(words) else "$"
        f.extend((f"p={tag}", f"p-1={tag_before}", f"p+1={tag_after}", f"p3={tag_before}|{tag}|{tag_after}"))
        ahead = [s - we for s in number_start if s >= we]
        f.append(f"num_ahead={min(min(ahead), 12) // 3 if ahead else 'none'}")
        behind = [ws - e for e in number_end if e <= ws]
        f.append(f"num_behind={min(min(behind), 12) // 3 if behind else 'none'}")
        if text[i] in _CLAUSE_END:
            clause += 1
        feats.append(f)
    return feats

"""Copy detection for homework (ACT-6, issue 11 deliverable 2): near-duplicate texts among the submissions of
one assignment, across its classes.

Chinese needs no word segmentation here: a text is cut into overlapping character n-grams (shingles) after
normalizing what copiers change without changing the words: NFKC folds full-width letters, digits and
punctuation to half-width, then every punctuation mark, symbol and white space is dropped and Latin letters
are lower-cased, so "运球，抬头！" and "运球 抬头." are the same text. The assignment's prompt and any quoted
template text are taken out (their shingles removed from every text), so a class that all starts by copying
the question flags nobody; a text with too few shingles left is not scored at all.

Each text's shingle set becomes a MinHash signature (datasketch, scheme "affine32", computed for all shingles
at once with numpy from datasketch's own permutations); locality-sensitive hashing over bands of the signature
(datasketch's MinHashLSH in memory, or the same band keys stored in the database, see services) finds the
candidate pairs without comparing every pair, and each candidate pair is then scored exactly on the two
shingle sets. The score is the overlap coefficient |A∩B| / min(|A|, |B|): the share of the shorter text found
in the other, so that a text which copies a third of another scores about a third, where Jaccard would
dilute it by everything the copier wrote themselves.

Why n = 4 and 64 bands of 2 rows: an honest text on the same prompt shares few 4-character runs with another
(the words of the topic, rarely four in a row the same), so LSH with a low threshold (~0.12 Jaccard) still
yields few candidates; a copy with a few characters swapped per sentence (同义词替换) keeps about half its
4-grams, and a third copied scores about a third, both well above what honest texts reach
(tests/test_similarity.py).

This module knows nothing of Django: the management command (`teachnet homework similarity`), the services
and the benchmark all use it.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

SHINGLE = 4  # characters per shingle
NUM_PERM = 128
BANDS, ROWS = 64, 2  # BANDS * ROWS == NUM_PERM
SEED = 11
SCHEME = "affine32"
MIN_SHINGLES = 60  # below this (after the prompt is taken out) a text is too short to say anything about
THRESHOLD = 0.3  # the overlap score from which a pair is flagged

_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME)
_A, _B = (np.asarray(p, dtype=np.uint32) for p in _TEMPLATE.permutations)
_EMPTY = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
# Dropped before shingling: punctuation (P*), symbols (S*), separators (Z*) and controls/format (C*).
_DROP_CATEGORIES = ("P", "S", "Z", "C")


@dataclass(frozen=True)
class Normalized:
    text: str  # what is shingled
    positions: tuple[int, ...]  # for each character of text, its index in the original


def normalize(text: str) -> Normalized:
    """NFKC per character (so each kept character still knows where it came from), punctuation, symbols and
    white space dropped, Latin lower-cased."""
    chars: list[str] = []
    positions: list[int] = []
    for i, ch in enumerate(text or ""):
        for c in unicodedata.normalize("NFKC", ch):
            if unicodedata.category(c)[0] in _DROP_CATEGORIES:
                continue
            chars.append(c.lower())
            positions.append(i)
    return Normalized("".join(chars), tuple(positions))


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


def _shingle_hashes(text: str, k: int = SHINGLE) -> np.ndarray:
    """One 32-bit id per position: a polynomial hash of the k code points starting there (code points are
    < 2^21, so the 64-bit mix is exact before it is folded to 32 bits)."""
    codes = _codes(text)
    n = len(codes) - k + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint32)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(k):
        h = h * np.uint64(0x1F3D5B79) + codes[j : j + n]  # wraps modulo 2^64, as intended
    h ^= h >> np.uint64(29)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(32)
    return (h & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def shingles(text: str, k: int = SHINGLE) -> np.ndarray:
    """The sorted distinct shingle ids of a text (normalized here)."""
    return np.unique(_shingle_hashes(normalize(text).text, k))


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's finalizer, as datasketch applies it before its affine32 permutations.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(ids: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """The MinHash signature of a shingle set: for each of datasketch's permutations, the least permuted
    hash. The same values datasketch's MinHash.update_batch gives for these ids (tested), computed for all
    ids at once."""
    if len(ids) == 0:
        return _EMPTY.copy()
    hv = _fmix32(ids.astype(np.uint32))
    out = _EMPTY.copy()
    with np.errstate(over="ignore"):
        for start in range(0, len(hv), chunk):
            part = hv[start : start + chunk, None] * _A + _B
            np.minimum(out, part.min(axis=0), out=out)
    return out


def minhash(sig: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (its index and values), for an LSH index kept in a database column."""
    raw = sig.astype("<u4").tobytes()
    width = ROWS * 4
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            raw[band * width : (band + 1) * width], digest_size=8, person=band.to_bytes(2, "little")
        ).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def signature_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u4").tobytes()


def signature_from_bytes(raw: bytes) -> np.ndarray:
    return np.frombuffer(bytes(raw), dtype="<u4").astype(np.uint32)


@dataclass(frozen=True)
class Fingerprint:
    ids: np.ndarray  # sorted distinct shingle ids, the prompt's taken out
    signature: np.ndarray

    @property
    def size(self) -> int:
        return len(self.ids)


class Excluded:
    """The shingles of the prompt and of quoted template text, taken out of every text before it is scored."""

    def __init__(self, *texts: str) -> None:
        parts = [shingles(t) for t in texts if t and t.strip()]
        self.ids = np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.uint32)

    def remove(self, ids: np.ndarray) -> np.ndarray:
        if len(self.ids) == 0:
            return ids
        return ids[~np.isin(ids, self.ids, assume_unique=True)]


NOTHING = Excluded()


def fingerprint(text: str, *, excluded: Excluded = NOTHING, min_shingles: int = MIN_SHINGLES):
    """The text's fingerprint, or None when too little of it is the writer's own to be scored."""
    ids = excluded.remove(shingles(text))
    if len(ids) < min_shingles:
        return None
    return Fingerprint(ids=ids, signature=signature(ids))


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """|A∩B| / min(|A|, |B|) of two sorted distinct id arrays."""
    if len(a) == 0 or len(b) == 0:
        return 0.0
    shared = np.intersect1d(a, b, assume_unique=True)
    return len(shared) / min(len(a), len(b))


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.count_nonzero(a == b)) / NUM_PERM


def new_lsh() -> MinHashLSH:
    return MinHashLSH(num_perm=NUM_PERM, params=(BANDS, ROWS))


@dataclass(frozen=True)
class Pair:
    a: object
    b: object
    score: float

    def as_json(self) -> dict:
        return {"a": self.a, "b": self.b, "score": round(self.score, 3)}


def pairs_among(
    fingerprints: Iterable[tuple[object, Fingerprint]],
    *,
    threshold: float = THRESHOLD,
    progress=None,
) -> list[Pair]:
    """Every pair scoring threshold or more, each found once: texts are added to the index one by one and
    each is first asked against those before it. `progress(done)` is called now and then."""
    lsh = new_lsh()
    found: list[Pair] = []
    kept: dict[object, Fingerprint] = {}
    order: dict[object, int] = {}
    for n, (key, fp) in enumerate(fingerprints):
        mh = minhash(fp.signature)
        for other in lsh.query(mh):
            score = overlap(fp.ids, kept[other].ids)
            if score >= threshold:
                first, second = (other, key) if order[other] < n else (key, other)
                found.append(Pair(first, second, score))
        lsh.insert(key, mh, check_duplication=False)
        kept[key] = fp
        order[key] = n
        if progress is not None and n % 100 == 0:
            progress(n)
    found.sort(key=lambda p: (-p.score, order[p.a], order[p.b]))
    return found


def shared_spans(text_a: str, text_b: str, *, excluded: Excluded = NOTHING) -> tuple[list, list]:
    """The passages of each text that the other shares: (start, end) ranges of the original strings, merged,
    for the pair view to highlight. The prompt's shingles are not counted as shared."""
    na, nb = normalize(text_a), normalize(text_b)
    ha, hb = _shingle_hashes(na.text), _shingle_hashes(nb.text)
    common = np.intersect1d(ha, hb)
    common = excluded.remove(common) if len(common) else common
    return _spans(na, ha, common, len(text_a)), _spans(nb, hb, common, len(text_b))


def _spans(norm: Normalized, hashes: np.ndarray, common: np.ndarray, length: int) -> list[tuple[int, int]]:
    if len(hashes) == 0 or len(common) == 0:
        return []
    covered = np.zeros(len(norm.text), dtype=bool)
    for start in np.flatnonzero(np.isin(hashes, common)):
        covered[start : start + SHINGLE] = True
    spans: list[tuple[int, int]] = []
    for run_start, run_end in _runs(covered):
        start = norm.positions[run_start]
        end = norm.positions[run_end - 1] + 1
        if spans and start <= spans[-1][1] + 2:  # a dropped comma between two shared runs joins them
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def _runs(mask: np.ndarray) -> Iterator[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True)

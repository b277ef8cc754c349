"""Copy detection for homework (ACT-6, issue 11 deliverable 2): near-duplicate texts among the submissions of
one assignment, across its classes.

Chinese needs no word segmentation here: a text is cut into overlapping character n-grams (shingles) after
normalizing what copiers change without changing the words: NFKC folds full-width letters, digits and
punctuation to half-width, then every punctuation mark, symbol and white space is dropped and Latin letters
are lower-cased, so "运球，抬头！" and "运球 抬头." are the same text. The assignment's prompt and any quoted
template text are taken out (their shingles removed from every text), so a class that all starts by copying
the question flags nobody; a text with too few shingles left is not scored at all.

Each text's shingle set becomes a MinHash signature (datasketch's MinHash, scheme "affine32": its own
permutations applied with numpy to all shingles at once, the values update_batch would give). Locality-
sensitive hashing over bands of the signature finds the candidate pairs without comparing every pair: each
band of ROWS values becomes one 64-bit key (band_keys), kept in the database per submission (the stored
index, which a new submission is looked up in as it is submitted) and bucketed in memory for a full re-check,
the same keys both ways so the two can never disagree (datasketch's MinHashLSH hashes its bands its own way
and keeps them in process memory). A candidate whose estimated Jaccard cannot reach the threshold is dropped;
the rest are scored exactly on the two shingle sets. The score is the overlap coefficient
|A∩B| / min(|A|, |B|): the share of the shorter text found in the other, so that a text which copies a third
of another scores about a third, where Jaccard would dilute it by everything the copier wrote themselves.

Why n = 4 and 128 bands of 2 rows (256 permutations): an honest text on the same prompt shares few
4-character runs with another (the words of the topic, rarely four in a row the same: under 0.1 overlap, a
Jaccard near 0.02), so banding with a low threshold still yields few candidates; a copy with a few
characters swapped per sentence (同义词替换) keeps about half its 4-grams, and a third copied scores about a
third (a Jaccard near 0.2, found as a candidate with probability 1 - (1 - 0.2²)^128 > 99.4 %), both well above
what honest texts reach (tests/test_similarity.py, bench/homework_similarity.py).

This module knows nothing of Django: the management command (`teachnet homework similarity`), the services
and the benchmark all use it.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash

SHINGLE = 4  # characters per shingle
NUM_PERM = 256
BANDS, ROWS = 128, 2  # BANDS * ROWS == NUM_PERM
SEED = 11
SCHEME = "affine32"
MIN_SHINGLES = 60  # below this (after the prompt is taken out) a text is too short to say anything about
THRESHOLD = 0.3  # the overlap score from which a pair is flagged
PLAUSIBLE = 0.5  # a candidate whose estimated overlap is under half the threshold is not counted exactly

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


def _dropped_table() -> dict[int, None]:
    # The Basic Multilingual Plane's punctuation, symbols, separators and controls, for str.translate (the
    # rare ones beyond it stay in: they cannot make two different texts alike).
    return {cp: None for cp in range(0x10000) if unicodedata.category(chr(cp))[0] in _DROP_CATEGORIES}


_DROPPED = _dropped_table()


def normalized_text(text: str) -> str:
    """What normalize() gives, without the positions, at C speed: for fingerprints, where nothing is mapped
    back to the original."""
    return unicodedata.normalize("NFKC", text or "").translate(_DROPPED).lower()


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
    return np.unique(_shingle_hashes(normalized_text(text), k))


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's finalizer, as datasketch applies it before its affine32 permutations.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signature(ids: np.ndarray, chunk: int = 8192) -> np.ndarray:
    """The MinHash signature of a shingle set: for each of datasketch's permutations, the least permuted
    hash. The same values datasketch's MinHash.update_batch gives for these ids (tested), computed for all
    ids at once (permutations × ids, in place: several times faster than broadcasting the other way)."""
    if len(ids) == 0:
        return _EMPTY.copy()
    hv = _fmix32(ids.astype(np.uint32))
    out = _EMPTY.copy()
    with np.errstate(over="ignore"):
        for start in range(0, len(hv), chunk):
            part = np.multiply.outer(_A, hv[start : start + chunk])
            part += _B[:, None]
            np.minimum(out, part.min(axis=1), out=out)
    return out


def minhash(sig: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=sig, scheme=SCHEME)


_BAND_SALT = (np.arange(BANDS, dtype=np.uint64) + np.uint64(1)) * np.uint64(0x9E3779B97F4A7C15)


def band_keys(sig: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (its index and its ROWS values, mixed by splitmix64), for an LSH index
    kept in a database column."""
    rows = sig.astype(np.uint64).reshape(BANDS, ROWS)
    h = _BAND_SALT.copy()
    with np.errstate(over="ignore"):
        for r in range(ROWS):
            h = (h ^ rows[:, r]) * np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
        h *= np.uint64(0x94D049BB133111EB)
        h ^= h >> np.uint64(29)
    return h.view(np.int64).tolist()


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


def plausible(sig_a: np.ndarray, size_a: int, sig_b: np.ndarray, size_b: int, threshold: float) -> bool:
    """Whether the signatures leave the pair a chance of scoring `threshold`: the overlap the estimated
    Jaccard implies (|A∩B| = J (|A| + |B|) / (1 + J)), with a wide margin for the estimate's noise. Most
    LSH candidates are honest texts sharing a band by chance, dropped here before the exact count."""
    j = estimated_jaccard(sig_a, sig_b)
    implied = j * (size_a + size_b) / ((1 + j) * max(1, min(size_a, size_b)))
    return implied >= threshold * PLAUSIBLE


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
    """Every pair scoring threshold or more, each once, the earlier text first: texts sharing any band key
    (band_keys, the very keys the stored index holds) are candidates; the plausible ones are scored."""
    keys: list[object] = []
    fps: list[Fingerprint] = []
    buckets: dict[int, list[int]] = {}
    for n, (key, fp) in enumerate(fingerprints):
        keys.append(key)
        fps.append(fp)
        for band_key in band_keys(fp.signature):
            buckets.setdefault(band_key, []).append(n)
        if progress is not None and n % 200 == 0:
            progress(n // 2)
    candidates: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            candidates.update(itertools.combinations(members, 2))  # members are in order: (earlier, later)
    if not candidates:
        return []
    pairs = np.array(sorted(candidates), dtype=np.int64)
    sigs = np.stack([fp.signature for fp in fps])
    sizes = np.array([fp.size for fp in fps], dtype=np.float64)
    # The overlap each candidate's estimated Jaccard implies, for all at once; only the plausible are counted.
    j = np.empty(len(pairs))
    for start in range(0, len(pairs), 50_000):
        part = pairs[start : start + 50_000]
        j[start : start + 50_000] = (sigs[part[:, 0]] == sigs[part[:, 1]]).mean(axis=1)
    small = np.minimum(sizes[pairs[:, 0]], sizes[pairs[:, 1]])
    implied = j * (sizes[pairs[:, 0]] + sizes[pairs[:, 1]]) / ((1 + j) * np.maximum(small, 1))
    found: list[Pair] = []
    for a, b in pairs[implied >= threshold * PLAUSIBLE]:
        score = overlap(fps[a].ids, fps[b].ids)
        if score >= threshold:
            found.append(Pair(keys[a], keys[b], score))
    if progress is not None:
        progress(len(fps))
    order = {k: n for n, k in enumerate(keys)}
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

"""Copy detection as students really copy (issue 11, deliverable 2): the engine and `teachnet homework
similarity`, on hand-written texts on one prompt (tests/data): an original, and two honest texts that must
not be flagged; the copies are made from the original the ways copies are made."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from datasketch import MinHash

from teachnet.homework import similarity as sim

DATA = Path(__file__).parent / "data"
PROMPT = (DATA / "prompt.txt").read_text(encoding="utf-8").strip()
ORIGINAL = (DATA / "original.txt").read_text(encoding="utf-8").strip()
HONEST1 = (DATA / "honest1.txt").read_text(encoding="utf-8").strip()
HONEST2 = (DATA / "honest2.txt").read_text(encoding="utf-8").strip()
SENTENCE = re.compile(r"(?<=[。！？；])")
# What a copier puts in for a word: near synonyms, one character each (同义词替换).
SYNONYMS = dict(zip("学生教练球动要能进课时的我在和让", "习员授训篮作须会行堂候之本于与使", strict=True))


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE.split(text) if s.strip()]


def reordered(text: str, seed: int = 3) -> str:
    parts = sentences(text)
    random.Random(seed).shuffle(parts)
    return "".join(parts)


def punctuation_changed(text: str) -> str:
    """Half-width punctuation, spaces, full-width digits: what retyping in another input method does."""
    table = {ord("，"): ", ", ord("。"): ". ", ord("、"): "/", ord("；"): ";", ord("："): ": "}
    table |= {ord(d): chr(ord(d) + 0xFEE0) for d in "0123456789"}
    return text.translate(table).replace("第一", "第 一")


def synonyms_swapped(text: str, per_sentence: int = 3, seed: int = 5) -> str:
    rnd = random.Random(seed)
    out = []
    for s in sentences(text):
        chars = list(s)
        spots = [i for i, c in enumerate(chars) if c in SYNONYMS]
        for i in rnd.sample(spots, min(per_sentence, len(spots))):
            chars[i] = SYNONYMS[chars[i]]
        out.append("".join(chars))
    return "".join(out)


def third_copied(text: str, own: str) -> str:
    """A third of the original's sentences in the middle of one's own writing."""
    parts = sentences(text)
    mine = sentences(own)
    half = len(mine) // 2
    return "".join(mine[:half] + parts[len(parts) // 3 : 2 * len(parts) // 3] + mine[half:])


def fp(text: str):
    return sim.fingerprint(PROMPT + "\n" + text, excluded=sim.Excluded(PROMPT))


# --- The engine ---------------------------------------------------------------------------------------------


def test_normalizing_folds_width_and_drops_punctuation_and_space():
    assert sim.normalize("运球，抬头！ＡＢｃ１２ 3\u3000").text == "运球抬头abc123"
    assert sim.normalize(ORIGINAL).text == sim.normalize(punctuation_changed(ORIGINAL)).text


def test_signature_is_datasketch_minhash():
    ids = sim.shingles(ORIGINAL)
    m = MinHash(num_perm=sim.NUM_PERM, seed=sim.SEED, scheme=sim.SCHEME, hashfunc=lambda x: x)
    m.update_batch([int(i) for i in ids])
    assert np.array_equal(m.hashvalues, sim.signature(ids))


@pytest.mark.parametrize(
    "copy",
    [
        pytest.param(ORIGINAL, id="whole copy"),
        pytest.param(reordered(ORIGINAL), id="sentences reordered"),
        pytest.param(punctuation_changed(ORIGINAL), id="punctuation and width changed"),
        pytest.param(synonyms_swapped(ORIGINAL), id="a few characters swapped per sentence"),
        pytest.param(third_copied(ORIGINAL, HONEST1), id="a third copied"),
    ],
)
def test_each_way_of_copying_is_flagged(copy):
    original, copied = fp(ORIGINAL), fp(copy)
    assert sim.overlap(original.ids, copied.ids) >= sim.THRESHOLD
    # And LSH finds the pair as a candidate: it is flagged, not only scored.
    pairs = sim.pairs_among([("original", original), ("copy", copied), ("honest", fp(HONEST2))])
    assert [(p.a, p.b) for p in pairs] == [("original", "copy")]


def test_honest_texts_on_the_same_prompt_are_not_flagged():
    texts = {"o": fp(ORIGINAL), "h1": fp(HONEST1), "h2": fp(HONEST2)}
    for a, b in (("o", "h1"), ("o", "h2"), ("h1", "h2")):
        assert sim.overlap(texts[a].ids, texts[b].ids) < 0.1
    assert sim.pairs_among(texts.items()) == []


def test_the_prompt_copied_into_every_text_flags_nobody():
    with_prompt = [
        (k, fp(PROMPT + "\n" + PROMPT + t)) for k, t in (("o", ORIGINAL), ("h1", HONEST1), ("h2", HONEST2))
    ]
    assert sim.pairs_among(with_prompt) == []
    # Without taking the prompt out, two short answers that both restate it would look alike.
    short = "我的设计如下。" * 3
    assert sim.fingerprint(PROMPT + short, excluded=sim.Excluded(PROMPT)) is None


def test_very_short_texts_are_not_scored():
    assert sim.fingerprint("同意。", excluded=sim.NOTHING) is None
    assert sim.fingerprint(ORIGINAL[:40]) is None
    assert sim.fingerprint(ORIGINAL) is not None


def test_rare_characters_survive_shingling():
    text = "𠀀𪚥" * 40 + ORIGINAL
    assert sim.overlap(sim.shingles(text), sim.shingles(ORIGINAL)) > 0.8
    assert "𠀀𪚥" in sim.normalize(text).text


def test_shared_passages_map_back_to_the_original_text():
    copy = punctuation_changed(ORIGINAL[:200]) + HONEST2[:300]
    spans_a, spans_b = sim.shared_spans(ORIGINAL, copy)
    assert spans_a and spans_b
    marked_b = "".join(copy[s:e] for s, e in spans_b)
    assert "行进间运球" in marked_b
    assert HONEST2[150:200] not in marked_b


def test_band_keys_are_stable_signed_64_bit():
    sig = fp(ORIGINAL).signature
    keys = sim.band_keys(sig)
    assert len(keys) == sim.BANDS and keys == sim.band_keys(
        sim.signature_from_bytes(sim.signature_bytes(sig))
    )
    assert all(-(2**63) <= k < 2**63 for k in keys)


# --- The command --------------------------------------------------------------------------------------------


def _write(path: Path, rows) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


def _run(*args, tmp_path: Path):
    env = {
        **os.environ,
        "TEACHNET_VAR_DIR": str(tmp_path / "var"),
        "DJANGO_SETTINGS_MODULE": "teachnet.settings",
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "teachnet.cli", "homework", "similarity", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A homework set with every kind of copy planted, and the honest texts beside them."""
    tmp = tmp_path_factory.mktemp("hw")
    rows = [
        {"id": "orig", "text": PROMPT + ORIGINAL},
        {"id": "whole", "text": PROMPT + ORIGINAL},
        {"id": "reorder", "text": PROMPT + reordered(ORIGINAL)},
        {"id": "punct", "text": PROMPT + punctuation_changed(ORIGINAL)},
        {"id": "synonyms", "text": PROMPT + synonyms_swapped(ORIGINAL)},
        {"id": "third", "text": PROMPT + third_copied(ORIGINAL, HONEST1)},
        {"id": 7, "text": PROMPT + HONEST2},
        {"id": "short", "text": PROMPT + "已完成。"},
    ]
    (tmp / "prompt.txt").write_text(PROMPT, encoding="utf-8")
    return _write(tmp / "set.jsonl", rows), tmp / "prompt.txt"


def test_command_flags_every_planted_copy_and_exits_1(planted, tmp_path):
    jsonl, prompt = planted
    done = _run(str(jsonl), "--prompt", str(prompt), "--json", tmp_path=tmp_path)
    assert done.returncode == 1, done.stderr
    pairs = json.loads(done.stdout)
    assert all(set(p) == {"a", "b", "score"} and 0 <= p["score"] <= 1 for p in pairs)
    found = {frozenset((p["a"], p["b"])) for p in pairs}
    for copy in ("whole", "reorder", "punct", "synonyms", "third"):
        assert frozenset(("orig", copy)) in found, copy
    assert not any(7 in pair for pair in found)  # the honest text, with an integer id
    assert "short" in done.stderr  # named as not scored


def test_command_exits_0_when_nothing_is_flagged(tmp_path):
    jsonl = _write(
        tmp_path / "honest.jsonl",
        [{"id": i, "text": PROMPT + t} for i, t in enumerate([ORIGINAL, HONEST1, HONEST2])],
    )
    prompt = tmp_path / "p.txt"
    prompt.write_text(PROMPT, encoding="utf-8")
    done = _run(str(jsonl), "--prompt", str(prompt), "--json", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ('{"id": 1, "text": "一"}\n{"id": 2, "text": 三}\n', 2, "not JSON"),
        ('{"id": 1, "text": "一"}\n\n{"id": 1, "text": "二"}\n', 3, "already given on line 1"),
        ('{"id": 1}\n', 1, "missing text"),
        ("[1, 2]\n", 1, "expected an object"),
        ('{"id": 1, "text": 5}\n', 1, "text must be a string"),
    ],
)
def test_command_refuses_unusable_input_naming_the_line(tmp_path, content, line, words):
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    done = _run(str(path), "--json", tmp_path=tmp_path)
    assert done.returncode == 2
    assert f"bad.jsonl:{line}:" in done.stderr and words in done.stderr
    assert done.stdout.strip() == ""


def test_command_refuses_bytes_that_are_not_utf8_and_missing_files(tmp_path):
    path = tmp_path / "gbk.jsonl"
    path.write_bytes('{"id": 1, "text": "一"}\n'.encode() + '{"id": 2, "text": "中文"}\n'.encode("gbk"))
    done = _run(str(path), "--json", tmp_path=tmp_path)
    assert done.returncode == 2 and "gbk.jsonl:2: not UTF-8" in done.stderr
    done = _run(str(tmp_path / "missing.jsonl"), "--json", tmp_path=tmp_path)
    assert done.returncode == 2 and "cannot read" in done.stderr
    done = _run(str(path), "--prompt", str(tmp_path / "nope.txt"), tmp_path=tmp_path)
    assert done.returncode == 2

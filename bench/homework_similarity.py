"""Benchmark: copy detection over one assignment (issue 11, "Speed"): 5,000 submissions of about 1,500 Chinese
characters, the full re-check under 60 s on this 2-core machine and one new submission checked under 200 ms;
the baseline, a naive all-pairs comparison (exact Jaccard of the shingle sets), timed on a sample and scaled.

    .venv/bin/python bench/homework_similarity.py                      # SQLite (a scratch test database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/NAME .venv/bin/python bench/homework_similarity.py
        [--submissions 5000] [--chars 1500] [--new 20] [--sample 300]

One run: a scratch database (never the one pytest reuses) with the world of bench/homework_world.py: 50
classes of 100 learners, each with a submission written by the seeded generator (teachnet.homework.textgen),
among them planted copies of every kind students make (whole, sentences reordered, punctuation and width
changed, characters swapped per sentence, a third copied). Then:

- the full re-check, as the page's button runs it (services.similarity_recheck), from nothing stored: every
  text normalized and shingled, its MinHash signature computed (datasketch's permutations), the band keys
  bucketed, candidates scored exactly, and the database written: 128 band keys per submission (the stored
  index), signatures, the pairs; then once more with nothing changed (only compared, nothing rewritten);
- a new submission checked as it is submitted (services.similarity_index), --new times, half of them copies
  of an earlier text and half honest: the band keys looked up in the stored index, the plausible candidates
  scored, the submission's keys and any pair written;
- the baseline: every pair of a --sample of the texts compared by exact Jaccard of their shingle sets
  (Python sets), timed and scaled to all pairs of the assignment.

Prints the figures, whether every planted copy was found and no honest pair flagged, and a PASS/FAIL line
per limit; exits 1 when one is missed.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

from verdict import Limit, Verdict, add_arguments

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "teachnet.settings")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "bench-homework-similarity")
os.environ.setdefault("LOG_LEVEL", "WARNING")

LIMITS = {
    "recheck_s": Limit("<", 60, "full re-check of the assignment", " s"),
    "single_ms": Limit("<", 200, "one new submission checked (p95)", " ms"),
    "missed": Limit("<=", 0, "planted copies not flagged"),
    "false": Limit("<=", 0, "honest pairs flagged"),
}
SEED = 2026
PER_CLASS = 100


def texts_with_copies(n: int, chars: int, rnd: random.Random):
    """n texts, about 1 in 100 a planted copy of an earlier one (each kind in turn)."""
    from teachnet.homework import textgen

    texts, planted = [], []
    kinds = textgen.COPY_KINDS
    for i in range(n):
        if i > 10 and i % 100 == 50:
            source = rnd.randrange(i)
            kind = kinds[len(planted) % len(kinds)]
            texts.append(textgen.copied(kind, texts[source], rnd, own=textgen.essay(rnd, chars=chars)))
            planted.append((source, i, kind))
        else:
            texts.append(textgen.essay(rnd, chars=chars))
    return texts, planted


def baseline_all_pairs(texts: list[str], sample: int) -> tuple[float, int]:
    """Seconds for every pair of `sample` texts by exact Jaccard of shingle sets, and the pairs compared."""
    from teachnet.homework import similarity as sim

    sets = [set(sim.shingles(t).tolist()) for t in texts[:sample]]
    started = time.perf_counter()
    pairs = 0
    for i in range(len(sets)):
        a = sets[i]
        for j in range(i + 1, len(sets)):
            b = sets[j]
            _ = len(a & b) / len(a | b)
            pairs += 1
    return time.perf_counter() - started, pairs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=5000)
    parser.add_argument("--chars", type=int, default=1500)
    parser.add_argument("--new", type=int, default=20, help="new submissions checked one by one")
    parser.add_argument("--sample", type=int, default=300, help="texts compared all-pairs for the baseline")
    add_arguments(parser, LIMITS)
    args = parser.parse_args()
    verdict = Verdict(LIMITS, args.limit)

    import django

    django.setup()
    from django.db import connection

    old_name = connection.settings_dict["NAME"]
    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test["NAME"] = str(Path(old_name).with_name("bench_homework_similarity.sqlite3"))
    else:
        test["NAME"] = f"{old_name}_bench_homework_similarity"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
    try:
        run(args, verdict)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    verdict.finish()


def run(args, verdict: Verdict) -> None:
    from django.db import connection
    from homework_world import build

    from teachnet.homework import services, textgen
    from teachnet.homework.models import Assignment, SimilarityBand, SimilarityPair, Submission

    rnd = random.Random(SEED)
    started = time.perf_counter()
    total = args.submissions + args.new
    texts, planted = texts_with_copies(args.submissions, args.chars, rnd)
    classes = -(-total // PER_CLASS)
    world = build(
        classes=classes, per_class=PER_CLASS, texts=texts, planted_pairs=[(a, b) for a, b, _k in planted]
    )
    mean_chars = statistics.mean(len(t) for t in texts)
    print(
        f"database: {connection.vendor}; world: {args.submissions:,} submissions (about {mean_chars:,.0f} "
        f"characters each) in {classes} classes of one assignment, {len(planted)} planted copies "
        f"({', '.join(f'{k} {sum(1 for p in planted if p[2] == k)}' for k in textgen.COPY_KINDS)}); "
        f"built in {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.2f}"
    )
    assignment = Assignment.objects.get(pk=world.assignment_id)

    # The full re-check.
    started = time.perf_counter()
    result = services.similarity_recheck(assignment=assignment)
    recheck_s = time.perf_counter() - started
    found = {frozenset(p) for p in SimilarityPair.objects.values_list("first_id", "second_id")}
    missed = world.planted - found
    false = found - world.planted
    # Two copies of one source are copies of each other too: a flagged pair within one planted group is right.
    root = {}
    for a, b, _kind in planted:
        source = world.submission_ids[a]
        root.setdefault(source, source)
        root[world.submission_ids[b]] = root[source]
    false = {p for p in false if len({root.get(x, x) for x in p}) > 1}
    bands = SimilarityBand.objects.filter(assignment=assignment).count()
    print(
        f"full re-check: {recheck_s:.1f} s for {result.checked:,} texts ({result.scored:,} long enough to "
        f"score), {result.pairs} pairs flagged, {bands:,} band keys stored "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in result.phases.items())})"
    )
    by_kind = {k: [0, 0] for k in textgen.COPY_KINDS}
    for a, b, kind in planted:
        pair = frozenset((world.submission_ids[a], world.submission_ids[b]))
        by_kind[kind][0] += 1
        by_kind[kind][1] += pair in found
    print("planted copies found: " + ", ".join(f"{k} {f}/{n}" for k, (n, f) in by_kind.items()))
    started = time.perf_counter()
    again = services.similarity_recheck(assignment=assignment)
    print(
        f"the re-check again, nothing changed since: {time.perf_counter() - started:.1f} s "
        f"({', '.join(f'{k} {v:.1f} s' for k, v in again.phases.items())}), {again.pairs} pairs"
    )
    scores = SimilarityPair.objects.order_by("score").values_list("score", flat=True)
    if scores:
        print(f"flagged scores: lowest {scores[0]:.2f}, highest {scores[len(scores) - 1]:.2f}")

    # New submissions checked as they are submitted.
    from teachnet.accounts.models import User
    from teachnet.core.richtext import clean_html, plain_text
    from teachnet.training.models import ClassMembership

    taken = set(Submission.objects.filter(assignment=assignment).values_list("learner_id", flat=True))
    free = list(
        ClassMembership.objects.filter(training_class_id__in=world.class_ids)
        .exclude(enrollment__user_id__in=taken)
        .values_list("enrollment__user_id", "training_class_id")[: args.new]
    )
    timings, flagged_new = [], 0
    for n, (user_id, class_id) in enumerate(free):
        if n % 2 == 0:
            text = textgen.copied(textgen.COPY_KINDS[n // 2 % 5], texts[rnd.randrange(len(texts))], rnd)
        else:
            text = textgen.essay(rnd, chars=args.chars)
        body = clean_html(text)
        s = Submission.objects.create(
            assignment=assignment, learner=User(pk=user_id), training_class_id=class_id, state="submitted",
            body=body, body_text=plain_text(body),
        )  # fmt: skip
        s.assignment = assignment
        started = time.perf_counter()
        pairs = services.similarity_index(submission=s)
        timings.append((time.perf_counter() - started) * 1000)
        flagged_new += bool(pairs) == (n % 2 == 0)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))] if timings else float("nan")
    print(
        f"one new submission checked: p50 {statistics.median(timings):.0f} ms, p95 {p95:.0f} ms, "
        f"max {timings[-1]:.0f} ms over {len(timings)} ({flagged_new} of {len(timings)} flagged as expected: "
        "copies flagged, honest ones not)"
    )

    # The baseline: naive all pairs on a sample, scaled to the assignment.
    sample_s, sample_pairs = baseline_all_pairs(texts, args.sample)
    all_pairs = args.submissions * (args.submissions - 1) // 2
    scaled = sample_s / sample_pairs * all_pairs
    print(
        f"baseline, naive all-pairs exact Jaccard: {sample_pairs:,} pairs of {args.sample} texts in "
        f"{sample_s:.1f} s, scaled to {all_pairs:,} pairs: {scaled:,.0f} s ({scaled / 60:.0f} min); "
        f"the full re-check is {scaled / recheck_s:.0f}x faster"
    )
    verdict.check("recheck_s", recheck_s)
    verdict.check("single_ms", p95)
    verdict.check("missed", len(missed))
    verdict.check("false", len(false))


if __name__ == "__main__":
    main()

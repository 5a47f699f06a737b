"""The practice exam's rules: which questions it asks, and how its result reads by topic.

An exam of N questions covers the whole pack in proportion: each topic gets the share of the
N that its questions have of the pack's questions (largest-remainder rounding, so the shares
add up to N exactly), and when N is at least the number of topics every topic with questions
gets one at least. A question counts for its *first* topic (its main one), so the topics split
the questions without overlap. The draw is seeded: the same seed gives the same exam.

After the exam, `topic_scores` gives score and count per topic, weakest first, and
`topic_title` a topic's name in the learner's language (from the interface words).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Sequence

import numpy as np

#: A topic where the learner scored less than this fraction is one to review.
WEAK_BELOW = 0.8


def exam_topic(question) -> str:
    """The topic a question counts for in an exam: its first (main) one."""
    return question.topics[0]


def topic_quotas(counts: dict[str, int], total: int) -> dict[str, int]:
    """How many of `total` questions each topic gets, given its number of questions `counts`
    (in the order to list topics; ties go to the earlier topic).

    Largest remainder: each topic gets the whole part of its exact share, then the topics
    with the largest fractional parts one more each, until the quotas add up to `total`. If
    `total` is at least the number of topics with questions, a topic left at 0 takes one from
    the topic most over its exact share. `total` larger than the questions is capped.
    """
    if isinstance(total, bool) or not isinstance(total, (int, np.integer)) or total < 1:
        raise ValueError(f"an exam needs at least 1 question, got {total!r}")
    counts = {topic: count for topic, count in counts.items() if count > 0}
    available = sum(counts.values())
    if not available:
        raise ValueError("an exam needs at least 1 question, and there are none to draw from")
    total = min(int(total), available)
    shares = {topic: Fraction(total * count, available) for topic, count in counts.items()}
    quotas = {topic: int(share) for topic, share in shares.items()}  # floor: shares are ≥ 0
    by_remainder = sorted(counts, key=lambda topic: -(shares[topic] - quotas[topic]))
    for topic in by_remainder[:total - sum(quotas.values())]:
        quotas[topic] += 1
    if total >= len(counts):
        for topic in [topic for topic in counts if quotas[topic] == 0]:
            # a donor exists: the quotas add up to total ≥ number of topics, and this one has 0
            donor = max((t for t in counts if quotas[t] > 1),
                        key=lambda t: quotas[t] - shares[t])
            quotas[donor] -= 1
            quotas[topic] = 1
    return quotas


def draw_exam(questions: Sequence, total: int, seed: int) -> list:
    """`total` of `questions` (all of them if there are fewer), each topic in proportion to its
    share of `questions` (see `topic_quotas`), in an order drawn from `seed`."""
    by_topic: dict[str, list] = {}
    for question in questions:
        by_topic.setdefault(exam_topic(question), []).append(question)
    quotas = topic_quotas({topic: len(group) for topic, group in by_topic.items()}, total)
    rng = np.random.default_rng(seed)
    drawn = [group[index] for topic, group in by_topic.items()
             for index in rng.choice(len(group), size=quotas[topic], replace=False)]
    return [drawn[index] for index in rng.permutation(len(drawn))]


@dataclass(frozen=True)
class TopicScore:
    """A topic's result in an exam: `score` points out of `count` questions."""

    topic: str
    score: float
    count: int

    @property
    def fraction(self) -> float:
        return self.score / self.count

    @property
    def weak(self) -> bool:
        return self.fraction < WEAK_BELOW


def topic_scores(results: Iterable[tuple[str, float]],
                 topic_order: Sequence[str] = ()) -> list[TopicScore]:
    """(topic, points) for every question asked (0 for one not answered) → one `TopicScore`
    per topic, weakest first (then the topic with more questions, then the topic first in
    `topic_order`, then first seen)."""
    totals: dict[str, list] = {}
    for topic, points in results:
        score_and_count = totals.setdefault(topic, [0.0, 0])
        score_and_count[0] += points
        score_and_count[1] += 1
    scores = [TopicScore(topic, score, count) for topic, (score, count) in totals.items()]
    listed = {topic: index for index, topic in enumerate(topic_order)}
    seen = {topic: index for index, topic in enumerate(totals)}
    return sorted(scores, key=lambda s: (s.fraction, -s.count,
                                         listed.get(s.topic, len(listed)), seen[s.topic]))


def topic_title(topic: str, text: dict) -> str:
    """A topic's name for the learner: the interface words' "topic <id>" entry in their
    language, or, for a topic of another pack, its id made readable ("minima-saddle-points"
    → "Minima saddle points")."""
    return text.get(f"topic {topic}") or topic.replace("-", " ").capitalize()

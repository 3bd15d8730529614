"""The method's own words: buyer roles, levels, relationship stages, SPIN kinds.

The models only hold codes (`evaluator`, `middle`, `N`); every screen and
every message that explains them to a salesperson takes the words from here,
so `map`, `show`, `check` and `review` speak the same language as
docs/method.md (the method in English, with its Chinese terms).
"""

from __future__ import annotations

from dataclasses import dataclass

# A role as a noun for messages: "an evaluator", "a financial buyer".
ROLE_NOUNS: dict[str, str] = {
    "decision": "decision buyer",
    "financial": "financial buyer",
    "technical": "technical buyer",
    "user": "user buyer",
    "evaluator": "evaluator",
    "coach": "coach",
    "influencer": "influencer",
}

# What each role does in the buying centre (docs/method.md section 3).
ROLE_MEANINGS: dict[str, str] = {
    "decision": "makes the final call",
    "financial": "controls the budget",
    "technical": "sets and checks the technical standard",
    "user": "will use what is bought",
    "evaluator": "sits on the evaluation",
    "coach": "our insider: wants us to win",
    "influencer": "close to the decision maker; sways it by recommendation and veto",
}

LEVEL_NAMES: dict[str, str] = {
    "decision": "decision level",
    "management": "management level",
    "operations": "operations level",
}

# Attitude as a noun, singular and plural.
ATTITUDE_NOUNS: dict[str, tuple[str, str]] = {
    "supporter": ("supporter", "supporters"),
    "opponent": ("opponent", "opponents"),
    "neutral": ("neutral person", "neutral people"),
    "unknown": ("person of unknown attitude", "people of unknown attitude"),
}

INFLUENCE_ORDER: dict[str | None, int] = {"high": 0, "medium": 1, "low": 2, None: 3}
# Whom to win over first: the undecided before the unknown before the opposed.
ATTITUDE_ORDER: dict[str, int] = {"neutral": 0, "unknown": 1, "opponent": 2, "supporter": 3}


@dataclass(frozen=True)
class RelationshipStage:
    """A stage of the account relationship and what it means for our share of spend."""

    code: str
    meaning: str
    share_of_wallet: str


RELATIONSHIP_STAGES: dict[str, RelationshipStage] = {
    r.code: r
    for r in (
        RelationshipStage("gestation", "a new prospect, or a customer we lost", "0%"),
        RelationshipStage("initial", "the customer buys little from us; contact runs between "
                          "the salesperson and a liaison", "small"),
        RelationshipStage("middle", "trust is established; the customer still buys from others "
                          "too", "30–50%"),
        RelationshipStage("high", "wider cooperation; loyalty is being built", "50–100%"),
        RelationshipStage("strategic", "a strategic partnership", "100%"),
        RelationshipStage("interrupted", "the relationship has lapsed", "—"),
    )
}

SPIN_KINDS: dict[str, str] = {
    "S": "Situation",
    "P": "Problem",
    "I": "Implication",
    "N": "Need-payoff",
}

# What to ask when a kind of need is still missing (docs/method.md section 5).
SPIN_ADVICE: dict[str, str] = {
    "S": "ask situation questions (6W3H: who, what, where, when, why, which; how, how much, "
    "how long)",
    "P": "ask problem questions: what is hard, what fails, what they are unhappy with",
    "I": "ask implication questions: what the problem costs them, and whom it hurts",
    "N": "ask need-payoff questions: what solving it would be worth to them",
}


def a(noun: str) -> str:
    """The noun with its indefinite article: 'an evaluator', 'a supporter'."""
    vowel = noun[:1].lower() in "aeiou" and not noun.lower().startswith(("us", "uni", "eu"))
    return ("an " if vowel else "a ") + noun


def or_list(words: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]


def and_list(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]

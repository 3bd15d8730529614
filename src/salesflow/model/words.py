"""The method's own words: buyer roles, levels, relationship stages, SPIN kinds.

The models only hold codes (`evaluator`, `middle`, `N`); every screen and
every message that explains them to a salesperson takes the words from here,
so `map`, `show`, `check` and `review` speak the same language as
docs/method.md (the method in English, with its Chinese terms).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from salesflow.model.i18n import N_, _, is_zh, pgettext

V = TypeVar("V")


class Words(Mapping[str, V], Generic[V]):
    """A table of the method's words, kept in English and said in the invocation's language.

    `ROLE_NOUNS["coach"]` is "coach" or "教练" depending on who asks: the words
    are translated where they are read, never at import.
    """

    def __init__(self, items: dict[str, V]) -> None:
        self._items = items

    def __getitem__(self, key: str) -> V:
        return _said(self._items[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


def _said(value: V) -> V:
    if isinstance(value, str):
        return _(value)  # type: ignore[return-value]
    if isinstance(value, tuple):
        return tuple(_(v) for v in value)  # type: ignore[return-value]
    if isinstance(value, RelationshipStage):
        return dataclasses.replace(
            value, meaning=_(value.meaning), share_of_wallet=_(value.share_of_wallet))
    return value

# A role as a noun for messages: "an evaluator", "a financial buyer".
ROLE_NOUNS: Words[str] = Words({
    "decision": N_("decision buyer"),
    "financial": N_("financial buyer"),
    "technical": N_("technical buyer"),
    "user": N_("user buyer"),
    "evaluator": N_("evaluator"),
    "coach": N_("coach"),
    "influencer": N_("influencer"),
})

# What each role does in the buying centre (docs/method.md section 3).
ROLE_MEANINGS: Words[str] = Words({
    "decision": N_("makes the final call"),
    "financial": N_("controls the budget"),
    "technical": N_("sets and checks the technical standard"),
    "user": N_("will use what is bought"),
    "evaluator": N_("sits on the evaluation"),
    "coach": N_("our insider: wants us to win"),
    "influencer": N_("close to the decision maker; sways it by recommendation and veto"),
})

LEVEL_NAMES: Words[str] = Words({
    "decision": N_("decision level"),
    "management": N_("management level"),
    "operations": N_("operations level"),
})

# Attitude as a noun, singular and plural.
ATTITUDE_NOUNS: Words[tuple[str, str]] = Words({
    "supporter": (N_("supporter"), N_("supporters")),
    "opponent": (N_("opponent"), N_("opponents")),
    "neutral": (N_("neutral person"), N_("neutral people")),
    "unknown": (N_("person of unknown attitude"), N_("people of unknown attitude")),
})

# An attitude or influence as shown in a table cell ("supporter", "high").
ATTITUDES: Words[str] = Words({
    "supporter": N_("supporter"), "opponent": N_("opponent"), "neutral": N_("neutral"),
    "unknown": N_("unknown"),
})
INFLUENCES: Words[str] = Words({"high": N_("high"), "medium": N_("medium"), "low": N_("low")})

INFLUENCE_ORDER: dict[str | None, int] = {"high": 0, "medium": 1, "low": 2, None: 3}
# Whom to win over first: the undecided before the unknown before the opposed.
ATTITUDE_ORDER: dict[str, int] = {"neutral": 0, "unknown": 1, "opponent": 2, "supporter": 3}


@dataclass(frozen=True)
class RelationshipStage:
    """A stage of the account relationship and what it means for our share of spend."""

    code: str
    meaning: str
    share_of_wallet: str


RELATIONSHIP_STAGES: Words[RelationshipStage] = Words({
    r.code: r
    for r in (
        RelationshipStage("gestation", N_("a new prospect, or a customer we lost"), "0%"),
        RelationshipStage("initial", N_("the customer buys little from us; contact runs "
                                        "between the salesperson and a liaison"), N_("small")),
        RelationshipStage("middle", N_("trust is established; the customer still buys from "
                                       "others too"), "30–50%"),
        RelationshipStage("high", N_("wider cooperation; loyalty is being built"), "50–100%"),
        RelationshipStage("strategic", N_("a strategic partnership"), "100%"),
        RelationshipStage("interrupted", N_("the relationship has lapsed"), "—"),
    )
})



def relationship_name(code: str) -> str:
    """A relationship stage's name (METHODOLOGY.md: 孕育期, 初期, 中期, 高期, 战略, 间断)."""
    names = {
        "gestation": pgettext("relationship", "gestation"),
        "initial": pgettext("relationship", "initial"),
        "middle": pgettext("relationship", "middle"),
        "high": pgettext("relationship", "high"),
        "strategic": pgettext("relationship", "strategic"),
        "interrupted": pgettext("relationship", "interrupted"),
    }
    return names.get(code, code)

SPIN_KINDS: Words[str] = Words({
    "S": N_("Situation"),
    "P": N_("Problem"),
    "I": N_("Implication"),
    "N": N_("Need-payoff"),
})

# What to ask when a kind of need is still missing (docs/method.md section 5).
SPIN_ADVICE: Words[str] = Words({
    "S": N_("ask situation questions (6W3H: who, what, where, when, why, which; how, how much, "
    "how long)"),
    "P": N_("ask problem questions: what is hard, what fails, what they are unhappy with"),
    "I": N_("ask implication questions: what the problem costs them, and whom it hurts"),
    "N": N_("ask need-payoff questions: what solving it would be worth to them"),
})


def a(noun: str) -> str:
    """The noun with its indefinite article: 'an evaluator', 'a supporter' (Chinese: 一位)."""
    if is_zh():
        return noun
    vowel = noun[:1].lower() in "aeiou" and not noun.lower().startswith(("us", "uni", "eu"))
    return ("an " if vowel else "a ") + noun


def or_list(words: list[str]) -> str:
    """'a', 'a or b', 'a, b or c'."""
    if len(words) <= 1:
        return "".join(words)
    if is_zh():
        return "、".join(words[:-1]) + "或" + words[-1]
    return ", ".join(words[:-1]) + " or " + words[-1]


def and_list(words: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    if is_zh():
        return "、".join(words[:-1]) + "和" + words[-1]
    return ", ".join(words[:-1]) + " and " + words[-1]


def comma() -> str:
    """The list separator: ', ' or '、'."""
    return "、" if is_zh() else ", "


def value_word(key: str, value: str) -> str:
    """A person's coded fact as a person reads it: `management` is 管理层 in Chinese.

    English keeps the code (it is the word the file and the option use); the
    codes of other keys are returned as they are.
    """
    if key == "relationship":
        return relationship_name(value)
    if key in ("attitude", "influence"):  # the table cells' words: 中立, 高
        words = ATTITUDES if key == "attitude" else INFLUENCES
        return words.get(value, value)
    names: dict[str, dict[str, str]] = {
        "level": {"decision": pgettext("level", "decision"),
                  "management": pgettext("level", "management"),
                  "operations": pgettext("level", "operations")},
        "roles": {"decision": pgettext("role", "decision"),
                  "financial": pgettext("role", "financial"),
                  "technical": pgettext("role", "technical"),
                  "user": pgettext("role", "user"),
                  "evaluator": pgettext("role", "evaluator"),
                  "coach": pgettext("role", "coach"),
                  "influencer": pgettext("role", "influencer")},
    }
    return names.get(key, {}).get(value, value)

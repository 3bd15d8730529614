"""A deterministic generator of realistic deal files for the benchmark.

Each deal is about 1.5 KB: a customer and owner drawn from fixed pools, an
amount in one of three currencies, milestones recorded for every stage it has
passed, three to five stakeholders in a reporting tree, SPIN needs, next steps
and a history that walks through the stages in date order. Every generated
file is valid against the shipped default process, so the benchmark measures
the ordinary case: a large, healthy workspace.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

STAGES = ["G", "F", "E", "D", "C", "B", "A", "S"]
MILESTONES = {
    "G": ["visit-committed"],
    "F": ["proposal-expected"],
    "E": ["tech-exchange-committed", "deal-qualified"],
    "D": ["key-supporter"],
    "C": ["requirements-fit", "needs-explicit", "senior-supporter"],
    "B": ["evaluation-leaning"],
    "A": ["terms-agreed"],
    "S": ["contract-signed"],
}
STEPS = ["problem-found", "need-raised", "feasibility-study", "budget-set", "project-approved",
         "purchasing-team-formed", "technical-standards-set", "tender-issued",
         "technical-screening", "bid-evaluation", "preferred-supplier", "contract-review",
         "commercial-negotiation", "annexes-added", "agreement-signed"]
OWNERS = [f"{first}.{last}" for first in ("li", "wang", "zhang", "chen", "liu", "anna", "marc",
                                          "sofia", "james", "mei")
          for last in ("wei", "fang", "lin", "hu", "ortiz")]
SEGMENTS = ["municipal", "energy", "chemicals", "automotive", "healthcare", "food", "marine"]
PRODUCT_LINES = ["pumps", "valves", "automation", "services", "drives", "sensors"]
CURRENCIES = ["CNY", "CNY", "CNY", "USD", "EUR"]
CITIES = ["Binhai", "Qiantang", "Lubei", "Ningbo", "Nordstadt", "Pacifico", "Gulf Coast",
          "Huadong", "Yujiang", "Meida", "Suzhou", "Rotterdam", "Lyon", "Osaka"]
KINDS = ["Water Works", "Thermal Power Co.", "Chemical Plant", "Hospital Group", "Port Authority",
         "Motor Works", "Brewery", "Shipyard"]
TITLES = [("decision", "General manager"), ("decision", "Vice president, operations"),
          ("management", "Head of engineering"), ("management", "Purchasing manager"),
          ("management", "Finance manager"), ("operations", "Maintenance engineer"),
          ("operations", "Process engineer"), ("operations", "Shift supervisor")]
ROLES = ["decision", "financial", "technical", "user", "evaluator", "coach", "influencer"]
ATTITUDES = ["supporter", "neutral", "opponent", "unknown"]
NEEDS = {
    "S": "Runs {n} units on fixed speed, throttled by control valves",
    "P": "Valve seats wear out within a year under low-load throttling",
    "I": "Energy use drags the plant's efficiency score below the group target",
    "N": "Cutting energy use by {n}% would save more than a million a year",
}
PEOPLE = ["Zhang San", "Li Si", "Wang Wu", "Zhao Liu", "Sun Li", "Wu Haifeng", "Qian Fang",
          "Gao Jianguo", "Anna Berg", "Marc Dubois", "Sofia Rossi", "James Park"]
STAGE_WORDS = ["retrofit", "expansion", "upgrade", "replacement", "automation", "service deal"]


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def deal_text(rng: random.Random, index: int) -> str:
    """One deal file's text, valid against the shipped default process."""
    status = rng.choices(["open", "won", "lost", "hold"], weights=[70, 12, 12, 6])[0]
    stage_at = 7 if status == "won" else rng.randrange(0, 7)
    stage = STAGES[stage_at]
    start = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(0, 700))
    dates = [start]
    for _ in range(stage_at):
        dates.append(dates[-1] + dt.timedelta(days=rng.randrange(5, 60)))
    owner = rng.choice(OWNERS)
    currency = rng.choice(CURRENCIES)
    city, kind = rng.choice(CITIES), rng.choice(KINDS)
    product = rng.choice(PRODUCT_LINES)
    lines = [
        f"# {city} {kind}: {product} {rng.choice(STAGE_WORDS)}",
        "",
        f"name: {city} {product} {rng.choice(STAGE_WORDS)} {index}",
        f"customer: {city} {kind}",
        f"owner: {owner}",
        f"amount: {rng.randrange(50, 5000) * 1000}",
        f"currency: {currency}",
        f"stage: {stage}",
        f"status: {status}",
        f"expected_close: {(dates[-1] + dt.timedelta(days=rng.randrange(30, 300))).isoformat()}",
        f"segment: {rng.choice(SEGMENTS)}",
        f"product_line: {product}",
        f"relationship: {rng.choice(['initial', 'middle', 'high'])}",
        f"procurement_step: {STEPS[min(len(STEPS) - 1, stage_at * 2 + rng.randrange(0, 2))]}",
    ]
    if status == "lost":
        lines.append(f"lost_reason: {rng.choice(['price', 'competitor', 'no-budget', 'timing'])}")
    passed = [m for code in STAGES[:stage_at] for m in MILESTONES[code]]
    if passed:
        lines += ["", "milestones:"]
        for i, mid in enumerate(passed):
            when = dates[min(i + 1, len(dates) - 1)].isoformat()
            if i % 3 == 1:
                lines.append(f"  {mid}: {{date: {when}, note: {_quote('confirmed on the phone')},"
                             f" by: {owner}}}")
            else:
                lines.append(f"  {mid}: {when}")
    people = rng.sample(PEOPLE, rng.randrange(2, 5))
    lines += ["", "stakeholders:"]
    for i, person in enumerate(people):
        level, title = TITLES[min(i * 2 + rng.randrange(0, 2), len(TITLES) - 1)]
        roles = ", ".join(sorted(rng.sample(ROLES, rng.randrange(1, 3)), key=ROLES.index))
        attitude = "supporter" if i < 2 and stage_at >= 3 else rng.choice(ATTITUDES)
        lines += [
            f"  - name: {person}",
            f"    title: {title}",
            f"    level: {level}",
            f"    roles: [{roles}]",
            f"    attitude: {attitude}",
            f"    influence: {rng.choice(['high', 'medium', 'low'])}",
        ]
        if i:
            lines.append(f"    reports_to: {people[rng.randrange(0, i)]}")
    lines += ["", "needs:"]
    for kind in "SPIN"[: rng.randrange(1, 4)]:
        text = NEEDS[kind].format(n=rng.randrange(2, 9))
        explicit = "true" if kind == "N" or stage_at >= 4 else "false"
        lines.append(f"  - {{kind: {kind}, text: {_quote(text)}, explicit: {explicit}, "
                     f"from: {people[rng.randrange(0, len(people))]}}}")
    if status == "open":
        due = dates[-1] + dt.timedelta(days=rng.randrange(3, 30))
        lines += ["", "next_steps:",
                  f"  - {{due: {due.isoformat()}, action: {_quote('Send the revised proposal')}}}"]
    lines += ["", "history:", f"  - {{date: {dates[0].isoformat()}, to: G, by: {owner}}}"]
    for i in range(1, stage_at + 1):
        lines.append(f"  - {{date: {dates[i].isoformat()}, from: {STAGES[i - 1]}, "
                     f"to: {STAGES[i]}, by: {owner}}}")
    if status in ("lost", "hold", "won"):
        lines.append(f"  - {{date: {dates[-1].isoformat()}, status: {status}, by: {owner}}}")
    return "\n".join(lines) + "\n"


def deal_id(index: int) -> str:
    return f"deal-{index:06d}"


def generate(root: Path, count: int, *, seed: int = 7) -> list[Path]:
    """Write stages.yaml and `count` deals under root/deals (in 100 subfolders by owner)."""
    templates = Path(__file__).resolve().parent.parent / "src" / "salesflow" / "templates"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(templates / "stages.en.yaml", root / "stages.yaml")
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        text = deal_text(rng, i)
        folder = root / "deals" / f"team-{i % 20:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{deal_id(i)}.yaml"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths

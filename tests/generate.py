"""A deterministic generator of realistic workspaces for report tests and trials.

Each deal walks through the default process from its creation date: forward
moves, now and then a step back, holds and reopenings, losses with a reason,
wins. The whole walk is fixed by the seed; `write(root, until=DATE)` writes
the workspace as it stood at the end of DATE (later entries and later deals
left out), so writing it again with a later date is the same workspace with
more history: exactly what `--as-of` must see through.

    python -m tests.generate /tmp/big --deals 3000 [--until 2026-11-30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parent.parent / "src" / "salesflow" / "templates"
STAGES = ["G", "F", "E", "D", "C", "B", "A", "S"]
OWNERS = ["li.wei", "zhang.min", "chen.jie", "sarah.ortiz", "王芳", "m.keller"]
SEGMENTS = ["energy", "municipal", "manufacturing", "healthcare", None]
LINES = ["pumps", "automation", "software", "water-treatment"]
CUSTOMERS = ["华东水务集团", "鲁北石化股份有限公司", "Acme Water Works", "Klinikum Nordstadt",
             "佛山美达家电有限公司", "Gulf Coast Utility", "重庆渝江汽车零部件", "Termoeléctrica"]
REASONS = ["price", "competitor", "no-budget", "no-decision", "timing", None]
START = dt.date(2025, 1, 1)
END = dt.date(2027, 6, 30)


@dataclass
class Walk:
    """One deal's fixed fields and its whole history (until END)."""

    id: str
    fields: dict[str, object]
    history: list[dict[str, object]] = field(default_factory=list)


def walks(count: int, seed: int = 7, hand_written: float = 0.02) -> list[Walk]:
    """`count` deal walks; a share `hand_written` of them get no history at all."""
    rng = random.Random(seed)
    out = []
    for n in range(count):
        created = START + dt.timedelta(days=rng.randrange((END - START).days - 60))
        roll = rng.random()
        amount: object = (None if roll < 0.05 else
                          rng.randrange(50, 9000) * 1000 + rng.choice([0, 0, 0.5, 0.25]))
        currency = rng.choice(["CNY"] * 6 + ["USD", "EUR"])
        close = created + dt.timedelta(days=rng.randrange(60, 500))
        fields: dict[str, object] = {
            "name": f"项目 {n}" if n % 3 == 0 else f"Project {n}",
            "customer": rng.choice(CUSTOMERS), "owner": rng.choice(OWNERS),
            "amount": amount, "currency": currency,
            "expected_close": None if rng.random() < 0.06 else close,
            "segment": rng.choice(SEGMENTS), "product_line": rng.choice(LINES),
        }
        walk = Walk(f"deal-{n:05d}", fields)
        owner = fields["owner"]
        stage, status, day = 0, "open", created
        walk.history.append({"date": day, "to": STAGES[0], "by": owner})
        while True:
            day += dt.timedelta(days=rng.randrange(3, 70))
            if day > END:
                break
            r = rng.random()
            if status == "hold":
                if r < 0.6:
                    status = "open"
                    walk.history.append({"date": day, "status": "open", "by": owner,
                                         "reason": "project restarted"})
                elif r < 0.75:
                    status = "lost"
                    walk.history.append({"date": day, "status": "lost", "by": owner,
                                         "reason": "never restarted"})
                    walk.fields["lost_reason"] = "no-decision"
                    break
                continue
            if r < 0.62 and stage < 6:
                walk.history.append({"date": day, "from": STAGES[stage],
                                     "to": STAGES[stage + 1], "by": owner})
                stage += 1
            elif r < 0.62:  # in A: win
                walk.history.append({"date": day, "from": "A", "to": "S", "status": "won",
                                     "by": owner})
                stage, status = 7, "won"
                break
            elif r < 0.70 and stage > 0:
                walk.history.append({"date": day, "from": STAGES[stage],
                                     "to": STAGES[stage - 1], "by": owner,
                                     "note": "customer re-opened the requirements"})
                stage -= 1
            elif r < 0.76:
                status = "hold"
                walk.history.append({"date": day, "status": "hold", "by": owner,
                                     "reason": "budget frozen"})
            elif r < 0.84:
                status = "lost"
                reason = rng.choice(REASONS)
                walk.history.append({"date": day, "status": "lost", "by": owner,
                                     "reason": f"lost: {reason or 'unknown'}"})
                if reason:
                    walk.fields["lost_reason"] = reason
                break
        if rng.random() < hand_written:
            walk.history = []  # some deals were written by hand, without history
        out.append(walk)
    return out


def _scalar(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def deal_text(walk: Walk, until: dt.date) -> str | None:
    """The deal file as it stood at the end of `until` (None: not created yet)."""
    history = [h for h in walk.history if h["date"] <= until]  # type: ignore[operator]
    if walk.history and not history:
        return None
    stage, status = "G", "open"
    for h in history:
        stage = str(h.get("to", stage))
        status = str(h.get("status", "open" if "to" in h and status == "won" else status))
    if not walk.history:  # a hand-written deal: somewhere in the middle
        stage = STAGES[int(walk.id[-1]) % 7]
    lines = []
    for key, value in walk.fields.items():
        if key == "lost_reason" and status != "lost":
            continue
        if value is not None:
            lines.append(f"{key}: {_scalar(value)}")
    lines += [f"stage: {stage}", f"status: {status}"]
    if history:
        lines.append("history:")
        for h in history:
            inner = ", ".join(f"{k}: {_scalar(v)}" for k, v in h.items())
            lines.append(f"  - {{{inner}}}")
    return "\n".join(lines) + "\n"


def write(root: Path, deals: list[Walk], until: dt.date) -> int:
    """Write the workspace as of `until` into `root` (replacing its deals); the count written."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(TEMPLATE / "stages.en.yaml", root / "stages.yaml")
    folder = root / "deals"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir()
    written = 0
    for walk in deals:
        text = deal_text(walk, until)
        if text is not None:
            (folder / f"{walk.id}.yaml").write_text(text, encoding="utf-8")
            written += 1
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--deals", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=dt.date(2026, 11, 30))
    args = parser.parse_args()
    count = write(args.root, walks(args.deals, args.seed), args.until)
    print(f"wrote {count} deals to {args.root / 'deals'} (as of {args.until})")


if __name__ == "__main__":
    main()

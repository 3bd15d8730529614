"""The data-level three-way merge of deal files (pure; the git driver is in test_merge_driver)."""

from __future__ import annotations

from typing import Any

import pytest

from salesflow.team.merge import MISSING, merge_deal


def h(date: str, **kw: Any) -> dict[str, Any]:
    return {"date": date, **kw}


BASE: dict[str, Any] = {
    "customer": "Acme",
    "amount": 100,
    "stage": "C",
    "status": "open",
    "milestones": {"visit-committed": "2026-01-05"},
    "stakeholders": [{"name": "Zhang"}],
    "history": [h("2026-01-01", to="G", by="li"), h("2026-03-01", **{"from": "D"}, to="C")],
}


def edit(**changes: Any) -> dict[str, Any]:
    data = {k: (list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v)
            for k, v in BASE.items()}
    for key, value in changes.items():
        if value is MISSING:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_one_sided_changes_are_taken() -> None:
    merged = merge_deal(BASE, edit(amount=200), edit(owner="bob", customer="Acme Ltd"))
    assert merged.clean
    assert merged.data["amount"] == 200
    assert (merged.data["owner"], merged.data["customer"]) == ("bob", "Acme Ltd")
    assert list(merged.data)[-1] == "owner"  # a key only theirs has comes last


def test_a_removal_on_one_side_is_taken() -> None:
    merged = merge_deal(BASE, edit(amount=MISSING), edit(owner="bob"))
    assert merged.clean and "amount" not in merged.data


def test_both_changed_the_same_field_differently() -> None:
    merged = merge_deal(BASE, edit(amount=200), edit(amount=300))
    assert [(c.path, c.base, c.ours, c.theirs) for c in merged.conflicts] == [
        (("amount",), 100, 200, 300)]
    assert merged.data["amount"] == 200  # ours stands in the data; the text gets markers


def test_both_changed_a_field_the_same_way() -> None:
    assert merge_deal(BASE, edit(amount=200), edit(amount=200)).clean


def test_history_is_a_union_in_date_order() -> None:
    ours = edit(history=[*BASE["history"], h("2026-04-02", status="hold", by="li")])
    theirs = edit(history=[*BASE["history"], h("2026-04-01", note="call", to="C", by="bob"),
                           h("2026-04-03", note="later", to="C", by="bob")])
    merged = merge_deal(BASE, ours, theirs)
    assert [e["date"] for e in merged.data["history"]] == [
        "2026-01-01", "2026-03-01", "2026-04-01", "2026-04-02", "2026-04-03"]


def test_the_same_history_entry_on_both_sides_appears_once() -> None:
    entry = h("2026-04-01", **{"from": "C"}, to="B", by="li")
    merged = merge_deal(BASE, edit(stage="B", history=[*BASE["history"], entry]),
                        edit(stage="B", history=[*BASE["history"], dict(entry)]))
    assert merged.clean
    assert merged.data["history"][-1] == entry and len(merged.data["history"]) == 3


def test_an_edited_old_history_entry_with_appends_elsewhere_conflicts() -> None:
    ours = edit(history=[h("2026-01-02", to="G", by="li"), BASE["history"][1]])
    theirs = edit(history=[*BASE["history"], h("2026-04-01", status="hold")])
    assert [c.path for c in merge_deal(BASE, ours, theirs).conflicts] == [("history",)]


def test_advance_on_one_side_tick_on_the_other() -> None:
    ours = edit(stage="B", history=[*BASE["history"], h("2026-04-01", **{"from": "C"}, to="B")],
                milestones={**BASE["milestones"], "needs-confirmed": "2026-04-01"})
    theirs = edit(milestones={**BASE["milestones"], "senior-supporter": "2026-04-02"})
    merged = merge_deal(BASE, ours, theirs)
    assert merged.clean
    assert merged.data["stage"] == "B"
    assert merged.data["milestones"] == {"visit-committed": "2026-01-05",
                                         "needs-confirmed": "2026-04-01",
                                         "senior-supporter": "2026-04-02"}


def test_the_stage_follows_the_merged_history() -> None:
    ours = edit(stage="B", history=[*BASE["history"], h("2026-04-01", **{"from": "C"}, to="B")])
    theirs = edit(stage="A", history=[*BASE["history"],
                                      h("2026-04-01", **{"from": "C"}, to="B", by="bob"),
                                      h("2026-04-05", **{"from": "B"}, to="A", by="bob")])
    merged = merge_deal(BASE, ours, theirs)
    assert merged.clean
    assert merged.data["stage"] == "A"


def test_two_moves_on_the_same_day_to_different_stages_conflict() -> None:
    ours = edit(stage="B", history=[*BASE["history"], h("2026-04-01", **{"from": "C"}, to="B")])
    theirs = edit(stage="D", history=[*BASE["history"],
                                      h("2026-04-01", **{"from": "C"}, to="D", reason="x")])
    assert [c.path for c in merge_deal(BASE, ours, theirs).conflicts] == [("stage",)]


def test_won_on_one_side_follows_into_the_status() -> None:
    ours = edit(stage="S", status="won",
                history=[*BASE["history"], h("2026-04-01", **{"from": "C"}, to="S",
                                             status="won")])
    theirs = edit(milestones={**BASE["milestones"], "needs-confirmed": "2026-04-02"})
    merged = merge_deal(BASE, ours, theirs, won_stage="S")
    assert merged.clean
    assert (merged.data["stage"], merged.data["status"]) == ("S", "won")


def test_lost_on_one_side_and_an_advance_on_the_other_keep_both() -> None:
    ours = edit(status="lost", lost_reason="price",
                history=[*BASE["history"], h("2026-04-02", status="lost", reason="price")])
    theirs = edit(stage="B", history=[*BASE["history"], h("2026-04-01", **{"from": "C"},
                                                          to="B")])
    merged = merge_deal(BASE, ours, theirs, won_stage="S")
    assert merged.clean
    assert (merged.data["stage"], merged.data["status"], merged.data["lost_reason"]) == (
        "B", "lost", "price")
    assert [e["date"] for e in merged.data["history"]][-2:] == ["2026-04-01", "2026-04-02"]


@pytest.mark.parametrize(("ours", "theirs", "kept"), [
    ("2026-04-01", "2026-04-03", "2026-04-01"),
    ("2026-04-03", "2026-04-01", "2026-04-01"),
    ({"date": "2026-04-01", "by": "li"}, {"date": "2026-04-01", "by": "bob"},
     {"date": "2026-04-01", "by": "li"}),
    ({"date": "2026-04-01", "by": "li"}, {"date": "2026-04-01", "note": "n", "by": "bob"},
     {"date": "2026-04-01", "note": "n", "by": "bob"}),
])
def test_the_same_milestone_ticked_on_both_sides(ours: Any, theirs: Any, kept: Any) -> None:
    merged = merge_deal(BASE, edit(milestones={**BASE["milestones"], "needs-confirmed": ours}),
                        edit(milestones={**BASE["milestones"], "needs-confirmed": theirs}))
    assert merged.clean
    assert merged.data["milestones"]["needs-confirmed"] == kept


def test_a_note_only_the_later_record_has_is_kept() -> None:
    merged = merge_deal(
        BASE,
        edit(milestones={**BASE["milestones"], "m": {"date": "2026-04-03", "note": "called",
                                                     "by": "li"}}),
        edit(milestones={**BASE["milestones"], "m": "2026-04-01"}))
    assert merged.clean
    assert merged.data["milestones"]["m"] == {"date": "2026-04-01", "note": "called"}


def test_two_different_notes_conflict() -> None:
    merged = merge_deal(
        BASE,
        edit(milestones={**BASE["milestones"], "m": {"date": "2026-04-01", "note": "a"}}),
        edit(milestones={**BASE["milestones"], "m": {"date": "2026-04-02", "note": "b"}}))
    assert [c.path for c in merged.conflicts] == [("milestones", "m")]


def test_two_different_notes_on_the_same_day_conflict() -> None:
    merged = merge_deal(
        BASE,
        edit(milestones={**BASE["milestones"], "m": {"date": "2026-04-01", "note": "a"}}),
        edit(milestones={**BASE["milestones"], "m": {"date": "2026-04-01", "note": "b"}}))
    assert [c.path for c in merged.conflicts] == [("milestones", "m")]


def test_untick_on_one_side() -> None:
    merged = merge_deal(BASE, edit(milestones={}),
                        edit(milestones={**BASE["milestones"], "m": "2026-04-01"}))
    assert merged.clean and merged.data["milestones"] == {"m": "2026-04-01"}
    changed = merge_deal(BASE, edit(milestones={}),
                         edit(milestones={"visit-committed": "2026-01-06"}))
    assert [c.path for c in changed.conflicts] == [("milestones", "visit-committed")]


def test_people_appended_on_both_sides() -> None:
    merged = merge_deal(BASE, edit(stakeholders=[*BASE["stakeholders"], {"name": "Li"}]),
                        edit(stakeholders=[*BASE["stakeholders"], {"name": "Wang"}]))
    assert merged.clean
    assert [p["name"] for p in merged.data["stakeholders"]] == ["Zhang", "Li", "Wang"]


def test_nested_mappings_merge_key_by_key() -> None:
    base = {**BASE, "x-crm": {"id": 1, "source": "web"}}
    merged = merge_deal(base, {**base, "x-crm": {"id": 2, "source": "web"}},
                        {**base, "x-crm": {"id": 1, "source": "fair"}})
    assert merged.clean and merged.data["x-crm"] == {"id": 2, "source": "fair"}
    clash = merge_deal(base, {**base, "x-crm": {"id": 2}}, {**base, "x-crm": {"id": 3}})
    assert [c.path for c in clash.conflicts] == [("x-crm", "id")]


def test_added_on_both_sides_without_an_ancestor() -> None:
    merged = merge_deal(None, {"customer": "A", "stage": "G"}, {"customer": "A", "stage": "G",
                                                                 "owner": "bob"})
    assert merged.clean and merged.data == {"customer": "A", "stage": "G", "owner": "bob"}
    clash = merge_deal(None, {"customer": "A", "stage": "G"}, {"customer": "B", "stage": "G"})
    assert [c.path for c in clash.conflicts] == [("customer",)]


def test_types_matter() -> None:
    merged = merge_deal(BASE, edit(amount=100), edit(amount="100"))
    assert merged.data["amount"] == "100" and merged.clean  # only theirs changed it

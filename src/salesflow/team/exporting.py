"""Deals out as table rows: what `salesflow export` writes and `salesflow import` reads back."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

from salesflow.model.summary import SummaryFile

EXPORT_FIELDS: tuple[str, ...] = (
    "id", "name", "customer", "owner", "amount", "currency", "stage", "status", "expected_close",
    "segment", "product_line", "relationship", "procurement_step", "lost_reason", "notes",
    "created",
)


def export_row(item: SummaryFile) -> dict[str, Any]:
    """One deal as a flat row: the fields `salesflow import` reads back.

    It reads the cache's summary of the deal (every exported field is in it),
    so an export of 50,000 deals parses no file when none changed.
    """
    from salesflow.model.money import money_json

    d = item.deal
    created = d.created
    row: dict[str, Any] = {
        "id": item.id, "name": d.name, "customer": d.customer, "owner": d.owner,
        "amount": money_json(d.amount), "currency": d.currency, "stage": d.stage,
        "status": d.status,
        "expected_close": d.expected_close.isoformat() if d.expected_close else None,
        "segment": d.segment, "product_line": d.product_line, "relationship": d.relationship,
        "procurement_step": d.procurement_step, "lost_reason": d.lost_reason, "notes": d.notes,
        "created": created.isoformat() if created else None,
    }
    row.update(d.extensions)
    return row


def cell(value: Any) -> str:
    """A value as CSV text that `salesflow import` turns back into the same value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False, default=str)

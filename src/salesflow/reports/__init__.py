"""Reports as plain data: funnel, forecast, statistics, and history replay.

No printing here: `salesflow.output.render` and the CLI turn these values into
tables, JSON or CSV (shapes in `reports.shapes`), and `salesflow.output.html` into a
page. Each module holds one report; `select` holds the cuts they share and
`money` the one conversion every amount goes through.
"""

from salesflow.model.money import CENT, cents, deal_amount, in_report_currency, weighted
from salesflow.reports.funnel import Funnel, FunnelRow, funnel, funnel_by

__all__ = ["CENT", "Funnel", "FunnelRow", "cents", "deal_amount", "funnel", "funnel_by",
           "in_report_currency", "weighted"]

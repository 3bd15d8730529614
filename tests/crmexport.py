"""A CRM export shaped like the public sales-pipeline data sets, generated deterministically.

Four files' worth of shape in three: `sales_pipeline.csv` (opportunity_id,
sales_agent, product, account, deal_stage — Prospecting, Engaging, Won,
Lost — engage_date, close_date, close_value), `products.csv` (product,
series, sales_price) and `accounts.csv` (account, sector). As in the real
data, prospecting deals have no engage date and often no account, open deals
have no close value (their price is the product's list price), and won and
lost deals have both dates.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

PRODUCTS = {"GTX Basic": ("GTX", "550"), "GTX Pro": ("GTX", "4821"),
            "MG Special": ("MG", "55"), "MG Advanced": ("MG", "3393"),
            "GTX Plus Pro": ("GTX", "5482"), "GTX Plus Basic": ("GTX", "1096"),
            "GTK 500": ("GTK", "26768")}
ACCOUNTS = {"Acme Corporation": "technolgy", "Betasoloin": "medical", "Cheers": "entertainment",
            "Codehow": "software", "Condax": "medical", "Dalttechnology": "software",
            "Finhigh": "finance", "Genco Pharmaceuticals": "medical", "Globex": "retail",
            "Hottechi": "technolgy", "Kan-code": "software", "Konex": "technolgy"}
AGENTS = ["Moses Frase", "Darcel Schlecht", "Zane Levy", "Maureen Marcano", "Versie Hillebrand"]
COLUMNS = ["opportunity_id", "sales_agent", "product", "account", "deal_stage", "engage_date",
           "close_date", "close_value"]


def _csv(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(header)
    out.writerows(rows)
    return buf.getvalue()


def products_csv() -> str:
    return _csv(["product", "series", "sales_price"],
                [[p, s, price] for p, (s, price) in PRODUCTS.items()])


def accounts_csv() -> str:
    return _csv(["account", "sector"], [[a, s] for a, s in ACCOUNTS.items()])


def _id(rnd: random.Random) -> str:
    return "".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") for _ in range(8))


def pipeline_rows(count: int, seed: int = 3) -> list[list[str]]:
    rnd = random.Random(seed)
    start = dt.date(2016, 10, 20)
    rows, seen = [], set()
    for _ in range(count):
        oid = _id(rnd)
        while oid in seen:
            oid = _id(rnd)
        seen.add(oid)
        stage = rnd.choices(["Won", "Lost", "Engaging", "Prospecting"], [48, 29, 14, 9])[0]
        product = rnd.choice(list(PRODUCTS))
        account = rnd.choice(list(ACCOUNTS))
        engage = start + dt.timedelta(days=rnd.randint(0, 430))
        close = engage + dt.timedelta(days=rnd.randint(1, 138))
        price = int(PRODUCTS[product][1])
        if stage == "Won":
            cells = [account, engage.isoformat(), close.isoformat(),
                     str(round(price * rnd.uniform(0.9, 1.1)))]
        elif stage == "Lost":
            cells = [account, engage.isoformat(), close.isoformat(), "0"]
        elif stage == "Engaging":
            cells = [rnd.choice([account, ""]), engage.isoformat(), "", ""]
        else:
            cells = ["", "", "", ""]
        rows.append([oid, rnd.choice(AGENTS), product, cells[0], stage, *cells[1:]])
    return rows


def pipeline_csv(rows: list[list[str]]) -> str:
    return _csv(COLUMNS, rows)


# The documented recipe (docs/team.md, "Moving in from a CRM")
RECIPE = [
    "--id-column", "opportunity_id", "--map", "x-crm-id=opportunity_id",
    "--map", "customer=account", "--default", "customer=Unknown account",
    "--map", "owner=sales_agent", "--map", "product_line=product",
    "--join", "products.csv", "--on", "product",
    "--join", "accounts.csv", "--on", "account", "--map", "segment=sector",
    "--map", "stage=deal_stage", "--map", "status=deal_stage",
    "--stage-map", "Prospecting=G", "--stage-map", "Engaging=D",
    "--stage-map", "Won=S", "--stage-map", "Lost=D",
    "--status-map", "Won=won", "--status-map", "Lost=lost", "--status-map", "*=open",
    "--map", "created=engage_date", "--map", "closed=close_date",
    "--map", "amount=close_value|sales_price", "--currency", "USD",
]

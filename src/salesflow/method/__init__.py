"""The sales method as pure rules: gates, checks, the buying centre, health.

`gates` says which milestone outputs a deal has met; `checks` the
cross-field rules of a file; `buying_centre` the org chart and role coverage;
`health` the risks `review` reports; `timeline` one deal's story;
`transitions` the moves (tick, advance, lose, hold, reopen) as functions from
a deal to edit operations. May import `salesflow.model` only; no I/O.
"""

"""The board: the pipeline as a keyboard-driven board in the terminal (Textual).

A second shell over the same core as the CLI. `session` is the board's side of
the disk (summaries through the cache, full deals when opened, writes through
`files.update.update_deal` with a guard against a stale view); `cards` turns
summaries into columns and cards as plain data; `widgets`, `screens` and `app`
are the Textual parts, styled by `board.tcss`. Textual is imported only here
(and only when `salesflow board` runs), so every other command stays fast.
"""

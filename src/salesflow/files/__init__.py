"""The disk: safe YAML with marks, surgical edits, locked atomic writes, loading.

`yamlio` parses bytes into data with line and column marks; `edit` carries
out edit operations on a file's text; `workspace` finds the root and the deal
files; `parse` turns one file into a model or problems; `load` loads the
whole workspace through `cache` and the parallel parser `bulk`; `update` is
the one guarded path every write takes. May import the core (`model`,
`method`, `reports`); never the team, output or CLI layers.
"""

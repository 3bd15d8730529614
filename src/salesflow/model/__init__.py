"""What the files mean: the process, a deal, its fields, ids, errors as values.

The bottom layer. Immutable pydantic models of `stages.yaml` and deal files,
the method's words (`words`), money in the report currency (`money`), the
slim per-deal summaries reports read (`summary`), and edit operations as data
(`edits`). It imports nothing else of salesflow and never touches the disk,
the network or a terminal: everything here is testable with values alone.
"""

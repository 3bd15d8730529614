"""Git and the outside world: the merge driver, git set-up, schemas, CSV.

`merge` merges deal data three ways and `mergefile` does it for git on files;
`conflicts` marks what cannot be merged; `gitrepo` asks git; `teamsetup`
writes hooks, schemas and attributes; `schema` builds the JSON Schemas;
`transfer` imports and exports CSV. May import `files` and the core.
"""

"""salesflow: a B2B sales pipeline kept as plain YAML files in git.

The package is a library first: `salesflow.files.load.load_workspace` gives the
validated process and deals, `salesflow.reports` turns them into plain data.
The command line in `salesflow.cli` is a thin shell around both.
"""

__version__ = "0.1.0"

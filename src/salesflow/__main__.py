"""Allow ``python -m salesflow``."""

from salesflow.cli import main

main()

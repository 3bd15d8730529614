"""What a person sees: terminal tables and trees, JSON and CSV, the HTML page.

`render` owns the console (colour, width, `NO_COLOR`) and the machine formats;
`html` builds the one self-contained report page. May import everything
below it (reports, method, model); never the CLI.
"""

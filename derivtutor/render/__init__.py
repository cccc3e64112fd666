"""Layer 5, results -> output: text, Rich, LaTeX, Markdown or JSON. No maths here: the results
carry every form that is shown. May import every layer below it (not terminal.py or cli.py).

``show.show(result, fmt)`` is the one entry the CLI uses. Each format is imported only when it
is asked for, so that printing the rules table never loads SymPy.
"""

"""Layer 1, text ⇄ SymPy: the vocabulary, the scanner and grammar, the ML functions, the
notation that prints an expression back as a student types it, and the other inputs (points,
domains, components) with the one function that chooses variables. Safe by construction: nothing
a user types is executed. May import only errors.py."""

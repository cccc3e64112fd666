"""Layer 1, text ⇄ SymPy: the vocabulary, the scanner and grammar, the ML functions and the
notation that prints an expression back as a student types it. Safe by construction: nothing a user
types is executed. May import only errors.py."""

"""Layer 4, practice and the edge that touches files: the problem bank, generated problems, the
quiz state machine, sheets and the progress store. May import every layer below it."""

"""Layer 3, checking answers: the numeric verdict and the named mistakes. May import calculus/,
engine/ and language/ (not ml/)."""

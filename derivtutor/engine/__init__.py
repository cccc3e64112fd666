"""Layer 2, the step engine: rules as frozen data (steps), the tree builder (derive), the
final forms (tidy), numeric evaluation and the derivative table. May import language/."""

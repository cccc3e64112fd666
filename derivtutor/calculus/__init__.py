"""Layer 3, the calculus use cases: one derivative with its steps, gradients, Jacobians,
Hessians, implicit differentiation and the finite-difference check. May import engine/ and
language/."""

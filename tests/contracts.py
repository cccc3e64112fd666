"""DESIGN.md's JSON contracts, shared by the tests that check them."""

DIFF_KEYS = {
    "input",
    "expression",
    "variable",
    "order",
    "derivative",
    "latex",
    "forms",
    "steps",
    "at",
}
STEP_KEYS = {"rule", "expression", "variable", "derivative", "explanation", "substeps"}

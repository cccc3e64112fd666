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
CHECK_KEYS = {
    "function",
    "variable",
    "answer",
    "read_as",
    "verdict",
    "mistake",
    "also",
    "where",
    "message",
    "witness",
}
WITNESS_KEYS = {"point", "expected", "got"}

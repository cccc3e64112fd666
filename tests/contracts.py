"""DESIGN.md's JSON contracts, shared by the tests that check them."""

from derivtutor.terminal import FLAGS

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

# The command line's flag for each API parameter a core message may name (errors.for_cli): the
# CLI's own table, so that "learning_rate must be a positive number" reads "--lr must be ...".
CLI_FLAGS = FLAGS

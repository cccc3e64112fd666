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
    "detail",  # issue 11: brief, normal or full, as asked (the steps are always complete)
    "pattern",  # issue 11: how an order past the ones derived in full was reached
}
STEP_KEYS = {
    "rule",
    "expression",
    "variable",
    "derivative",
    "explanation",
    "algebra",  # issue 11: [{"rule", "explanation"}], the algebra after the rule
    "substeps",
}
CHECK_KEYS = {
    "function",
    "variable",
    "order",  # issue 11: check --order
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

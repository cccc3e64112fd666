"""New problems from rule templates, for endless practice (`quiz --generate`).

A template is a function written with holes: ``{a}`` a coefficient, ``{n}`` a power, ``{f}`` an
outer function. Filling the holes at random gives a problem; before it is posed, the engine
must derive it with named rules only and be able to grade answers to it (bank.verify's test), so a
learner never meets a problem the tutor cannot explain. The same seed gives the same problems.
"""

from __future__ import annotations

import hashlib
import math
import random
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from derivtutor.practice.problem import Problem, verify_problem

POSITIVE = (0.5, 3.0)  # where ln, sqrt and fractional powers are real


@dataclass(frozen=True)
class Template:
    text: str
    domain: tuple[float, float] | None = None
    variables: tuple[str, ...] = ()  # a gradient's variables, or the one of a partial
    gradient: bool = False


def _t(text: str, domain: tuple[float, float] | None = None) -> Template:
    return Template(text, domain)


def _g(text: str, *variables: str) -> Template:
    """A gradient over ``variables``."""
    return Template(text, None, variables, True)


_OUTER = ("sin", "cos", "exp", "tanh", "sigmoid")
_POSITIVE_INNER = ("x^2 + {b}", "e^x + {b}", "{a}x^2 + 1")

TEMPLATES: dict[str, dict[int, tuple[Template, ...]]] = {
    "power-rule": {
        1: (_t("x^{n}"), _t("{a}x^{n}")),
        2: (_t("1/x^{n}"), _t("{a}/x"), _t("sqrt(x)", POSITIVE)),
        3: (_t("x^({p}/{q})", POSITIVE), _t("{a}/x^{n}"), _t("{a}sqrt(x)", POSITIVE)),
        4: (_t("{a}sqrt(x) + {b}/x^{n}", POSITIVE), _t("x^({p}/{q}) - {a}x^(-{n})", POSITIVE)),
        5: (_t("({a}x^{n} + {b})/x^{m}", POSITIVE), _t("(x^{n} + {a}sqrt(x))/x", POSITIVE)),
    },
    "polynomials": {
        1: (_t("{a}x + {b}"), _t("x^{n} + {a}x")),
        2: (_t("{a}x^{n} + {b}x^{m} - {c}"), _t("{a}x^2 - {b}x + {c}")),
        3: (_t("{a}x^{n} - {b}x^{m} + {c}x - {d}"), _t("x^{n}/{a} + x^{m}/{b}")),
        4: (_t("(x + {a})(x - {b})"), _t("(x^2 + {a})^2")),
        5: (_t("(x + {a})^2 (x - {b})"), _t("(x^{n} - {a}x)({b}x + 1)")),
    },
    "exp-log": {
        1: (_t("{a}e^x"), _t("{a}ln(x)", POSITIVE)),
        2: (_t("e^x + {a}x^{n}"), _t("{a}^x"), _t("log(x, {a})", POSITIVE)),
        3: (_t("e^({a}x)"), _t("ln({a}x)", POSITIVE), _t("{a}e^x - {b}ln(x)", POSITIVE)),
        4: (_t("e^(x^{n})"), _t("ln(x^2 + {b})")),
        5: (_t("ln(e^x + {b})"), _t("e^({a}x) ln(x)", POSITIVE)),
    },
    "trig": {
        1: (_t("sin(x)"), _t("{a}cos(x)"), _t("tan(x) + x")),
        2: (_t("{a}sin(x) - {b}cos(x)"), _t("sec(x)"), _t("cot(x)")),
        3: (_t("sin({a}x)"), _t("cos(x^{n})"), _t("tan({a}x)")),
        4: (_t("sin(x)cos(x)"), _t("sin(x)^{n}"), _t("x sin(x)")),
        5: (_t("tan(x)^2 + sec({a}x)"), _t("sin(x)/(1 + cos(x))")),
    },
    "hyperbolic": {
        1: (_t("sinh(x)"), _t("{a}cosh(x)")),
        2: (_t("tanh(x) + {a}x"), _t("sinh(x) - cosh(x)")),
        3: (_t("sinh({a}x)"), _t("cosh(x^2)"), _t("tanh({a}x + {b})")),
        4: (_t("x cosh(x)"), _t("tanh(x)^2")),
        5: (_t("ln(cosh({a}x))"), _t("sinh(x)cosh(x)")),
    },
    "product-rule": {
        1: (_t("x e^x"), _t("x sin(x)")),
        2: (_t("x^{n} cos(x)"), _t("x^{n} e^x"), _t("x ln(x)", POSITIVE)),
        3: (_t("e^x sin(x)"), _t("(x^2 + {a})(x^{n} - {b})"), _t("x^{n} ln(x)", POSITIVE)),
        4: (_t("x e^x cos(x)"), _t("x^2 sin({a}x)")),
        5: (_t("x^{n} e^({a}x) sin(x)"), _t("sqrt(x) ln(x) e^x", POSITIVE)),
    },
    "quotient-rule": {
        1: (_t("x/(x + {a})"), _t("1/(x^2 + {a})")),
        2: (_t("(x + {a})/(x - {b})"), _t("sin(x)/x"), _t("e^x/x")),
        3: (_t("x^{n}/(x^2 + {a})"), _t("ln(x)/x", POSITIVE), _t("(x^2 + {a})/(x^2 - {b})")),
        4: (_t("1/(1 + e^(-{a}x))"), _t("sin(x)/(1 + cos(x))")),
        5: (_t("(x^2 + {a}x)/(e^x + {b})"), _t("x e^x/(x^2 + {a})")),
    },
    "chain-rule": {
        1: (_t("({a}x + {b})^{n}"), _t("e^({a}x)")),
        2: (_t("{f}(x^{n})"), _t("({a}x^2 + {b})^{n}"), _t("{f}({a}x + {b})")),
        3: (_t("sqrt({inner})"), _t("ln({inner})"), _t("e^(-x^2/{a})")),
        4: (_t("({inner})^(-{n})"), _t("{f}({a}x^{n} - {b}x)")),
        5: (_t("sqrt({a}x^2 + {b}x + {c})"), _t("(x^2 + {b})^(1/{n})")),
    },
    "nested-chain-rule": {
        1: (_t("sin(cos(x))"), _t("e^(sin(x))")),
        2: (_t("{f}({g}(x))"), _t("sin(x^{n})^2"), _t("e^(cos({a}x))")),
        3: (_t("{f}({g}({a}x))"), _t("ln(cos(x)^2 + {b})"), _t("sqrt(1 + e^({a}x))")),
        4: (_t("{f}({g}(x^{n}))"), _t("(1 + sin(x)^2)^{n}")),
        5: (_t("{f}({g}({h}(x)))"), _t("ln({a} + sin(e^x)^2)")),
    },
    "activations": {
        1: (_t("sigmoid(x)"), _t("tanh(x)"), _t("softplus(x)"), _t("relu(x)")),
        2: (_t("sigmoid({a}x)"), _t("tanh({a}x + {b})"), _t("relu({a}x - {b})")),
        3: (_t("x sigmoid(x)"), _t("softplus(-{a}x)"), _t("sigmoid(x^2)")),
        4: (_t("x sigmoid({a}x)"), _t("tanh(x)^2"), _t("sigmoid(tanh(x))")),
        5: (_t("x tanh(softplus(x))"), _t("softplus(tanh({a}x))")),
    },
    "gradients": {
        1: (_g("x^{n} + y^{m}", "x", "y"), _g("{a}x + {b}y^{n}", "x", "y")),
        2: (_g("{a}x y + y^{n}", "x", "y"), _g("x^{n} y^{m}", "x", "y")),
        3: (_g("(w x + b - {a})^2", "w", "b"), _g("e^({a}x) sin(y)", "x", "y")),
        4: (
            _g("sigmoid(w x + b)", "w", "b"),
            _g("tanh({a}w + b)", "w", "b"),
            _g("ln(x^2 + y^2 + {b})", "x", "y"),
        ),
        5: (
            _g("ln(e^x + e^y + e^z)", "x", "y", "z"),
            _g("x^{n} y z + {a}y^2 z", "x", "y", "z"),
            _g("softplus(-({a}w + b))", "w", "b"),
        ),
    },
}
TOPICS = tuple(TEMPLATES)
_MAX_TRIES = 50


def _fill(text: str, rng: random.Random) -> str:
    n, m = rng.sample(range(2, 7), 2)
    p, q = rng.choice([(1, 3), (2, 3), (3, 2), (5, 2), (1, 4), (3, 4), (5, 3)])
    f, g, h = rng.sample(_OUTER, 3)
    a = rng.randint(2, 9)
    values = {
        "a": a,
        # Coprime to a: 6x + 9 hides a common factor 3, which no exercise wants.
        "b": rng.choice([k for k in range(1, 10) if math.gcd(a, k) == 1]),
        "c": rng.randint(1, 9),
        "d": rng.randint(1, 9),
        "n": n,
        "m": m,
        "p": p,
        "q": q,
        "f": f,
        "g": g,
        "h": h,
    }
    if "{inner}" in text:
        text = text.replace("{inner}", rng.choice(_POSITIVE_INNER))
    # exp(...) reads better as e^(...) in a problem statement.
    filled = text.format(**values).replace("exp(", "e^(")
    # A coefficient or divisor of 1 is not written: x^6, not 1x^6 or x^6/1.
    filled = re.sub(r"/1(?![\d.])", "", filled)
    return re.sub(r"(?<![\d.^])1(?=[a-z(])", "", filled)


def compose(
    topic: str, level: int, rng: random.Random, avoid: Collection[str] = ()
) -> Problem | None:
    """One verified problem for ``topic`` at ``level`` whose function is not in ``avoid``, or
    None if no template yields one."""
    templates = TEMPLATES[topic][level]
    for _ in range(_MAX_TRIES):
        template = rng.choice(templates)
        function = _fill(template.text, rng)
        if function in avoid:
            continue
        digest = hashlib.sha256(function.encode()).hexdigest()[:8]
        problem = Problem(
            id=f"gen.{topic}.{digest}",
            topic=topic,
            level=level,
            function=function,
            variables=template.variables,
            gradient=template.gradient,
            domain=template.domain,
            generated=True,
        )
        if verify_problem(problem) is None:
            return problem
    return None


def generated(topic: str | None, level: int | None, seed: int | None) -> Iterator[Problem]:
    """Endless problems. No topic: a different topic each time. No level: start at 1 and rise
    a level every three problems, up to 5."""
    rng = random.Random(seed)
    seen: set[str] = set()
    count = 0
    while True:
        chosen_topic = topic or rng.choice(TOPICS)
        chosen_level = level or min(5, 1 + count // 3)
        # A small template can run out of new fillings: then a repeat is still practice.
        problem = compose(chosen_topic, chosen_level, rng, seen) or compose(
            chosen_topic, chosen_level, rng
        )
        if problem is None:
            return
        seen.add(problem.function)
        count += 1
        yield problem

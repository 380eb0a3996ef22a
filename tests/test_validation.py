"""Parameters validated once (after scikit-learn's ``test_public_functions.py``): the one
message template, and a meta-test feeding every declared parameter of every public lens
function a value that breaks its constraints."""

from __future__ import annotations

import importlib
import inspect
from numbers import Integral, Real

import pytest

from foedus._validation import (
    Interval,
    Options,
    SubsetOf,
    TypeOf,
    _make,
    constraints_of,
    describe,
    validate_params,
)
from foedus.errors import FoedusError, ParameterError

#: The lens modules with declared parameters (crisis and counterfactual come later).
LENS_MODULES = (
    "foedus.query.obligations", "foedus.query.answer",
    "foedus.panels.create", "foedus.panels.alliances", "foedus.panels.capabilities",
    "foedus.panels.geography", "foedus.panels.economy", "foedus.panels.preferences",
    "foedus.panels.similarity", "foedus.panels.writers", "foedus.panels.answer",
    "foedus.measures.burden", "foedus.measures.capability", "foedus.measures.distance",
    "foedus.measures.power", "foedus.measures.similarity",
    "foedus.burden.spending", "foedus.burden.threat", "foedus.burden.report",
    "foedus.burden.answer", "foedus.replications.base",
    "foedus.data.answers", "foedus.data.book_check",
    "foedus.credibility.answer", "foedus.reliability.answer",
)


def _public_functions() -> list[tuple[str, object]]:
    found = []
    for name in LENS_MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", []):
            func = getattr(module, attr)
            if inspect.isfunction(func) and inspect.unwrap(func).__module__ == name:
                found.append((f"{name}.{attr}", func))
    return found


def test_the_template() -> None:
    @validate_params({"draws": [Interval(Integral, 1, 10**9)]})
    def simulate(*, draws: int = 1) -> int:
        return draws

    with pytest.raises(ParameterError) as info:
        simulate(draws=0)
    assert str(info.value) == ("The 'draws' parameter of simulate must be an int in the "
                               "range [1, 1e9]. Got 0 instead.")
    assert isinstance(info.value, FoedusError) and isinstance(info.value, ValueError)
    assert simulate(draws=5) == 5


@pytest.mark.parametrize(("constraints", "text"), [
    ([Interval(Real, 0, 1, closed="neither")], "a float in the range (0, 1)"),
    ([Interval(Integral, 1, None), None], "an int in the range [1, inf) or None"),
    ([Options(str, ("cow", "mid"))], "a str among {'cow', 'mid'}"),
    ([SubsetOf(("a", "b"))], "a non-empty list of items among {'a', 'b'}"),
    ([TypeOf(str, "a name")], "a name"),
])
def test_descriptions(constraints: list, text: str) -> None:
    assert describe(constraints) == text


def test_bools_are_not_numbers() -> None:
    assert not Interval(Integral, 0, None).is_satisfied_by(True)
    assert Interval(Real, 0, None).is_satisfied_by(2)


def test_every_public_lens_function_declares_its_parameters() -> None:
    bare = [name for name, func in _public_functions()
            if inspect.signature(func).parameters and not constraints_of(func)]
    assert not bare, f"declare their parameters with validate_params: {bare}"


def _bad_value(constraints: list) -> object:
    made = [_make(c) for c in constraints]
    for constraint in made:
        for value in constraint.bad_values():
            if not any(c.is_satisfied_by(value) for c in made):
                return value
    raise AssertionError(f"no value breaks {constraints}")


CASES = [(name, func, param) for name, func in _public_functions()
         for param in constraints_of(func)]


@pytest.mark.parametrize(("name", "func", "param"), CASES,
                         ids=[f"{n.rsplit('.', 1)[1]}-{p}" for n, _, p in CASES])
def test_a_bad_value_for_each_declared_parameter(name: str, func, param: str) -> None:
    value = _bad_value(constraints_of(func)[param])
    error = getattr(func, "__foedus_error__", ParameterError)
    with pytest.raises(error) as info:
        func(**{param: value})
    assert isinstance(info.value, ParameterError)
    message = str(info.value)
    assert message.startswith(f"The {param!r} parameter of "), message
    assert message.endswith(f"Got {value!r} instead."), message

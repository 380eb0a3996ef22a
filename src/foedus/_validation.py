"""Parameters validated once, declared beside the function (after scikit-learn's
``sklearn/utils/_param_validation.py``).

A public lens function declares its parameters' constraints with :func:`validate_params`;
the decorator checks them on every call, before the function runs, and raises one
:class:`~foedus.errors.ParameterError` with one message template:

    The 'draws' parameter of simulate must be an int in the range [1, 1e9]. Got 0 instead.

A parameter may take any of several constraints (``[Interval(Integral, 1, None), None]``:
a positive int or None). The same declarations build the command line's options
(:func:`typer_option`: choices become ``click.Choice``, ranges ``min``/``max``), so a bad
value on the command line is refused by typer itself (exit code 2) and no check is
written twice. A meta-test (``tests/test_validation.py``) feeds every declared parameter of
every public lens function a value that breaks its constraints and checks the message.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any, TypeVar

from foedus.errors import ParameterError

__all__ = ["Interval", "Options", "SubsetOf", "TypeOf", "constraints_of", "describe",
           "typer_option", "validate_params"]

F = TypeVar("F", bound=Callable[..., Any])

_ARTICLE = {"int": "an int", "float": "a float", "str": "a str", "bool": "a bool"}
_NAMES = {Integral: "int", Real: "float", int: "int", float: "float", str: "str", bool: "bool"}


def _type_name(kind: type) -> str:
    return _NAMES.get(kind, getattr(kind, "__name__", str(kind)))


def _is(value: Any, kind: type) -> bool:
    if kind in (Integral, int, Real, float) and isinstance(value, bool):
        return False  # True is not a number of draws
    return isinstance(value, kind)


class Constraint:
    """One way a parameter can be valid."""

    def is_satisfied_by(self, value: Any) -> bool:
        raise NotImplementedError

    def __str__(self) -> str:
        raise NotImplementedError

    def bad_values(self) -> list[Any]:
        """Values that break this constraint (for the meta-test)."""
        return [object()]


@dataclass(frozen=True)
class TypeOf(Constraint):
    """An instance of ``kind`` (a class or a tuple of classes); ``label`` names it."""

    kind: type | tuple[type, ...]
    label: str = ""

    def is_satisfied_by(self, value: Any) -> bool:
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return any(_is(value, k) for k in kinds)

    def __str__(self) -> str:
        if self.label:
            return self.label
        kinds = self.kind if isinstance(self.kind, tuple) else (self.kind,)
        return " or ".join(f"an instance of {_type_name(k)!r}" for k in kinds)

    def bad_values(self) -> list[Any]:
        return [object(), 1.5j]


@dataclass(frozen=True)
class Interval(Constraint):
    """A number of type ``kind`` (``Integral`` or ``Real``) between ``left`` and ``right``
    (None: unbounded); ``closed`` is ``both``, ``left``, ``right`` or ``neither``."""

    kind: type
    left: float | None
    right: float | None
    closed: str = "both"

    def is_satisfied_by(self, value: Any) -> bool:
        if not _is(value, self.kind):
            return False
        if isinstance(value, Real) and math.isnan(float(value)):
            return False
        lo_ok = self.left is None or (value >= self.left if self.closed in ("both", "left")
                                      else value > self.left)
        hi_ok = self.right is None or (value <= self.right if self.closed in ("both", "right")
                                       else value < self.right)
        return bool(lo_ok and hi_ok)

    def __str__(self) -> str:
        left = "-inf" if self.left is None else _number(self.left)
        right = "inf" if self.right is None else _number(self.right)
        lb = "[" if self.left is not None and self.closed in ("both", "left") else "("
        rb = "]" if self.right is not None and self.closed in ("both", "right") else ")"
        name = _type_name(self.kind)
        return f"{_ARTICLE.get(name, name)} in the range {lb}{left}, {right}{rb}"

    def bad_values(self) -> list[Any]:
        out: list[Any] = ["text"]
        if self.left is not None:
            out.append(self.left - 1 if self.kind in (Integral, int) else self.left - 0.5)
        if self.right is not None:
            out.append(self.right + 1 if self.kind in (Integral, int) else self.right + 0.5)
        return out


def _number(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) >= 1e6:
        return f"{x:.0e}".replace("e+0", "e").replace("e+", "e")
    if isinstance(x, int) and abs(x) >= 10**6 and str(x).rstrip("0") == "1":
        return f"1e{len(str(x)) - 1}"
    return str(x)


@dataclass(frozen=True)
class Options(Constraint):
    """One of ``values`` (of type ``kind``); ``label`` describes them (``an NMC version``)."""

    kind: type
    values: tuple[Any, ...]
    label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))

    def is_satisfied_by(self, value: Any) -> bool:
        return _is(value, self.kind) and value in self.values

    def __str__(self) -> str:
        what = self.label or _ARTICLE.get(_type_name(self.kind), _type_name(self.kind))
        return f"{what} among {{{', '.join(repr(v) for v in self.values)}}}"

    def bad_values(self) -> list[Any]:
        return ["__not_an_option__", -99999]


@dataclass(frozen=True)
class SubsetOf(Constraint):
    """A sequence (list or tuple; a str is one item) of items among ``values``, non-empty
    unless ``allow_empty``."""

    values: tuple[Any, ...]
    label: str = ""
    allow_empty: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))

    def is_satisfied_by(self, value: Any) -> bool:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, Sequence | set | frozenset):
            return False
        if not items and not self.allow_empty:
            return False
        return all(v in self.values for v in items)

    def __str__(self) -> str:
        what = self.label or ("a list" if self.allow_empty else "a non-empty list")
        return f"{what} of items among {{{', '.join(repr(v) for v in self.values)}}}"

    def bad_values(self) -> list[Any]:
        return [["__not_an_option__"]] + ([] if self.allow_empty else [[]])


def _make(constraint: Any) -> Constraint:
    if isinstance(constraint, Constraint):
        return constraint
    if constraint is None:
        return _NoneConstraint()
    if isinstance(constraint, type | tuple):
        return TypeOf(constraint)
    raise TypeError(f"not a constraint: {constraint!r}")


class _NoneConstraint(Constraint):
    def is_satisfied_by(self, value: Any) -> bool:
        return value is None

    def __str__(self) -> str:
        return "None"

    def bad_values(self) -> list[Any]:
        return [object()]


def describe(constraints: Iterable[Any]) -> str:
    """The constraints of one parameter in words, ``"an int in the range [1, inf) or None"``."""
    made = [_make(c) for c in constraints]
    texts = [str(c) for c in made if not isinstance(c, _NoneConstraint)]
    if any(isinstance(c, _NoneConstraint) for c in made):
        texts.append("None")
    if len(texts) <= 2:
        return " or ".join(texts)
    return ", ".join(texts[:-1]) + " or " + texts[-1]


def check(name: str, value: Any, constraints: Sequence[Any], caller: str,
          error: type[ParameterError] = ParameterError) -> None:
    """Raise ``error`` with the template unless ``value`` meets one of ``constraints``."""
    made = [_make(c) for c in constraints]
    if any(c.is_satisfied_by(value) for c in made):
        return
    raise error(f"The {name!r} parameter of {caller} must be {describe(made)}. "
                f"Got {value!r} instead.")


def validate_params(constraints: dict[str, list[Any]], *,
                    error: type[ParameterError] = ParameterError,
                    caller: str | None = None) -> Callable[[F], F]:
    """Declare the constraints of a function's parameters and check them on every call.

    Parameters
    ----------
    constraints
        Parameter name → the constraints it may meet (any one suffices): an
        :class:`Interval`, :class:`Options`, :class:`SubsetOf`, :class:`TypeOf`, a class,
        or None (the value None).
    error
        The :class:`~foedus.errors.ParameterError` subclass to raise (a lens's own name,
        e.g. :class:`~foedus.errors.PanelError`).
    caller
        The function's name in messages (default: its ``__name__``).

    Returns
    -------
    callable
        The decorator; the decorated function keeps its signature and carries the
        declarations as ``__foedus_params__``.

    Examples
    --------
    >>> @validate_params({"draws": [Interval(Integral, 1, 10**9)]})
    ... def simulate(*, draws: int = 1000) -> int:
    ...     return draws
    >>> try:
    ...     simulate(draws=0)
    ... except ParameterError as exc:
    ...     print(exc)
    The 'draws' parameter of simulate must be an int in the range [1, 1e9]. Got 0 instead.
    """
    def decorate(func: F) -> F:
        signature = inspect.signature(func)
        unknown = set(constraints) - set(signature.parameters)
        if unknown:
            raise TypeError(f"{func.__qualname__} has no parameters {sorted(unknown)}")
        name = caller or func.__name__

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind_partial(*args, **kwargs)
            for param, value in bound.arguments.items():
                if param in constraints:
                    check(param, value, constraints[param], name, error)
            return func(*args, **kwargs)

        wrapper.__foedus_params__ = dict(constraints)  # type: ignore[attr-defined]
        wrapper.__foedus_error__ = error  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def constraints_of(func: Callable[..., Any]) -> dict[str, list[Any]]:
    """The declared constraints of a decorated function (empty if none)."""
    return dict(getattr(func, "__foedus_params__", {}))


def typer_option(declared: Callable[..., Any] | dict[str, list[Any]], param: str,
                 *flags: str, kind: Any = None, **kwargs: Any) -> Any:
    """A typer parameter annotation for ``param`` built from its declared constraints.

    ``declared`` is a decorated function or a dict of declarations (:mod:`foedus.params`,
    cheap to import at the command line's start-up). :class:`Options` of strings become a
    ``Literal`` (typer lists and checks the choices), an :class:`Interval` gives ``min``
    and ``max``; ``kind`` is the Python type otherwise (default ``str``); other keyword
    arguments pass to ``typer.Option``. A value outside them is refused by typer with exit
    code 2 (DESIGN §7).
    """
    from typing import Annotated, Literal

    import typer

    constraints = declared if isinstance(declared, dict) else constraints_of(declared)
    annotation: Any = kind or str
    optional = False
    for c in constraints.get(param, []):
        made = _make(c)
        if isinstance(made, Options) and made.kind is str:
            annotation = Literal[made.values]  # type: ignore[valid-type]
        elif isinstance(made, Interval):
            annotation = kind or (int if made.kind in (Integral, int) else float)
            if made.left is not None:
                kwargs.setdefault("min", made.left)
            if made.right is not None:
                kwargs.setdefault("max", made.right)
        elif isinstance(made, _NoneConstraint):
            optional = True
    if optional:
        annotation = annotation | None
    return Annotated[annotation, typer.Option(*flags, **kwargs)]

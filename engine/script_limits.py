"""Size limits of sandboxed scripts: values too big to compute within the time limit.

The sandbox's time limit is a trace function, which cannot interrupt a single C call,
so the operations that build huge values in one call are checked before they run:

* ``range()`` refuses more than 1,000,000 items, and ``*`` refuses to repeat a string,
  list or tuple beyond that, so ``sum(range(10**12))`` or ``'x' * 10**9`` fail at once
  instead of running inside one C call, which the trace function cannot interrupt;
* ``*``, ``**``, ``<<`` and ``pow()`` (two arguments only) refuse integers beyond
  100,000 bits, which ``2 ** 10**9`` would otherwise spend minutes computing.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sized
from typing import Any

__all__ = [
    "LimitExceeded",
    "guarded_lshift",
    "guarded_mul",
    "guarded_pow",
    "inplacevar",
    "limited_range",
]

_MAX_ITEMS = 1_000_000
_MAX_INT_BITS = 100_000  # about 30,000 decimal digits
_SEQUENCES = (str, bytes, list, tuple)


class LimitExceeded(Exception):
    """An operation would build a value too big to compute within the time limit."""


def _check_int_bits(bits: int) -> None:
    if bits > _MAX_INT_BITS:
        raise LimitExceeded(f"numbers larger than {_MAX_INT_BITS:,} bits are not allowed")


def _check_mul(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        _check_int_bits(left.bit_length() + right.bit_length())
    elif isinstance(left, _SEQUENCES) and isinstance(right, int):
        _check_repetition(left, right)
    elif isinstance(left, int) and isinstance(right, _SEQUENCES):
        _check_repetition(right, left)


def _check_repetition(sequence: Sized, count: int) -> None:
    if len(sequence) * count > _MAX_ITEMS:
        kind = type(sequence).__name__
        raise LimitExceeded(f"repeating a {kind} beyond {_MAX_ITEMS:,} items is not allowed")


def _check_pow(base: Any, exponent: Any) -> None:
    if isinstance(base, int) and isinstance(exponent, int) and exponent > 0:
        _check_int_bits((base.bit_length() - 1) * exponent)


def _check_lshift(value: Any, shift: Any) -> None:
    if isinstance(value, int) and isinstance(shift, int):
        _check_int_bits(value.bit_length() + shift)


def _guarded(
    check: Callable[[Any, Any], None], operation: Callable[[Any, Any], Any]
) -> Callable[[Any, Any], Any]:
    def guarded(left: Any, right: Any) -> Any:
        check(left, right)
        return operation(left, right)

    return guarded


def limited_range(*args: int) -> range:
    numbers = range(*args)
    # A range slice is computed from its bounds and, unlike len(), never overflows.
    if numbers[_MAX_ITEMS:]:
        raise LimitExceeded(f"range() of more than {_MAX_ITEMS:,} items is not allowed")
    return numbers


guarded_mul = _guarded(_check_mul, operator.mul)
guarded_pow = _guarded(_check_pow, pow)
guarded_lshift = _guarded(_check_lshift, operator.lshift)

_INPLACE_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": _guarded(_check_mul, operator.imul),
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": _guarded(_check_pow, operator.ipow),
    "<<=": _guarded(_check_lshift, operator.ilshift),
    ">>=": operator.irshift,
    "&=": operator.iand,
    "|=": operator.ior,
    "^=": operator.ixor,
    "@=": operator.imatmul,
}


def inplacevar(op: str, target: Any, value: Any) -> Any:
    """RestrictedPython compiles ``n += 1`` to ``n = _inplacevar_('+=', n, 1)``."""
    return _INPLACE_OPERATORS[op](target, value)

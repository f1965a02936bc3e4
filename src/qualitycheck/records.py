"""`record`: a dataclass that costs a third less to define.

Every run of qualitycheck, including the one-file check pre-commit makes on
each commit, defines some 40 dataclasses at import. On Python 3.11 the
dataclass decorator compiles a separate piece of source code for every
method it adds (`__init__`, `__repr__`, `__eq__`, `__hash__` and, when
frozen, `__setattr__` and `__delattr__`): about 1.3 ms per class, a third
of a one-file check. `record` lets `dataclasses.dataclass` generate only
what must be specialized (`__init__`, and the frozen guards) and gives the
class `__eq__`, `__hash__` and `__repr__` shared by all records, driven by
an `operator.attrgetter` of the class's fields (C speed per call).

A record is a real dataclass: `dataclasses.fields`, `replace`, `asdict`
and pickling work as before. Equality, hashing and repr follow the
dataclass rules: fields with `compare=False` are left out of `==` and the
hash (and `hash=` overrides the latter), `repr=False` ones out of the
repr; instances are equal only to instances of the same class; a mutable
record is unhashable.
"""

from __future__ import annotations

import dataclasses
from operator import attrgetter
from typing import Any, Callable, TypeVar

T = TypeVar("T")


def record(cls: type[T] | None = None, /, *, frozen: bool = True) -> Any:
    """Decorate a class as `@dataclasses.dataclass(frozen=frozen)` would, defining fewer functions per class."""

    def wrap(cls: type[T]) -> type[T]:
        cls = dataclasses.dataclass(cls, frozen=frozen, eq=False, repr=False)  # type: ignore[call-overload]
        fields = dataclasses.fields(cls)
        compared = [f.name for f in fields if f.compare]
        hashed = [f.name for f in fields if (f.compare if f.hash is None else f.hash)]
        cls.__record_compared__ = staticmethod(_values(compared))  # type: ignore[attr-defined]
        cls.__record_hashed__ = staticmethod(_values(hashed))  # type: ignore[attr-defined]
        cls.__record_shown__ = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
        cls.__eq__ = _eq  # type: ignore[method-assign]
        cls.__hash__ = _hash if frozen else None  # type: ignore[assignment]
        cls.__repr__ = _repr  # type: ignore[method-assign]
        return cls

    return wrap if cls is None else wrap(cls)


def _values(names: list[str]) -> Callable[[Any], tuple]:
    """A function from an instance to the tuple of these attributes."""
    if not names:
        return lambda instance: ()
    if len(names) == 1:
        get = attrgetter(names[0])
        return lambda instance: (get(instance),)
    return attrgetter(*names)


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    values = self.__record_compared__
    return values(self) == values(other)


def _hash(self: Any) -> int:
    return hash(self.__record_hashed__(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__record_shown__)
    return f"{self.__class__.__qualname__}({shown})"

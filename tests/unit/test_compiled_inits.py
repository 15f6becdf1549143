"""The hand-written ``__init__`` of a dataclass must stay the one the dataclass would
generate: same parameters in the same order, same defaults, every field set.

They are written out because mypyc compiles a class's own ``__init__`` natively and
leaves a generated one interpreted; a field added later without its parameter
would otherwise go unset (or a default drift) with nothing else to notice.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
from typing import Any

import pytest

import signals


def _dataclasses() -> list[type[Any]]:
    found: list[type[Any]] = []
    for info in pkgutil.walk_packages(signals.__path__, "signals."):
        module = importlib.import_module(info.name)
        found += [value for value in vars(module).values()
                  if isinstance(value, type) and value.__module__ == module.__name__
                  and dataclasses.is_dataclass(value)]
    return found


def _written_out(cls: type[Any]) -> bool:
    # a generated __init__ is compiled from a string; a compiled one has no __code__
    code = getattr(cls.__init__, "__code__", None)
    return code is None or code.co_filename != "<string>"


CLASSES = sorted((c for c in _dataclasses() if _written_out(c)),
                 key=lambda c: f"{c.__module__}.{c.__qualname__}")


#: the classes built for every event (or every listing, score or fact), where a native
#: __init__ pays; the rest, cold (config, registry records, labels, evaluation), keep
#: the generated one. A class joins this list when it is built per event.
WRITTEN_OUT = {
    "Alert", "BrandListingFact", "BrandReportFact", "BrandView", "Candidate",
    "Deduplicator", "DistinctWindow", "Evidence", "ImageFact", "ImageMatch", "ImageState",
    "ListingEvent", "ListingSnapshot", "NetworkFact", "OrderEvent", "Outputs",
    "PendingReport", "Reason", "ReportEvent", "ReporterStats", "SellerSignals",
    "SellerState", "StepResult", "TargetBrand", "TermMatch", "TitleFacts", "WindowCounter",
}


def test_only_the_hot_classes_write_theirs_out() -> None:
    assert {c.__qualname__ for c in CLASSES} == WRITTEN_OUT


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_parameters_are_the_fields_in_order_with_their_defaults(cls: type[Any]) -> None:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        pytest.skip("compiled: its signature shows only *args, **kwargs (the plain run checks it)")
    fields = [f for f in dataclasses.fields(cls) if f.init]
    assert [p.name for p in params] == [f.name for f in fields]
    for param, field in zip(params, fields, strict=True):
        if field.default is not dataclasses.MISSING:
            assert param.default == field.default or (
                param.default != param.default and field.default != field.default), field.name
        elif field.default_factory is not dataclasses.MISSING:
            assert param.default is None, field.name  # None stands for "a fresh one"
        else:
            assert param.default is inspect.Parameter.empty, field.name


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__qualname__)
def test_defaults_build_what_the_generated_init_would(cls: type[Any]) -> None:
    fields = [f for f in dataclasses.fields(cls) if f.init]
    required = {f.name: _sample(f) for f in fields
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    try:
        built = cls(**required)
    except (ValueError, TypeError):
        pytest.skip("validates its values in __post_init__; covered by its own tests")
    for field in dataclasses.fields(cls):
        value = getattr(built, field.name)  # every field set, init or not
        if field.default_factory is not dataclasses.MISSING:
            fresh = field.default_factory()
            assert value == fresh and type(value) is type(fresh), field.name
            assert value is not getattr(cls(**required), field.name), field.name
        elif field.default is not dataclasses.MISSING:
            assert value == field.default or value != value, field.name


_SAMPLES: dict[object, Any] = {"float": 1.5, float: 1.5, "int": 2, int: 2, "str": "x", str: "x"}


def _sample(field: dataclasses.Field[Any]) -> Any:
    """Some value for a required field: of its type for the plain types an ``__init__``
    may compute with (a window's bucket floor), otherwise any object, only kept."""
    return _SAMPLES.get(field.type, object())

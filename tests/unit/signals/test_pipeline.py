"""The step's reused Context is the one a fresh construction would give: same tables,
same time; a table the caller replaces, or a new time, gives a new Context."""

from __future__ import annotations

from signals.contract.events import OrderEvent
from signals.pipeline import PipelineState, step
from signals.policy.config import PolicyConfig
from signals.processors import Context


def _order(n: int) -> OrderEvent:
    return OrderEvent(f"e{n}", "2026-11-27T14:03:11Z", 1795788191.0 + n, f"o{n}", "l1", "s1",
                      "b1", "refunded", 10.0, "USD", 1)


def _fields(ctx: Context | None) -> tuple[object, ...]:
    assert ctx is not None
    return (ctx.registry, ctx.brand_views, ctx.model, ctx.policy, ctx.now)


def _fresh(state: PipelineState, now: float) -> tuple[object, ...]:
    return (state.registry, state.brand_views, state.learner.model, state.policy, now)


def test_context_is_reused_only_while_nothing_in_it_changed() -> None:
    state = PipelineState()
    step(state, _order(1), 5.0)
    first = state.context
    step(state, _order(2), 5.0)
    assert state.context is first
    step(state, _order(3), 6.0)
    assert state.context is not first and _fields(state.context) == _fresh(state, 6.0)
    state.policy = PolicyConfig()
    step(state, _order(4), 6.0)
    assert state.context.policy is state.policy  # type: ignore[union-attr]
    assert _fields(state.context) == _fresh(state, 6.0)

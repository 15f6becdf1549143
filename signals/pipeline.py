"""The whole topology in one process: ``step(state, event, now)``.

Every processor's output is delivered to its recipient immediately (a queue,
breadth first), which is what offline replay means by "the same processors".
The live worker runs the same processor functions with Kafka in between.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from signals.contract.alert import Alert
from signals.contract.events import BrandEvent, Event
from signals.features.listing import BrandView
from signals.governance.lineages import Lineages, ensure_models, select_models
from signals.governance.observation import ScoredListing
from signals.policy.config import PolicyConfig
from signals.processors import (
    BrandListingFact,
    BrandReportFact,
    BrandState,
    Context,
    Fact,
    ImageFact,
    ImageState,
    LearnerState,
    NetworkFact,
    Outputs,
    SellerState,
    TrainingExample,
    process_brand,
    process_example,
    process_image,
    process_seller,
)
from signals.processors.seller import SellerMessage
from signals.registry import Registry

__all__ = ["PipelineState", "StepResult", "governed_state", "step"]


@dataclass(slots=True)
class PipelineState:
    policy: PolicyConfig = field(default_factory=PolicyConfig)
    registry: Registry = field(default_factory=Registry)
    brand_views: dict[str, BrandView] = field(default_factory=dict)
    sellers: dict[str, SellerState] = field(default_factory=dict)
    brands: dict[str, BrandState] = field(default_factory=dict)
    images: dict[str, ImageState] = field(default_factory=dict)
    learner: LearnerState = field(default_factory=LearnerState)
    registry_seen: set[str] = field(default_factory=set)
    #: challenger, promotions and rollbacks (None: the default model alone, no shadow)
    lineages: Lineages | None = None
    #: a ScoredListing of every scored listing in each StepResult (governance figures)
    observe: bool = False
    #: the Context of the last step, reused while nothing it holds changed; not state
    context: Context | None = field(default=None, compare=False, repr=False)


@dataclass(slots=True)
class StepResult:
    alerts: list[Alert] = field(default_factory=list)
    duplicate: bool = False
    labels: int = 0
    scored: list[ScoredListing] = field(default_factory=list)

    # written out: mypyc leaves a generated __init__ interpreted (one result per event)
    def __init__(self, alerts: list[Alert] | None = None, duplicate: bool = False,
                 labels: int = 0, scored: list[ScoredListing] | None = None) -> None:
        self.alerts = [] if alerts is None else alerts
        self.duplicate = duplicate
        self.labels = labels
        self.scored = [] if scored is None else scored


def governed_state(lineages: Lineages | None, observe: bool = True) -> PipelineState:
    """A fresh state whose learner trains every lineage of ``lineages``."""
    state = PipelineState(lineages=lineages, observe=observe)
    if lineages is not None:
        ensure_models(state.learner, lineages)
    return state


def step(state: PipelineState, event: Event, now: float) -> StepResult:
    """Apply one input event to every processor it reaches; return the alerts raised."""
    result = StepResult()
    if type(event) is BrandEvent:
        result.duplicate = event.event_id in state.registry_seen
        state.registry_seen.add(event.event_id)
        state.registry.upsert(event)
        return result
    ctx = _context(state, now)
    if state.lineages is not None:
        select_models(ctx, state.learner, state.lineages, event.ts)
    first = _seller(state, event, ctx)  # type: ignore[arg-type]  # not a BrandEvent
    result.duplicate = first.duplicate
    if first.alerts:
        result.alerts.extend(first.alerts)
    if first.scored:
        result.scored = first.scored
    if first.facts:  # most events (orders) reach no other processor
        queue: deque[Fact] = deque(first.facts)
        while queue:
            out = _deliver(state, queue.popleft(), ctx, result)
            result.alerts.extend(out.alerts)
            queue.extend(out.facts)
    return result


def _context(state: PipelineState, now: float) -> Context:
    """The processors' Context: the last one while it still holds the same tables and
    time (every field compared, so a table the caller replaced is picked up)."""
    ctx = state.context
    if (ctx is None or ctx.now != now or ctx.model is not state.learner.model
            or ctx.registry is not state.registry or ctx.brand_views is not state.brand_views
            or ctx.policy is not state.policy):
        ctx = state.context = Context(state.registry, state.brand_views, state.learner.model,
                                      state.policy, now, None, state.observe)
    return ctx


def _seller(state: PipelineState, msg: SellerMessage, ctx: Context) -> Outputs:
    seller = state.sellers.get(msg.seller_id)
    if seller is None:
        seller = state.sellers[msg.seller_id] = SellerState.create(msg.seller_id)
    return process_seller(seller, msg, ctx)


def _to_brand(state: PipelineState, fact: Fact, ctx: Context, result: StepResult) -> Outputs:
    assert isinstance(fact, BrandListingFact | BrandReportFact)
    brand = state.brands.get(fact.brand_id)
    if brand is None:
        brand = state.brands[fact.brand_id] = BrandState.create(fact.brand_id)
    out, view = process_brand(brand, fact, state.policy, ctx.now)
    if view is not None:
        state.brand_views[fact.brand_id] = view
    return out


def _to_image(state: PipelineState, fact: Fact, ctx: Context, result: StepResult) -> Outputs:
    assert isinstance(fact, ImageFact)
    image = state.images.get(fact.phash)
    if image is None:
        image = state.images[fact.phash] = ImageState.create(fact.phash)
    return process_image(image, fact)


def _to_seller(state: PipelineState, fact: Fact, ctx: Context, result: StepResult) -> Outputs:
    assert isinstance(fact, NetworkFact)
    return _seller(state, fact, ctx)


def _to_learner(state: PipelineState, fact: Fact, ctx: Context, result: StepResult) -> Outputs:
    assert isinstance(fact, TrainingExample)
    result.labels += int(process_example(state.learner, fact))
    return Outputs()


def _deliver(state: PipelineState, fact: Fact, ctx: Context, result: StepResult) -> Outputs:
    """Hand ``fact`` to the processor it is addressed to.

    Tested in turn rather than looked up in a table of functions: compiled, each
    direct call is native."""
    kind = type(fact)
    if kind is BrandListingFact or kind is BrandReportFact:
        return _to_brand(state, fact, ctx, result)
    if kind is ImageFact:
        return _to_image(state, fact, ctx, result)
    if kind is NetworkFact:
        return _to_seller(state, fact, ctx, result)
    if kind is TrainingExample:
        return _to_learner(state, fact, ctx, result)
    raise KeyError(kind)  # as the table look-up did: a fact no processor takes is a bug

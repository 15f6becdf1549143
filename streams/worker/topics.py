"""Topic names and declarations: the contract's topics plus brandguard's internal ones."""

from __future__ import annotations

from dataclasses import dataclass

from streams.worker.settings import Settings

__all__ = ["InternalTopics", "internal_topics"]


@dataclass(frozen=True, slots=True)
class InternalTopics:
    """Topics between processors; named after the app so two deployments never mix."""

    brand_facts: str      # keyed by brand_id -> brand processor
    image_facts: str      # keyed by perceptual hash -> image processor
    network_facts: str    # keyed by seller_id -> seller processor
    examples: str         # one partition -> the learner
    model: str            # compacted, one partition: the latest model snapshot
    brand_views: str      # compacted, keyed by brand_id: what scorers read about a brand
    registry: str         # compacted, one partition, keyed by model version: how each was made
    governance: str       # compacted, one partition, keyed by record id: promotions, rollbacks

    def compacted(self) -> tuple[str, ...]:
        return (self.model, self.brand_views, self.registry, self.governance)


def internal_topics(settings: Settings) -> InternalTopics:
    prefix = settings.app_id
    return InternalTopics(
        brand_facts=f"{prefix}-facts-brand", image_facts=f"{prefix}-facts-image",
        network_facts=f"{prefix}-facts-network", examples=f"{prefix}-examples",
        model=f"{prefix}-model", brand_views=f"{prefix}-brand-views",
        registry=f"{prefix}-model-registry", governance=f"{prefix}-model-governance",
    )

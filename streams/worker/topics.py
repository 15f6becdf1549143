"""Topic names and declarations: the contract's topics plus brandguard's internal ones."""

from __future__ import annotations

from dataclasses import dataclass

from streams.worker.settings import Settings

__all__ = ["DEADLETTER_MAX_BYTES", "InternalTopics", "internal_topics"]

#: The largest dead letter the worker sends, and so what the dead-letter topic
#: must accept. A dead letter carries the original record base64-encoded (4/3
#: of its size) plus the error: an input at the broker's default limit (1 MiB)
#: makes one of about 1.4 MB, above the default, and the worker would stop on
#: it for good. 16 MiB holds inputs of up to about 12 MB.
DEADLETTER_MAX_BYTES = 16 * 1024 * 1024


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

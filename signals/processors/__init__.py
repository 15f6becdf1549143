"""The processors of the topology, each a pure ``(state, input) -> outputs`` step.

Replay runs them all in one process; the live worker runs the same functions
as Faust agents, with facts travelling through internal topics.
"""

from signals.processors.brand import BrandState, process_brand
from signals.processors.image import ImageState, process_image
from signals.processors.learner import LearnerState, process_example
from signals.processors.messages import (
    BrandListingFact,
    BrandReportFact,
    Fact,
    ImageFact,
    NetworkFact,
    TrainingExample,
    route_key,
)
from signals.processors.outputs import Context, Outputs
from signals.processors.seller import process_seller
from signals.processors.seller_state import SellerState

__all__ = [
    "BrandListingFact", "BrandReportFact", "BrandState", "Context", "Fact", "ImageFact",
    "ImageState", "LearnerState", "NetworkFact", "Outputs", "SellerState", "TrainingExample",
    "process_brand", "process_example", "process_image", "process_seller", "route_key",
]

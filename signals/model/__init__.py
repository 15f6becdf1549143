"""The online risk model: rule prior blended with a River learner fed by delayed labels."""

from signals.model.blend import TrustSchedule, blend_contributions, blend_probability
from signals.model.codec import FORMAT_VERSION, ModelFormatError
from signals.model.delayed_metrics import DelayedLabelMetrics, LabelRecord, exact_roc_auc
from signals.model.online import ModelConfig, PriorFn, RiskModel
from signals.model.score import ModelScore

__all__ = [
    "FORMAT_VERSION",
    "DelayedLabelMetrics",
    "LabelRecord",
    "ModelConfig",
    "ModelFormatError",
    "ModelScore",
    "PriorFn",
    "RiskModel",
    "TrustSchedule",
    "blend_contributions",
    "blend_probability",
    "exact_roc_auc",
]

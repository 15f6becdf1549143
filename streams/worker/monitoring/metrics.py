"""Prometheus metrics of the worker (names, types and labels are part of the ops contract).

Label values are bounded sets (topics, error codes, severities, processors):
never seller, listing or brand ids.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

from signals.memo import Memo
from streams.worker.monitoring.store_memory import StoreMemory
from streams.worker.monitoring.version import build_labels

__all__ = ["Metrics"]

_ENTITY_TYPES = ("listing", "seller", "brand")
_SEVERITIES = ("low", "medium", "high", "critical")
_ERROR_CODES = ("invalid_json", "schema_violation", "unknown_schema", "too_large",
                "processing_error")

_TABLES = ("sellers", "brands", "images", "learner")
#: why a state store partition was discarded (``faust_internals.stale_reason``)
_STALE_REASONS = ("other_changelog", "ahead_of_changelog", "before_changelog_start")

_LATENCY_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
_PROCESSING_BUCKETS = (1e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.05, 0.1)
_SCORE_BUCKETS = tuple(i / 20 for i in range(1, 21))
#: Faust commits every 2 s, flushing its producer first (1-2.6 s measured under load)
_COMMIT_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
#: young collections take well under a millisecond; full ones of a large heap, seconds
_GC_BUCKETS = (0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
#: faust: Faust's own producer (sensor); outputs: brandguard's librdkafka producer
_PRODUCERS = ("faust", "outputs")


class Metrics:
    """All metrics on one registry, so tests can make a fresh set per app."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        r = self.registry = registry if registry is not None else CollectorRegistry()
        #: labelled children of never-cleared metrics (:meth:`child`); label sets are bounded
        self._children: Memo[tuple[int, tuple[str, ...]], Any] = Memo(10_000)
        self.events = Counter("brandguard_events", "Input records consumed.",
                              ["topic", "outcome"], registry=r)
        self.deadletters = Counter("brandguard_deadletters", "Records dead-lettered.",
                                   ["error_code"], registry=r)
        self.alerts = Counter("brandguard_alerts", "Alerts emitted.",
                              ["entity_type", "severity"], registry=r)
        self.alert_latency = Histogram(
            "brandguard_alert_latency_seconds",
            "Event time of the triggering event to alert emitted (wall clock).",
            ["entity_type"], buckets=_LATENCY_BUCKETS, registry=r)
        self.processing = Histogram("brandguard_processing_seconds",
                                    "Processing time per batch of records.", ["processor"],
                                    buckets=_PROCESSING_BUCKETS, registry=r)
        self.table_keys = Gauge("brandguard_table_keys", "Keys held in memory per state table.",
                                ["table"], registry=r)
        self.table_bytes = Gauge(
            "brandguard_table_bytes",
            "Serialised size of the states held in memory per state table.", ["table"],
            registry=r)
        self.consumer_lag = Gauge(
            "brandguard_consumer_lag",
            "Records in Kafka the agents have not processed yet, per assigned input "
            "partition (highwater minus the next offset to process).",
            ["topic", "partition"], registry=r)
        self.model_info = Gauge("brandguard_model_info", "Current model version (value 1).",
                                ["version"], registry=r)
        self.model_labels = Counter("brandguard_model_labels", "Delayed labels learned from.",
                                    ["label"], registry=r)
        self.model_auc = Gauge("brandguard_model_roc_auc", "Rolling ROC AUC on delayed labels.",
                               registry=r)
        self.model_track_auc = Gauge(
            "brandguard_model_track_roc_auc",
            "Rolling progressive ROC AUC on delayed labels per scorer: the rule prior, the "
            "learned model and the blend served.", ["track"], registry=r)
        self.model_precision = Gauge("brandguard_model_precision",
                                     "Rolling precision at the alert threshold.", registry=r)
        self.model_recall = Gauge("brandguard_model_recall",
                                  "Rolling recall at the alert threshold.", registry=r)
        self.model_trust = Gauge("brandguard_model_trust",
                                 "Weight of the learned model against the rule prior.", registry=r)
        self.score = Histogram("brandguard_score", "Risk scores given.", ["entity_type"],
                               buckets=_SCORE_BUCKETS, registry=r)
        self.dedup_hits = Counter("brandguard_dedup_hits", "Duplicate deliveries skipped.",
                                  ["topic"], registry=r)
        self.first_reports = Counter(
            "brandguard_first_reports",
            "First filed report of a listing, and whether it had been alerted before.",
            ["alerted_before"], registry=r)
        self.last_event = Gauge("brandguard_last_event_timestamp_seconds",
                                "Wall-clock time the last record of each topic was consumed.",
                                ["topic"], registry=r)
        self.epoch_held = Gauge(
            "brandguard_epoch_held_events",
            "Seller events held until every partition has finished the previous epoch.",
            registry=r)
        self.epoch_forced = Counter(
            "brandguard_epoch_forced",
            "Held events let through after the longest wait, without the other "
            "partitions' news (live results may then differ from replay).", registry=r)
        self.merge_late = Counter(
            "brandguard_merge_late",
            "Seller input records that reached the event-time merger after a later "
            "record of their partition had gone on: processed out of event-time order "
            "(sent late, or a merge wait ran out); not a count of differences from replay.",
            registry=r)
        self.oldest_unacked = Gauge(
            "brandguard_oldest_unacked_seconds",
            "Age of the oldest record an agent has read but not acked: its partition's "
            "offset commit cannot pass it.", ["agent"], registry=r)
        self.state_evictions = Counter(
            "brandguard_state_evictions",
            "Live states dropped from memory after a flush (read back from RocksDB when "
            "their key comes again).", ["table"], registry=r)
        self.stores_discarded = Counter(
            "brandguard_state_stores_discarded",
            "State store partitions that could not be read on from their changelog offset "
            "(a folder another app or cluster left, a changelog re-created) and were "
            "rebuilt from the whole changelog.", ["table", "reason"], registry=r)
        self.ready = Gauge("brandguard_worker_ready",
                           "1 when the worker has recovered its state and is processing.",
                           registry=r)
        self.lineage_metric = Gauge(
            "brandguard_lineage_metric",
            "Delayed-label figures of each trained model lineage (champion and challenger "
            "side by side): progressive_roc_auc, served_roc_auc, precision, recall, brier, labels.",
            ["lineage", "role", "metric"], registry=r)
        self.champion_info = Gauge("brandguard_champion_info",
                                   "The lineage serving the latest scored listing (value 1).",
                                   ["lineage"], registry=r)
        self.shadow_listings = Counter(
            "brandguard_shadow_listings",
            "Listings shadow-scored by the challenger, by what each model would decide.",
            ["lineage", "decision"], registry=r)
        self.drift_detections = Counter(
            "brandguard_drift_detections",
            "ADWIN drift detections per monitored signal (kind: input, score, label).",
            ["signal", "kind"], registry=r)
        self.drift_mean = Gauge("brandguard_drift_window_mean",
                                "Mean of each monitored signal over ADWIN's current window.",
                                ["signal"], registry=r)
        self.segment_listings = Counter(
            "brandguard_segment_listings",
            "Scored listings per segment (dimension: category, brand tier, seller cohort), "
            "by outcome: scored, risky (at the alert threshold) or alerted.",
            ["dimension", "segment", "outcome"], registry=r)
        self.governance_late = Gauge(
            "brandguard_governance_late_records",
            "Promotion/rollback records read after the stream passed their effective time.",
            registry=r)
        self._kafka_client_health(r)
        self.build_info.labels(**build_labels()).set(1)
        self._zero_known_series()
        # process_* (memory, CPU, open files) and python_* (GC, version): the operations
        # dashboard charts them per worker.
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        GCCollector(registry=r)
        self.heap_trim = Histogram(
            "brandguard_heap_trim_seconds",
            "Time to hand the heap's free memory back to the OS (malloc_trim, in a thread).",
            buckets=_COMMIT_BUCKETS, registry=r)
        self.gc_pause = Histogram(
            "brandguard_gc_pause_seconds",
            "Time each garbage collection held the interpreter, by generation (2: full).",
            ["generation"], buckets=_GC_BUCKETS, registry=r)
        self.heap_trimmed = Counter(
            "brandguard_heap_trimmed_bytes",
            "Resident memory released by heap trims (RSS before minus after).", registry=r)
        #: RocksDB's memory per table, once the app tells it where the stores are
        self.store_memory = StoreMemory()
        r.register(self.store_memory)

    def _kafka_client_health(self, r: CollectorRegistry) -> None:
        """What Faust's sensor API reports (``monitoring.sensor``), and the build."""
        self.stream_buffer_full = Counter(
            "brandguard_stream_buffer_full",
            "Records Faust handed to an agent whose stream buffer was at least 80 % full "
            "(it then pauses their partition) or full (it then hands each over by a task "
            "of its own and waits on it): the agent is the bottleneck; see "
            "BRANDGUARD_STREAM_BUFFER.", ["topic"], registry=r)
        self.rebalances = Counter("brandguard_rebalances",
                                  "Consumer group rebalances this worker took part in.",
                                  registry=r)
        self.rebalancing = Gauge("brandguard_rebalance_in_progress",
                                 "1 from a rebalance's start until its tables are recovered.",
                                 registry=r)
        self.rebalance_seconds = Gauge(
            "brandguard_last_rebalance_seconds",
            "Duration of the last rebalance: until partitions were assigned (assigned), and "
            "until the tables were recovered (recovered).", ["phase"], registry=r)
        self.commit_seconds = Histogram("brandguard_commit_seconds",
                                        "Offset commits: Faust's producer flush plus the commit.",
                                        buckets=_COMMIT_BUCKETS, registry=r)
        self.send_errors = Counter(
            "brandguard_producer_send_errors",
            "Delivery failures of Faust's producer (faust) and of brandguard's output "
            "producer (outputs), each of which stops the worker (refused alerts and dead "
            "letters are held and retried instead: brandguard_output_refusals).",
            ["producer"], registry=r)
        self._delivery_health(r)
        self.assigned_partitions = Gauge(
            "brandguard_assigned_partitions",
            "Partitions assigned to this worker, per topic: active (processed here) or "
            "standby (a warm table copy).", ["topic", "kind"], registry=r)
        self.build_info = Gauge("brandguard_build_info",
                                "Version, signals build (python or compiled) and Python of "
                                "this worker (value 1).", ["version", "build", "python"],
                                registry=r)

    def _delivery_health(self, r: CollectorRegistry) -> None:
        """Whether outputs reach the broker (``monitoring.delivery_watch``)."""
        self.broker_unreachable = Gauge(
            "brandguard_broker_unreachable",
            "1 while outputs are in flight and the broker has not answered for "
            "BRANDGUARD_BROKER_TIMEOUT_SECONDS (frozen, partitioned away) or librdkafka lost "
            "every broker; /readyz says 503 meanwhile.", registry=r)
        self.broker_unreachable_episodes = Counter(
            "brandguard_broker_unreachable_episodes",
            "Times brandguard_broker_unreachable went to 1.", registry=r)
        self.output_unanswered = Gauge(
            "brandguard_output_unanswered_seconds",
            "How long outputs have been in flight without any answer from the broker "
            "(0 when nothing is in flight).", registry=r)
        self.outputs_held = Gauge(
            "brandguard_outputs_held",
            "Alerts or dead letters the broker refused (topic deleted, write denied), held "
            "to be produced again; input is not taken and offsets are not committed "
            "past them meanwhile.", ["topic"], registry=r)
        self.output_outages = Counter(
            "brandguard_output_outages",
            "Times an output topic started refusing records (a backoff episode).",
            ["topic"], registry=r)
        self.output_refusals = Counter(
            "brandguard_output_refusals",
            "Records an output topic refused, each attempt counted.", ["topic"], registry=r)

    def child(self, metric: Counter | Histogram, *labels: str) -> Any:
        """``metric.labels(*labels)``, remembered: for series touched per listing or
        per alert, where ``labels()`` (validation, a lock, a dict look-up) cost more
        than the count. Only for metrics that are never ``clear()``-ed: a cleared
        metric's remembered child would count into a series no longer exported."""
        key = (id(metric), labels)
        found = self._children.get(key)
        if found is None:
            found = self._children.put(key, metric.labels(*labels))
        return found

    def _zero_known_series(self) -> None:
        """Create every bounded label set at 0, so the first alert or dead letter is an
        increase Prometheus can see (a series born at 1 has no rate)."""
        for entity in _ENTITY_TYPES:
            for severity in _SEVERITIES:
                self.alerts.labels(entity, severity)
        for code in _ERROR_CODES:
            self.deadletters.labels(code)
        for label in ("positive", "negative"):
            self.model_labels.labels(label)
        for alerted in ("true", "false"):
            self.first_reports.labels(alerted)
        from signals.governance.drift import KINDS
        for signal, kind in KINDS.items():
            self.drift_detections.labels(signal, kind)
        for producer in _PRODUCERS:
            self.send_errors.labels(producer)
        for table in _TABLES:
            for reason in _STALE_REASONS:
                self.stores_discarded.labels(table, reason)

    def zero_topics(self, topics: list[str]) -> None:
        for topic in topics:
            for outcome in ("processed", "deadlettered", "duplicate"):
                self.events.labels(topic, outcome)
            self.dedup_hits.labels(topic)

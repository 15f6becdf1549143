"""brandguard's Grafana dashboards, generated from code with the Grafana
Foundation SDK so that panels stay reviewable and consistent.

Regenerate the committed JSON after editing this file::

    .venv/bin/python deploy/grafana/dashboards.py          # write
    .venv/bin/python deploy/grafana/dashboards.py --check  # exit 1 if stale

Every query reads a worker metric (deploy/prometheus/metrics.yml) or a series
recorded by deploy/prometheus/rules/brandguard.rules.yml; a unit test checks it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from grafana_foundation_sdk.builders import heatmap, stat, timeseries
from grafana_foundation_sdk.builders.common import StackingConfig
from grafana_foundation_sdk.builders.dashboard import (
    Dashboard,
    DashboardLink,
    DatasourceVariable,
    QueryVariable,
    Row,
    ThresholdsConfig,
)
from grafana_foundation_sdk.builders.prometheus import Dataquery
from grafana_foundation_sdk.cog.encoder import JSONEncoder
from grafana_foundation_sdk.models.common import BigValueTextMode, StackingMode
from grafana_foundation_sdk.models.dashboard import (
    DashboardCursorSync,
    DashboardLinkType,
    DataSourceRef,
    Threshold,
    ThresholdsMode,
    VariableOption,
    VariableRefresh,
)
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

__all__ = ["DASHBOARD_DIR", "brand_protection_dashboard", "main", "operations_dashboard",
           "render_all"]

DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboards"
# A datasource variable, not a fixed uid, so the dashboards import into any
# Grafana; the compose stack provisions a Prometheus datasource as default.
DATASOURCE = DataSourceRef(type_val="prometheus", uid="${datasource}")
# Every query is scoped to the dashboard's `job` variable, so one Grafana can show
# several deployments (compose and Kubernetes both scrape as job="brandguard").
JOB = 'job=~"$job"'
_REF_IDS = "ABCDEFGHIJ"

Panel = timeseries.Panel | stat.Panel | heatmap.Panel


def _queries(panel: Panel, queries: Sequence[tuple[str, str]]) -> None:
    for ref_id, (expr, legend) in zip(_REF_IDS, queries, strict=False):
        panel.with_target(Dataquery().expr(expr).legend_format(legend).ref_id(ref_id)
                          .datasource(DATASOURCE))


def graph(title: str, description: str, unit: str, queries: Sequence[tuple[str, str]],
          *, stacked: bool = False, width: int = 12) -> timeseries.Panel:
    """A time series panel; ``queries`` are (PromQL, legend) pairs."""
    panel = (timeseries.Panel().title(title).description(description).unit(unit)
             .datasource(DATASOURCE).span(width).height(8).fill_opacity(10).min(0))
    if stacked:
        panel.stacking(StackingConfig().mode(StackingMode.NORMAL)).fill_opacity(40)
    _queries(panel, queries)
    return panel


def single(title: str, description: str, unit: str, expr: str,
           steps: Sequence[tuple[float | None, str]], *, width: int = 6,
           legend: str = "") -> stat.Panel:
    """A stat panel coloured by absolute thresholds ``steps`` (value, colour);
    with a ``legend`` it shows the series name instead of the value."""
    thresholds = ThresholdsConfig().mode(ThresholdsMode.ABSOLUTE).steps(
        [Threshold(value=value, color=color) for value, color in steps])
    panel = (stat.Panel().title(title).description(description).unit(unit)
             .datasource(DATASOURCE).span(width).height(5).thresholds(thresholds))
    if legend:
        panel.text_mode(BigValueTextMode.NAME)
    _queries(panel, [(expr, legend)])
    return panel


def _frame(uid: str, title: str, description: str, tags: list[str]) -> Dashboard:
    return (Dashboard(title).uid(uid).description(description).tags(["brandguard", *tags])
            .refresh("30s").time("now-6h", "now").timezone("browser")
            .tooltip(DashboardCursorSync.CROSSHAIR).editable()
            .with_variable(DatasourceVariable("datasource").label("Prometheus")
                           .type("prometheus"))
            .with_variable(QueryVariable("job").label("Job").datasource(DATASOURCE)
                           .query("label_values(brandguard_worker_ready, job)")
                           .refresh(VariableRefresh.ON_TIME_RANGE_CHANGED)
                           .current(VariableOption(text="brandguard", value="brandguard",
                                                   selected=True)))
            .link(DashboardLink("brandguard").type(DashboardLinkType.DASHBOARDS)
                  .tags(["brandguard"]).as_dropdown(True).keep_time(True)))


def _throughput(board: Dashboard) -> None:
    board.with_row(Row("Throughput"))
    board.with_panel(graph(
        "Events consumed per second", "Input records per topic and outcome.", "reqps",
        [(f"sum by (topic, outcome) (rate(brandguard_events_total{{{JOB}}}[$__rate_interval]))",
          "{{topic}} {{outcome}}")], stacked=True))
    board.with_panel(graph(
        "Dead-letter ratio", "Share of each topic's records dead-lettered (alert at 5%).",
        "percentunit", [(f"topic:brandguard_deadletter_ratio:rate5m{{{JOB}}}", "{{topic}}")]))
    board.with_panel(graph(
        "Dead letters by error code", "What is wrong with the dead-lettered records.", "reqps",
        [(f"sum by (error_code) (rate(brandguard_deadletters_total{{{JOB}}}"
          "[$__rate_interval]))", "{{error_code}}")], stacked=True))
    board.with_panel(graph(
        "Duplicate deliveries skipped", "Redelivered events dropped by event_id.", "reqps",
        [(f"sum by (topic) (rate(brandguard_dedup_hits_total{{{JOB}}}[$__rate_interval]))",
          "{{topic}}")]))


def _lag_and_latency(board: Dashboard) -> None:
    board.with_row(Row("Lag and latency"))
    board.with_panel(graph(
        "Consumer lag", "Records behind the log end, per topic (all partitions).", "short",
        [(f"topic:brandguard_consumer_lag:sum{{{JOB}}}", "{{topic}}")]))
    board.with_panel(graph(
        "Time since last record", "Wall-clock seconds since each topic's last record.", "s",
        [(f"time() - max by (topic) (brandguard_last_event_timestamp_seconds{{{JOB}}})",
          "{{topic}}")]))
    board.with_panel(graph(
        "Processing time per record", "p50 and p99 per processor (SLO: p99 < 250 ms).", "s",
        [(_quantile(0.5, "brandguard_processing_seconds", "processor"), "p50 {{processor}}"),
         (f"processor:brandguard_processing_seconds:p99_5m{{{JOB}}}", "p99 {{processor}}")]))
    board.with_panel(graph(
        "Event-to-alert latency", "Trigger event time to alert emitted, p50 and p99.", "s",
        [(_quantile(0.5, "brandguard_alert_latency_seconds", "entity_type"),
          "p50 {{entity_type}}"),
         (f"entity_type:brandguard_alert_latency_seconds:p99_5m{{{JOB}}}", "p99 {{entity_type}}")]))
    board.with_panel(graph(
        "Event-time order: held, forced and late seller events",
        "Held: waiting for every partition's epoch marks (a gate that never empties waits "
        "on a stalled peer). Forced: let through after the maximum wait, so live results "
        "may differ from replay's. Late: reached the event-time merger after a later "
        "record of their partition had gone on, so processed out of event-time order "
        "(sent late by a producer, or a merge wait ran out).", "short",
        [(f"sum by (instance) (brandguard_epoch_held_events{{{JOB}}})", "held {{instance}}"),
         (f"sum by (instance) (increase(brandguard_epoch_forced_total{{{JOB}}}"
          "[$__rate_interval]))", "forced {{instance}}"),
         (f"sum by (instance) (increase(brandguard_merge_late_total{{{JOB}}}"
          "[$__rate_interval]))", "late {{instance}}")]))
    board.with_panel(graph(
        "Oldest unacked record",
        "Per agent: how long its oldest record read but not acked has waited. Acks go in "
        "offset order, so no offset is committed past it; up to the epoch gate's 60 s is "
        "normal, 5 minutes fires BrandguardCommitStalled.", "s",
        [(f"max by (instance, agent) (brandguard_oldest_unacked_seconds{{{JOB}}})",
          "{{agent}} {{instance}}")]))


def _workers(board: Dashboard) -> None:
    board.with_row(Row("Workers"))
    board.with_panel(single("Workers up", "Scrape targets answering.", "none",
                            f"sum(up{{{JOB}}})", [(None, "red"), (1, "green")]))
    board.with_panel(single("Workers ready", "Workers done recovering their tables.", "none",
                            f"sum(brandguard_worker_ready{{{JOB}}})",
                            [(None, "red"), (1, "green")]))
    board.with_panel(single("Model version", "Model version the workers score with.", "none",
                            f"count by (version) (brandguard_model_info{{{JOB}}})",
                            [(None, "blue")], legend="{{version}}"))
    board.with_panel(single("Memory (max worker)", "Largest resident set size.", "bytes",
                            f"max(process_resident_memory_bytes{{{JOB}}})",
                            [(None, "green"), (512 * 2**20, "orange")]))
    board.with_panel(graph(
        "State table keys", "Keys held per table (summed over workers).", "short",
        [(f"table:brandguard_table_keys:sum{{{JOB}}}", "{{table}}")], width=8))
    board.with_panel(graph(
        "CPU per worker", "CPU cores used (request: 0.5).", "short",
        [(f"rate(process_cpu_seconds_total{{{JOB}}}[$__rate_interval])", "{{instance}}")],
        width=8))
    board.with_panel(graph(
        "Memory per worker", "Resident set size.", "bytes",
        [(f"process_resident_memory_bytes{{{JOB}}}", "{{instance}}")], width=8))
    board.with_panel(graph(
        "Live states (serialised)", "States held in memory per table, as serialised; "
        "bounded by BRANDGUARD_STATE_CACHE_MB per worker, and 3-5 times this as objects.",
        "bytes", [(f"sum by (table) (brandguard_table_bytes{{{JOB}}})", "{{table}}")],
        width=8))
    board.with_panel(graph(
        "RocksDB memory", "Write buffers, block cache and SST index and filters per "
        "table, summed over workers: memory outside the Python heap.", "bytes",
        [(f"sum by (table, kind) (brandguard_rocksdb_memory_bytes{{{JOB}}})",
          "{{table}} {{kind}}")], width=8))
    board.with_panel(graph(
        "Heap given back", "Resident memory released per second by the periodic "
        "malloc_trim (BRANDGUARD_HEAP_TRIM_SECONDS): freed memory glibc would otherwise "
        "keep, mostly from evicted states.", "Bps",
        [(f"rate(brandguard_heap_trimmed_bytes_total{{{JOB}}}[$__rate_interval])",
          "{{instance}}")], width=8))
    board.with_panel(graph(
        "Garbage collection", "Share of time the interpreter spent in cyclic garbage "
        "collection per worker and generation (2: full collections, which walk every live "
        "state; BRANDGUARD_GC_THRESHOLDS sets how often they may run).", "percentunit",
        [(f"sum by (instance, generation) (rate(brandguard_gc_pause_seconds_sum{{{JOB}}}"
          f"[$__rate_interval]))", "{{instance}} gen {{generation}}")], width=8))


def _kafka_client(board: Dashboard) -> None:
    board.with_row(Row("Kafka client (Faust sensor)"))
    board.with_panel(graph(
        "Rebalances", "Consumer group rebalances per worker; none stops processing for "
        "long, a steady stream fires BrandguardRebalanceStorm.", "short",
        [(f"sum by (instance) (increase(brandguard_rebalances_total{{{JOB}}}"
          "[$__rate_interval]))", "{{instance}}")], width=8))
    board.with_panel(graph(
        "Last rebalance duration", "Until partitions were assigned, and until the tables "
        "were recovered.", "s",
        [(f"max by (instance, phase) (brandguard_last_rebalance_seconds{{{JOB}}})",
          "{{phase}} {{instance}}")], width=8))
    board.with_panel(graph(
        "Assigned partitions", "Partitions per worker: active (processed there) and "
        "standby (warm table copies).", "short",
        [(f"sum by (instance, kind) (brandguard_assigned_partitions{{{JOB}}})",
          "{{kind}} {{instance}}")], stacked=True, width=8))
    board.with_panel(graph(
        "Offset commit time", "p50 and p99 per worker, Faust's producer flush included "
        "(alert over 10 s).", "s",
        [(_quantile(0.5, "brandguard_commit_seconds", "instance"), "p50 {{instance}}"),
         (f"instance:brandguard_commit_seconds:p99_5m{{{JOB}}}", "p99 {{instance}}")]))
    board.with_panel(graph(
        "Producer send errors", "Records a producer could not deliver; a failed output "
        "stops the worker.", "short",
        [(f"sum by (instance, producer) (increase(brandguard_producer_send_errors_total"
          f"{{{JOB}}}[$__rate_interval]))", "{{producer}} {{instance}}")], width=6))
    board.with_panel(graph(
        "Outputs not delivered", "Seconds outputs have waited for any answer from the "
        "broker (over BRANDGUARD_BROKER_TIMEOUT_SECONDS: not ready), and alerts or dead "
        "letters held because their topic refuses them (no input is taken meanwhile).",
        "short",
        [(f"max by (instance) (brandguard_output_unanswered_seconds{{{JOB}}})",
          "unanswered s {{instance}}"),
         (f"sum by (instance, topic) (brandguard_outputs_held{{{JOB}}})",
          "held {{topic}} {{instance}}")], width=6))
    board.with_panel(graph(
        "Stream buffer full", "Records per second Faust handed to an agent whose queue "
        "was at least 80 % full (their partition is paused) or full (each then goes over "
        "by a task of its own): during a catch-up the agent sets the pace; steadily "
        "outside one, the worker is short of CPU (BRANDGUARD_STREAM_BUFFER).", "short",
        [(f"sum by (instance, topic) (rate(brandguard_stream_buffer_full_total{{{JOB}}}"
          "[$__rate_interval]))", "{{topic}} {{instance}}")], width=12))
    board.with_panel(single("Builds", "Workers per version and signals build (python or "
                            "compiled).", "none",
                            f"count by (version, build) (brandguard_build_info{{{JOB}}})",
                            [(None, "blue")], legend="{{version}} {{build}}"))


def _quantile(q: float, histogram: str, by: str, window: str = "$__rate_interval") -> str:
    return (f"histogram_quantile({q}, sum by ({by}, le) "
            f"(rate({histogram}_bucket{{{JOB}}}[{window}])))")


def operations_dashboard() -> Dashboard:
    """Throughput, lag, latency, dead letters and worker health."""
    board = _frame("brandguard-operations", "brandguard / Operations",
                   "Is brandguard keeping up, and is it healthy?", ["operations"])
    _workers(board)
    _throughput(board)
    _lag_and_latency(board)
    _kafka_client(board)
    return board


def _alerts(board: Dashboard) -> None:
    board.with_row(Row("Alerts"))
    board.with_panel(single(
        "Proactive detection (1d)",
        "First reports on listings brandguard had already alerted on.", "percentunit",
        f"job:brandguard_proactive_detection_ratio:ratio1d{{{JOB}}}",
        [(None, "red"), (0.3, "orange"), (0.6, "green")]))
    board.with_panel(single(
        "Critical brand incidents (24h)", "Brand-level critical alerts in the last day.", "none",
        f'sum(increase(brandguard_alerts_total{{{JOB}, entity_type="brand", '
        'severity="critical"}[24h]))', [(None, "green"), (1, "red")]))
    board.with_panel(single(
        "Alerts (24h)", "All alerts emitted in the last day.", "none",
        f"sum(increase(brandguard_alerts_total{{{JOB}}}[24h]))", [(None, "blue")]))
    board.with_panel(single(
        "Alert rate vs 1-day average", "Over 3 = surge, under 0.1 = silence.", "none",
        f"job:brandguard_alerts:rate30m{{{JOB}}} / job:brandguard_alerts:rate30m_avg1d{{{JOB}}}",
        [(None, "orange"), (0.1, "green"), (3, "orange")]))
    board.with_panel(graph(
        "Alerts by severity", "Alerts per second.", "reqps",
        [(f"sum by (severity) (severity:brandguard_alerts:rate5m{{{JOB}}})", "{{severity}}")],
        stacked=True))
    board.with_panel(graph(
        "Alerts by entity type", "Listing, seller and brand alerts per second.", "reqps",
        [(f"sum by (entity_type) (entity_type_severity:brandguard_alerts:rate5m{{{JOB}}})",
          "{{entity_type}}")], stacked=True))
    board.with_panel(graph(
        "Brand incidents", "Brand-level alerts per hour by severity.", "short",
        [(f'sum by (severity) (increase(brandguard_alerts_total{{{JOB}, entity_type="brand"}}'
          "[1h]))", "{{severity}}")], stacked=True))
    board.with_panel(graph(
        "First reports: alerted before or not", "First filed reports per hour.", "short",
        [(f"sum by (alerted_before) (increase(brandguard_first_reports_total{{{JOB}}}[1h]))",
          "alerted before: {{alerted_before}}")], stacked=True))


def _model(board: Dashboard) -> None:
    board.with_row(Row("Model (delayed labels)"))
    board.with_panel(graph(
        "Model quality", "Rolling metrics on upheld/rejected report decisions.", "percentunit",
        [(f"max(brandguard_model_roc_auc{{{JOB}}})", "ROC AUC"),
         (f"max(brandguard_model_precision{{{JOB}}})", "precision"),
         (f"max(brandguard_model_recall{{{JOB}}})", "recall")]))
    board.with_panel(graph(
        "Model trust", "Weight of the learned model against the rule prior.", "percentunit",
        [(f"max(brandguard_model_trust{{{JOB}}})", "trust")]))
    board.with_panel(graph(
        "Labels learned from", "Delayed labels per hour.", "short",
        [(f"sum by (label) (label:brandguard_model_labels:rate1h{{{JOB}}}) * 3600", "{{label}}")],
        stacked=True))
    board.with_panel(_score_heatmap())


def _where_is_the_risk(board: Dashboard) -> None:
    board.with_row(Row("Where is the risk"))
    for dimension, title in (("category", "category"), ("brand", "brand tier (reports drawn)"),
                             ("cohort", "seller cohort")):
        board.with_panel(graph(
            f"Risky share by {title}",
            f"Share of scored listings at or above the alert threshold, by {title}.",
            "percentunit",
            [(f'sum by (segment) (increase(brandguard_segment_listings_total{{{JOB}, '
              f'dimension="{dimension}", outcome="risky"}}[1h])) / sum by (segment) '
              f'(increase(brandguard_segment_listings_total{{{JOB}, dimension="{dimension}", '
              f'outcome="scored"}}[1h]))', "{{segment}}")], width=8))
    board.with_panel(graph(
        "Alerts by seller cohort", "Listing alerts per hour, by seller cohort.", "short",
        [(f'sum by (segment) (increase(brandguard_segment_listings_total{{{JOB}, '
          f'dimension="cohort", outcome="alerted"}}[1h]))', "{{segment}}")], stacked=True))
    board.with_panel(graph(
        "Alerts by brand tier", "Listing alerts per hour, by brand tier.", "short",
        [(f'sum by (segment) (increase(brandguard_segment_listings_total{{{JOB}, '
          f'dimension="brand", outcome="alerted"}}[1h]))', "{{segment}}")], stacked=True))


def _governance(board: Dashboard) -> None:
    board.with_row(Row("Model governance"))
    board.with_panel(graph(
        "Champion and challenger on delayed labels",
        "Progressive ROC AUC (scored before learning each label) of every trained lineage.",
        "percentunit",
        [(f'max by (lineage, role) (brandguard_lineage_metric{{{JOB}, '
          f'metric="progressive_roc_auc"}})', "{{lineage}} ({{role}})")]))
    board.with_panel(graph(
        "Shadow decisions", "Listings per hour by what champion and challenger would decide.",
        "short",
        [(f"sum by (decision) (increase(brandguard_shadow_listings_total{{{JOB}}}[1h]))",
          "{{decision}}")], stacked=True))
    board.with_panel(graph(
        "Drift detections", "ADWIN detections per signal over the last hour.", "short",
        [(f"sum by (signal) (increase(brandguard_drift_detections_total{{{JOB}}}[1h]))",
          "{{signal}}")]))
    board.with_panel(graph(
        "Drift: window means", "Mean of each monitored signal over ADWIN's current window.",
        "short", [(f"max by (signal) (brandguard_drift_window_mean{{{JOB}}})", "{{signal}}")]))


def _score_heatmap() -> heatmap.Panel:
    panel = (heatmap.Panel().title("Score distribution")
             .description("Risk scores given, per score bucket.").datasource(DATASOURCE)
             .span(12).height(8).calculate(False))
    panel.with_target(
        Dataquery().expr(f"sum by (le) (increase(brandguard_score_bucket{{{JOB}}}"
                         "[$__rate_interval]))")
        .legend_format("{{le}}").format(PromQueryFormat.HEATMAP).ref_id("A")
        .datasource(DATASOURCE))
    return panel


def brand_protection_dashboard() -> Dashboard:
    """Alerts, brand incidents, proactive detection and the online model."""
    board = _frame("brandguard-brand-protection", "brandguard / Brand protection",
                   "What brandguard finds, and how good the model is.", ["brand-protection"])
    _alerts(board)
    _model(board)
    _where_is_the_risk(board)
    _governance(board)
    return board


def _number_panels(board: Dashboard) -> dict[str, object]:
    # Stable ids keep panel links (viewPanel=N) valid across regenerations.
    model = json.loads(json.dumps(board.build(), cls=JSONEncoder))
    for panel_id, panel in enumerate(model["panels"], start=1):
        panel["id"] = panel_id
    result: dict[str, object] = model
    return result


def render_all() -> dict[str, str]:
    """File name -> JSON text of every dashboard."""
    boards = {"operations.json": operations_dashboard(),
              "brand-protection.json": brand_protection_dashboard()}
    return {name: json.dumps(_number_panels(board), indent=2, sort_keys=True) + "\n"
            for name, board in boards.items()}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail if the JSON is stale")
    parser.add_argument("--out", type=Path, default=DASHBOARD_DIR)
    args = parser.parse_args(argv)
    stale = []
    for name, text in render_all().items():
        path = args.out / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if stale:
        print("stale dashboards (regenerate them):", ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

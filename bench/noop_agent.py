"""No-op Faust agent: the worker's consumer and stream machinery, with no processing.

A baseline for the live catch-up benchmark. It builds a ``faust.App`` with the
consumer, stream and commit settings of ``streams/worker/app.py`` (raw
serializers, ``stream_buffer_maxsize`` from ``BRANDGUARD_STREAM_BUFFER``,
``broker_max_poll_records`` from ``BRANDGUARD_MAX_POLL_RECORDS``,
``consumer_max_fetch_size`` from ``BRANDGUARD_PARTITION_FETCH_BYTES``,
commit on the 2 s timer only, ``earliest``, the 100 ms fetch wait of
``FastFetchConsumer``, no spinner, the worker's garbage collector thresholds)
and, like the worker,
one agent over the three marketplace input topics and one over the brands
topic, each taking ``noack`` batches of ``BRANDGUARD_BATCH_MAX`` records within
``BRANDGUARD_BATCH_WAIT_SECONDS`` and acking them. It decodes nothing, keeps no
table and produces nothing.

Configured like the worker, by ``BRANDGUARD_*`` variables (bootstrap, app id =
consumer group, topics, web port, data dir). ``GET /metrics`` answers
``noop_events_total N``.

``--handover`` picks how fetched records reach the agent's stream: ``faust``
(the default) is faust-streaming's own, a few tasks per record
(``Consumer._drain_messages``); ``inline`` is the worker's, which runs that
step inline when it does not have to wait (``FastFetchConsumer.wait_first``).

    BRANDGUARD_KAFKA_BOOTSTRAP=127.0.0.1:9092 BRANDGUARD_APP_ID=noop1 \\
      BRANDGUARD_WEB_PORT=6070 python bench/noop_agent.py
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def build(handover: str = "faust") -> Any:
    import faust
    from mode import Service

    from streams.worker.faust_internals import FastFetchConsumer
    from streams.worker.memory.collector import CollectorTuning
    from streams.worker.settings import load_settings

    class FaustHandoverConsumer(FastFetchConsumer):
        """The worker's consumer with faust-streaming's per-record hand-over."""

        wait_first = Service.wait_first

    s = load_settings()
    app = faust.App(
        s.app_id, broker=f"kafka://{s.bootstrap}", store="memory://", datadir=str(s.data_dir),
        topic_partitions=s.partitions, topic_replication_factor=s.replication_factor,
        web_bind=s.web_host, web_host=s.web_host, web_port=s.web_port, web_enabled=True,
        producer_acks=-1, producer_linger_ms=10, stream_buffer_maxsize=s.stream_buffer,
        broker_max_poll_records=s.max_poll_records, consumer_max_fetch_size=s.partition_fetch_bytes,
        producer_max_batch_size=1_048_576, producer_threaded=False, stream_wait_empty=False,
        broker_commit_every=1_000_000_000, broker_commit_interval=2.0,
        consumer_auto_offset_reset="earliest", value_serializer="raw", key_serializer="raw",
    )
    app.transport.Consumer = FastFetchConsumer if handover == "inline" else FaustHandoverConsumer
    CollectorTuning(s.gc_thresholds).install()
    raw: dict[str, Any] = {"key_type": bytes, "value_type": bytes, "key_serializer": "raw",
                           "value_serializer": "raw"}
    count = [0]
    size, within = s.batch_max, s.batch_wait

    def agent_for(name: str) -> Any:
        async def agent(stream: Any) -> None:
            async for batch in stream.noack().noack_take(size, within=within):
                count[0] += len(batch)
                for event in batch:
                    event.ack()
                await asyncio.sleep(0)

        agent.__name__ = f"{name}_agent"
        return agent

    t = s.topics
    app.agent(app.topic(t.listings, t.orders, t.reports, **raw), name="noop.inputs",
              concurrency=1)(agent_for("inputs"))
    app.agent(app.topic(t.brands, **raw), name="noop.brands", concurrency=1)(
        agent_for("brands"))

    @app.page("/metrics")
    async def metrics(web: Any, request: Any) -> Any:
        return web.text(f"noop_events_total {count[0]}\n")

    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     epilog="Settings come from BRANDGUARD_* variables.")
    parser.add_argument("--handover", choices=("faust", "inline"), default="faust",
                        help="how fetched records reach the stream (see above)")
    args = parser.parse_args(argv)
    from streams.worker.faust_internals import without_spinner

    app = build(args.handover)
    worker = without_spinner(app.Worker(loglevel="WARNING", quiet=True))
    worker.execute_from_commandline()
    return 0


if __name__ == "__main__":
    raise SystemExit(cast(int, main()))

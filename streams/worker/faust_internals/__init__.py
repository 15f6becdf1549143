"""Every reach into Faust's or aiokafka's private parts, in one place.

Each one works around something the public API does not offer; each names
the upstream issue, so a Faust or aiokafka upgrade knows what to re-check
(``tests/unit/streams/worker/faust_internals/`` fails if one moves). Each
submodule holds one concept: ``changelog``, ``consumer``, ``recovery``, ``store``,
``worker``.

- :func:`event_context` (``changelog``): tables file a write under the *current event's*
  partition, read from ``faust.streams._current_event``. Runners write state
  at flush time, outside the stream iteration, so they set it themselves
  (faust-streaming #497, #300: no public way to write a table outside it).
- :class:`FastFetchConsumer` (``consumer``): Faust passes aiokafka a hard-coded
  ``fetch_max_wait_ms=1500`` (``faust/transport/drivers/aiokafka.py``, no
  setting; no upstream issue found). aiokafka keeps one fetch in flight per
  broker and leaves out partitions that still have records buffered, so a
  record produced to such a partition waits until the request in flight
  returns: up to 1.5 s when that request holds only quiet partitions. Epoch
  marks make that a round trip per epoch for every partition (measured on a
  compressed 1-day scenario: 1.4-2.0 s from the last seller partition's mark
  to the image agent seeing it). 100 ms costs an idle worker ten small fetch
  requests a second.
- ``FastFetchConsumer.perform_seek`` stops the flow before it seeks. Faust's
  recovery resumes the input partitions and seeks them to the committed
  offsets with the flow running, then empties the streams' queues: records
  fetched during the seek were dropped there, and Faust took their offsets for
  a gap and committed past them (faust-streaming #596, open). A restart with
  changelog records to recover lost input records for good. An input
  partition with nothing committed yet is not moved by that seek (aiokafka
  ``seek_to_committed``), so it is sought to its first record too.
- ``FastFetchConsumer.ack`` refuses records of an earlier assignment
  (generation): a Faust stream *acks* the records it skips for being of an
  older generation ("otherwise the lag would increase", ``Stream.__aiter__``),
  and those of a batch our agent took before a rebalance are acked too once
  done. Either lets Faust commit past offsets whose re-read copies are not
  processed yet, and a crash then loses them. Those records are read again
  after the rebalance's seek and acked then (no upstream issue found;
  faust-streaming #606 and #707 are about the commit side).
- :func:`without_spinner` (``worker``): Faust's worker draws a terminal spinner and, to feed
  it, sets the *root logger* to DEBUG (``faust/worker.py``,
  ``_setup_spinner_handler``; no upstream issue found), whatever ``--loglevel``
  says. Every ``logger.debug`` in Faust and aiokafka then builds a record that
  the handler throws away: a profile of the worker caught it on every send.
- :class:`DirectChangelog` (``changelog``): a table write through ``Table.__setitem__`` sends
  its changelog record through Faust's producer, one record per event-loop
  turn (about 0.3-0.5 ms each when profiled), and a seller or image state is
  written about once per input event during a catch-up. So a state write goes
  to the table's store (``Table.data``, the RocksDB partition of the current
  event) and its changelog record, the same topic, partition, key and bytes,
  through librdkafka; once delivered, its offset is recorded with
  ``Store.set_persisted_offset``, as Faust's ``Table._on_changelog_sent`` does,
  so recovery starts where the store is. Faust's changelog reader, standbys
  and recovery are unchanged (faust-streaming has no batch changelog API).
- :func:`refresh_metadata` (``consumer``): aiokafka's consumer has no public call that waits
  for metadata of a topic it is not subscribed to (the global views assign
  partitions by hand); ``AIOKafkaClient.force_metadata_update`` is private.
- :class:`Store` (``store``): Faust's RocksDB store calls ``gc.collect()`` at
  every rebalance for every table, whether or not it dropped a database
  (``Store.revoke_partitions``; no upstream issue found): four full
  collections at start-up and at each rebalance, each a walk over every live
  object, while the partitions wait. Ours collects only when a revoke did
  drop one (so that a database in a reference cycle still closes and frees
  its lock for the next owner).
- :func:`discarding_table_manager` (``recovery``): a RocksDB partition whose persisted
  changelog offset is at or past the end of its changelog (a folder left by
  another app or cluster, a restored volume, a changelog deleted and
  re-created) makes Faust's recovery raise ``ConsistencyError`` and the worker
  never starts (faust-streaming #158, open; #597 for the empty-changelog
  variant). One whose offset is *behind* the end is worse: Faust reads on
  from there into a store full of another changelog's keys. Faust has no
  hook between reading the persisted offsets and that check, so our
  ``Recovery._build_offsets`` first checks each partition (:func:`stale_reason`;
  the store names the changelog it was built from in a file beside it) and,
  as Kafka Streams does with a corrupted task, discards the store partition
  and restores it from the whole changelog.
"""


from __future__ import annotations

from streams.worker.faust_internals.changelog import DirectChangelog, SendRecord, event_context
from streams.worker.faust_internals.consumer import (
    FETCH_MAX_WAIT_MS,
    FastFetchConsumer,
    committed_offsets,
    refresh_metadata,
)
from streams.worker.faust_internals.recovery import (
    STALE_REASONS,
    OnDiscard,
    discard_partition,
    discarding_table_manager,
    stale_reason,
    store_owner,
)
from streams.worker.faust_internals.store import Store, store_url
from streams.worker.faust_internals.worker import without_spinner

__all__ = ["FETCH_MAX_WAIT_MS", "STALE_REASONS", "DirectChangelog", "FastFetchConsumer",
           "OnDiscard", "SendRecord", "Store", "committed_offsets", "discard_partition",
           "discarding_table_manager", "event_context", "refresh_metadata", "stale_reason",
           "store_owner", "store_url", "without_spinner"]

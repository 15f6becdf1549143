"""Per-agent glue between Faust and the ``signals`` processors: decode, merge, gate,
process, emit.
"""

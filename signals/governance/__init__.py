"""Model governance: which model scored an alert, how it was trained and measured, which
model serves when (champion, challenger, promotions and rollbacks), and drift.

Pure like the rest of ``signals``: records are built from values passed in (the wall
clock included); the worker publishes them and the CLI reads them back.
"""

"""The Faust worker: the app, its settings and topics, and the views every worker reads."""

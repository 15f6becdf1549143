"""When work counts as done: write-behind state flushed to the tables, then acks in offset order."""

"""The worker's memory: the garbage collector's thresholds and giving free heap back to the OS."""

"""What the worker tells operators: Prometheus metrics, HTTP endpoints, build information."""

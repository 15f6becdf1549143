"""A real single-node Kafka broker for development and tests, from Maven Central jars."""

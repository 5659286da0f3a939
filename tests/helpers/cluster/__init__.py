"""The test cluster: a network namespace with a Ray head, two Ray nodes and the service inside."""

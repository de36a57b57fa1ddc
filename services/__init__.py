"""Local outside services for development, tests and the demo: the Neo4j and Kafka launchers
(Java, built by Maven) and the process management they share. Production points NEO4J_URI and
KAFKA_BOOTSTRAP at real clusters and never starts anything from here."""

"""The service's store plumbing: read engine, database breaker, shared tables."""

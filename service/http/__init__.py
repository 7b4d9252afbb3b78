"""Shared HTTP parts: auth, problems, throttle, logs, OpenAPI, bodies and schemas."""

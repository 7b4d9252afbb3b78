"""The admin API: merchants, credentials, integrations, devices, users and cards."""

"""Read models of the ledger: tables, views, the projector, rebuilds and audits."""

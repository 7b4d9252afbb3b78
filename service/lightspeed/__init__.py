"""Lightspeed K-Series RTN receipts: parsing, and translation into ledger commands.

Pure code (no Flask, no database): `schema` reads a receipt, `lines` picks out its
gift-card lines in minor units, `translate` plans the ledger commands.
"""

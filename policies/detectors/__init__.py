"""Shared, model-free detectors: plain functions over text and JSON values.

They never return the matched values themselves: findings name a type and a location
(``input``/``output`` and a JSON path), so they are safe to store in the ledger.
"""

"""The wire contract: input events, their decoding and checks, alert and dead-letter
records, the shipped JSON Schemas.
"""

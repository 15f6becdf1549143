"""Event-time ordering: merging a seller's topics by event time, hourly epochs, low
watermarks and the gate that holds events until news arrives.
"""

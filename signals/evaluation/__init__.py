"""Detection quality: the synthetic marketplace with ground truth, and the scoring of a
run's alerts against it.
"""

"""Title matching: which brand a listing title names (spelled right, disguised or typo-
squatted) and which counterfeit or sale words it uses.
"""

"""The brand term index: registered terms filed under keys that find exact, look-alike and
one- or two-edit spellings fast.
"""

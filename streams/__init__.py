"""brandguard shell."""

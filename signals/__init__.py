"""brandguard pure core."""

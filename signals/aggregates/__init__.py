"""Rolling, bounded, serialisable aggregates kept per seller, brand and reporter."""

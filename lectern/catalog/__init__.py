"""The public course catalog: listing, search, facets, course pages."""

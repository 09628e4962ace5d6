"""Categories and tags: the catalog's taxonomy."""

"""Error messages of the API in each language but English (data files, one per language)."""

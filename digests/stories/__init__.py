"""The same event across outlets: one story, many articles."""

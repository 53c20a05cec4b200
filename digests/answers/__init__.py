"""/company, /target, /search and the other answers over the store."""

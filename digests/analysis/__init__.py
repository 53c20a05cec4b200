"""What an article says: sentences, organisations, people, targets, themes."""

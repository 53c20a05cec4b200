"""The daily digest: choose stories, summarise, render for Telegram."""

"""ictdigest's Telegram side: handlers, chats and settings, schedules, delivery.

Reads the store through ``digests``; ``digests`` never imports ``bot``.
"""

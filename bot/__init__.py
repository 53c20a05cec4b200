"""ictdigest's Telegram side: handlers, chats and settings, schedules, delivery.

Reads the store through ``digests``; ``digests`` never imports ``bot``.
"""

import os

# Opt in now to PTB's coming form of durations (RetryAfter.retry_after as a
# timedelta); bot.errors reads both, and PTB stops warning on every flood answer.
os.environ.setdefault("PTB_TIMEDELTA", "1")

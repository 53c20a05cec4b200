"""A local Telegram Bot API server that enforces Telegram's rules.

Used by the end-to-end tests, the broadcast benchmark and ``ictdigest console`` (no token):
the real python-telegram-bot ``Application`` talks to it over HTTP on 127.0.0.1.
"""

from bot.emulator.core import DEFAULT_TOKEN, DEFAULT_USERNAME, EmulatorStats
from bot.emulator.entities import EntityParseError, ParsedText, parse_html, utf16_length
from bot.emulator.limits import RateLimiter, RateLimits
from bot.emulator.params import ApiError
from bot.emulator.server import BotApiEmulator

__all__ = [
    "DEFAULT_TOKEN",
    "DEFAULT_USERNAME",
    "ApiError",
    "BotApiEmulator",
    "EmulatorStats",
    "EntityParseError",
    "ParsedText",
    "RateLimiter",
    "RateLimits",
    "parse_html",
    "utf16_length",
]

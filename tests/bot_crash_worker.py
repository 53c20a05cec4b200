"""One delivery pass in its own process, as the bot runs it on start (crash test helper).

``python tests/bot_crash_worker.py BASE_URL TOKEN DB NOW RATE [IN_DOUBT]`` recovers rows a killed
run left behind, resumes the outbox and delivers every missed digest, then exits.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime
from pathlib import Path

from bot.app import build_application
from bot.delivery import startup
from bot.settings import Settings


async def deliver_once(
    base_url: str, token: str, db: Path, now: datetime, rate: float, in_doubt: str = "notice"
) -> None:
    settings = Settings(token=token, db_path=db, rate_overall_per_s=rate, in_doubt=in_doubt)
    app = build_application(settings, base_url=base_url, clock=lambda: now)
    async with app:
        await startup(app)


if __name__ == "__main__":
    url, token, db, now, rate = sys.argv[1:6]
    policy = sys.argv[6] if len(sys.argv) > 6 else "notice"
    asyncio.run(
        deliver_once(url, token, Path(db), datetime.fromisoformat(now), float(rate), policy)
    )

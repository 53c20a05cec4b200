"""`python -m digests`: the corpus command line without the bot."""

from digests.cli import main

raise SystemExit(main())

"""The `ictdigest` commands that answer from the store: articles, stories, company,
companies, person, target, search."""

from __future__ import annotations

import argparse

from digests.answers.articles import list_articles
from digests.answers.common import check_page, check_words, clean_argument
from digests.answers.company import company_report, list_companies, person_answer
from digests.answers.search import search
from digests.answers.targets import parse_year_range, target_years, targets_report
from digests.cli_common import EXIT_FAILED, EXIT_OK, emit, open_store


def cmd_articles(args: argparse.Namespace) -> int:
    """List stored articles, newest first."""
    check_page(args.limit, args.offset)
    result = list_articles(open_store(args), args.limit, args.offset)
    emit(args, "articles", result, result=result)
    return EXIT_OK


def cmd_stories(args: argparse.Namespace) -> int:
    """List stories with their outlets and dates, the most recent first."""
    from digests.answers.stories import list_stories

    check_page(args.limit, args.offset)
    result = list_stories(open_store(args), args.since, args.limit, args.offset)
    emit(args, "stories", result, result=result)
    return EXIT_OK


def cmd_company(args: argparse.Namespace) -> int:
    """Show what the store knows about one company."""
    name = clean_argument(" ".join(args.name))
    check_page(args.limit, 0)
    report = company_report(open_store(args), name, limit=args.limit)
    emit(args, "company", report, report=report)
    return EXIT_OK if report.found else EXIT_FAILED


def cmd_person(args: argparse.Namespace) -> int:
    """Show what one person said or is quoted in."""
    name = clean_argument(" ".join(args.name))
    check_page(args.limit, 0)
    report = person_answer(open_store(args), name, limit=args.limit)
    emit(args, "person", report, report=report)
    return EXIT_OK if report.found else EXIT_FAILED


def cmd_companies(args: argparse.Namespace) -> int:
    """List organisations with mention counts."""
    companies = list_companies(open_store(args), include_unmentioned=args.all)
    emit(args, "companies", companies, companies=companies)
    return EXIT_OK


def cmd_target(args: argparse.Namespace) -> int:
    """Goals for a year or range, or the years that have goals."""
    text = " ".join(args.years).strip()
    if not text:
        years = target_years(open_store(args))
        emit(args, "target_years", [{"year": y, "count": n} for y, n in years], years=years)
        return EXIT_OK
    year_from, year_to = parse_year_range(text)
    report = targets_report(open_store(args), year_from, year_to, limit=args.limit)
    emit(args, "targets", report, report=report)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    """Full-text search."""
    words = clean_argument(" ".join(args.words), what="words")
    check_words(words)
    check_page(args.limit, args.offset)
    result = search(open_store(args), words, args.limit, args.offset)
    emit(args, "search", result, result=result)
    return EXIT_OK

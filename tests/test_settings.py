"""Settings: environment + TOML, env wins, every bad value named in one line, token hidden."""

from __future__ import annotations

import io
import itertools
from datetime import time
from pathlib import Path

import pytest

from bot.settings import ENV_VARS, Settings, SettingsError, load_or_exit, load_settings

TOKEN = "123456789:AAHfakefakefakefakefakefakefake_-xyz"


def base_env(tmp_path: Path) -> dict[str, str]:
    return {"ICTDIGEST_DB": str(tmp_path / "data" / "bot.db"), "HOME": str(tmp_path)}


def test_defaults_when_nothing_is_configured(tmp_path: Path) -> None:
    settings = load_settings({"XDG_DATA_HOME": str(tmp_path)})
    assert settings.token is None
    assert settings.db_path is None
    assert settings.default_time == time(7, 0)
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.catchup_hours == 6.0
    assert settings.language == "vi"
    assert settings.log_level == "INFO"


def test_every_setting_from_the_environment(tmp_path: Path) -> None:
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text("<rss/>")
    templates = tmp_path / "templates"
    templates.mkdir()
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
        "ICTDIGEST_DB": str(tmp_path / "x.db"),
        "ICTDIGEST_DEFAULT_TIME": "6:30",
        "ICTDIGEST_TIMEZONE": "Europe/Paris",
        "ICTDIGEST_SOURCES": f"https://ictnews.vn/rss, {feed_file}\nhttp://example.org/a",
        "ICTDIGEST_INGEST_INTERVAL": "15",
        "ICTDIGEST_CATCHUP_HOURS": "0",
        "ICTDIGEST_SEND_WHEN_EMPTY": "yes",
        "ICTDIGEST_RATE_OVERALL": "25",
        "ICTDIGEST_RATE_GROUP": "18.5",
        "ICTDIGEST_RATE_CHAT": "0.5",
        "ICTDIGEST_ADMIN_IDS": "42, 1001 7",
        "ICTDIGEST_LOG_LEVEL": "debug",
        "ICTDIGEST_LOG_FORMAT": "JSON",
        "ICTDIGEST_WEBHOOK_URL": "https://bot.example.org/hook",
        "ICTDIGEST_WEBHOOK_SECRET": "s3cret_-X",
        "ICTDIGEST_WEBHOOK_LISTEN": "127.0.0.1",
        "ICTDIGEST_WEBHOOK_PORT": "88",
        "ICTDIGEST_TEMPLATE_DIR": str(templates),
        "ICTDIGEST_LANG": "EN",
        "ICTDIGEST_FETCH_ALLOW_PRIVATE": "yes",
        "ICTDIGEST_IN_DOUBT": "Resend",
    }
    assert set(ENV_VARS.values()) == set(env), "the test sets every documented variable"
    s = load_settings(env)
    assert s.token == TOKEN
    assert s.api_base_url == "http://127.0.0.1:8081/bot"
    assert s.db_path == tmp_path / "x.db"
    assert s.default_time == time(6, 30)
    assert s.timezone == "Europe/Paris"
    assert s.sources == ("https://ictnews.vn/rss", str(feed_file), "http://example.org/a")
    assert s.ingest_interval_minutes == 15
    assert s.catchup_hours == 0.0
    assert s.send_when_empty is True
    assert (s.rate_overall_per_s, s.rate_group_per_min, s.rate_chat_per_s) == (25, 18.5, 0.5)
    assert s.admin_user_ids == frozenset({42, 1001, 7})
    assert s.log_level == "DEBUG"
    assert s.log_format == "json"
    assert s.webhook_url == "https://bot.example.org/hook"
    assert s.fetch_allow_private is True
    assert s.in_doubt == "resend"
    assert s.webhook_secret == "s3cret_-X"
    assert (s.webhook_listen, s.webhook_port) == ("127.0.0.1", 88)
    assert s.template_dir == templates
    assert s.language == "en"


def test_toml_file_and_environment_wins(tmp_path: Path) -> None:
    config = tmp_path / "ictdigest.toml"
    config.write_text(
        'default_time = "08:15"\ntimezone = "Asia/Bangkok"\nadmin_user_ids = [5, 6]\n'
        'sources = ["https://a.example/rss"]\ncatchup_hours = 12\nsend_when_empty = true\n'
    )
    env = base_env(tmp_path) | {"ICTDIGEST_CONFIG": str(config), "ICTDIGEST_TIMEZONE": "UTC"}
    s = load_settings(env)
    assert s.default_time == time(8, 15)
    assert s.timezone == "UTC"
    assert s.admin_user_ids == frozenset({5, 6})
    assert s.sources == ("https://a.example/rss",)
    assert s.catchup_hours == 12.0
    assert s.send_when_empty is True


def test_explicit_toml_path_beats_the_variable(tmp_path: Path) -> None:
    first = tmp_path / "a.toml"
    first.write_text('language = "en"\n')
    env = base_env(tmp_path) | {"ICTDIGEST_CONFIG": str(tmp_path / "missing.toml")}
    assert load_settings(env, first).language == "en"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TELEGRAM_BOT_TOKEN", "12345", "TELEGRAM_BOT_TOKEN: does not look like a bot token"),
        ("TELEGRAM_API_BASE_URL", "ftp://x/bot", "TELEGRAM_API_BASE_URL: 'ftp://x/bot' is not"),
        ("TELEGRAM_API_BASE_URL", "https://api.telegram.org/", "must end with /bot"),
        ("ICTDIGEST_DEFAULT_TIME", "7h", "ICTDIGEST_DEFAULT_TIME: '7h' is not a time; use HH:MM"),
        ("ICTDIGEST_DEFAULT_TIME", "24:00", "ICTDIGEST_DEFAULT_TIME: '24:00' is not a time"),
        ("ICTDIGEST_TIMEZONE", "Mars/Olympus", "ICTDIGEST_TIMEZONE: 'Mars/Olympus' is not a known"),
        ("ICTDIGEST_SOURCES", "/no/such/feed.xml", "neither an http(s) URL nor an existing path"),
        ("ICTDIGEST_SOURCES", "ftp://x.org/feed", "only http:// and https:// URLs"),
        ("ICTDIGEST_CATCHUP_HOURS", "49", "ICTDIGEST_CATCHUP_HOURS: '49' must be between 0 and 48"),
        ("ICTDIGEST_CATCHUP_HOURS", "-1", "must be between 0 and 48"),
        ("ICTDIGEST_CATCHUP_HOURS", "six", "ICTDIGEST_CATCHUP_HOURS: 'six' is not a number"),
        ("ICTDIGEST_RATE_OVERALL", "0", "ICTDIGEST_RATE_OVERALL: '0' must be a positive number"),
        ("ICTDIGEST_RATE_GROUP", "-3", "ICTDIGEST_RATE_GROUP: '-3' must be a positive"),
        ("ICTDIGEST_RATE_CHAT", "nan", "ICTDIGEST_RATE_CHAT: 'nan' must be a positive"),
        ("ICTDIGEST_INGEST_INTERVAL", "1.5", "must be a whole number of at least 1"),
        ("ICTDIGEST_ADMIN_IDS", "42,bob", "ICTDIGEST_ADMIN_IDS: 'bob' is not a numeric Telegram"),
        ("ICTDIGEST_LOG_LEVEL", "loud", "ICTDIGEST_LOG_LEVEL: 'LOUD' is not one of DEBUG, INFO"),
        ("ICTDIGEST_LOG_FORMAT", "xml", "ICTDIGEST_LOG_FORMAT: 'xml' is not one of logfmt, json"),
        ("ICTDIGEST_WEBHOOK_URL", "http://x.org/hook", "must be an https:// URL"),
        ("ICTDIGEST_WEBHOOK_SECRET", "has space", "ICTDIGEST_WEBHOOK_SECRET: must be 1-256"),
        ("ICTDIGEST_WEBHOOK_PORT", "70000", "ICTDIGEST_WEBHOOK_PORT: '70000' is not a port"),
        ("ICTDIGEST_TEMPLATE_DIR", "/no/such/dir", "ICTDIGEST_TEMPLATE_DIR: /no/such/dir is not"),
        ("ICTDIGEST_LANG", "fr", "ICTDIGEST_LANG: 'fr' is not one of vi, en"),
        ("ICTDIGEST_LANGUAGE", "fr", "ICTDIGEST_LANGUAGE: 'fr' is not one of vi, en"),
        ("ICTDIGEST_SEND_WHEN_EMPTY", "maybe", "'maybe' is not yes/no"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(base_env(tmp_path) | {variable: value})
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_database_path_problems(tmp_path: Path) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    with pytest.raises(SettingsError, match=r"^ICTDIGEST_DB: .*folder is a folder; give the path"):
        load_settings({"ICTDIGEST_DB": str(folder)})
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SettingsError, match=r"^ICTDIGEST_DB: cannot create .*file is not a folder"):
        load_settings({"ICTDIGEST_DB": str(blocker / "sub" / "x.db")})
    # A parent that does not exist yet but can be created is fine.
    assert load_settings({"ICTDIGEST_DB": str(tmp_path / "a" / "b" / "x.db")}).db_path == (
        tmp_path / "a" / "b" / "x.db"
    )


def test_the_default_database_location_is_checked_too(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(SettingsError, match=r"^ICTDIGEST_DB \(unset, default .*not a folder"):
        load_settings({"XDG_DATA_HOME": str(blocker)})


def test_bad_value_in_toml_names_the_key_and_the_file(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('default_time = "25:99"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(base_env(tmp_path), config)
    assert str(caught.value) == (
        f"default_time (in {config}): '25:99' is not a time; use HH:MM, e.g. 07:00"
    )


def test_toml_problems(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text('defualt_time = "07:00"\n')
    with pytest.raises(SettingsError, match="unknown setting 'defualt_time'"):
        load_settings(base_env(tmp_path), config)
    config.write_text("default_time = 07:00:00:00\n")
    with pytest.raises(SettingsError, match="is not valid TOML"):
        load_settings(base_env(tmp_path), config)
    with pytest.raises(SettingsError, match=r"config file .*nope.toml does not exist"):
        load_settings(base_env(tmp_path), tmp_path / "nope.toml")
    config.write_text("catchup_hours = true\n")
    with pytest.raises(SettingsError, match=r"catchup_hours \(in .*\): True is not a number"):
        load_settings(base_env(tmp_path), config)


def test_webhook_needs_a_secret_and_a_token(tmp_path: Path) -> None:
    env = base_env(tmp_path) | {"ICTDIGEST_WEBHOOK_URL": "https://x.org/hook"}
    with pytest.raises(SettingsError, match=r"^ICTDIGEST_WEBHOOK_SECRET: required when"):
        load_settings(env | {"TELEGRAM_BOT_TOKEN": TOKEN})
    with pytest.raises(SettingsError, match=r"^ICTDIGEST_WEBHOOK_URL: webhook mode needs TELE"):
        load_settings(env | {"ICTDIGEST_WEBHOOK_SECRET": "abc"})


def test_token_never_shown(tmp_path: Path) -> None:
    s = load_settings(
        base_env(tmp_path)
        | {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "ICTDIGEST_WEBHOOK_URL": "https://x.org/h",
            "ICTDIGEST_WEBHOOK_SECRET": "topsecretvalue",
        }
    )
    for text in (repr(s), str(s), f"{s}"):
        assert TOKEN not in text
        assert "topsecretvalue" not in text
        assert "token=[REDACTED]" in text
    assert s.secrets == (TOKEN, "topsecretvalue")
    nearly = TOKEN[:-12] + "!!!" + TOKEN[-9:]
    with pytest.raises(SettingsError) as caught:
        load_settings(base_env(tmp_path) | {"TELEGRAM_BOT_TOKEN": nearly})
    assert TOKEN[12:30] not in str(caught.value)


def test_token_from_a_file_and_the_variable_wins(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n")
    env = base_env(tmp_path) | {"TELEGRAM_BOT_TOKEN_FILE": str(secret)}
    assert load_settings(env).token == TOKEN
    other = "987:" + "b" * 35
    assert load_settings(env | {"TELEGRAM_BOT_TOKEN": other}).token == other
    with pytest.raises(SettingsError, match=r"^TELEGRAM_BOT_TOKEN_FILE: cannot read .*missing"):
        load_settings(base_env(tmp_path) | {"TELEGRAM_BOT_TOKEN_FILE": str(tmp_path / "missing")})


def test_api_url_is_built_like_ptb_builds_it() -> None:
    assert Settings(token=TOKEN).api_url("getMe") == f"https://api.telegram.org/bot{TOKEN}/getMe"
    local = Settings(token=TOKEN, api_base_url="http://127.0.0.1:9/x/{token}/test")
    assert local.api_url("getMe") == f"http://127.0.0.1:9/x/{TOKEN}/test/getMe"


def test_load_or_exit_prints_one_line_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICTDIGEST_DB", str(tmp_path / "x.db"))
    monkeypatch.setenv("ICTDIGEST_DEFAULT_TIME", "noon")
    err = io.StringIO()
    with pytest.raises(SystemExit) as caught:
        load_or_exit(stderr=err)
    assert caught.value.code == 2
    assert err.getvalue() == (
        "ictdigest: bad setting: ICTDIGEST_DEFAULT_TIME: 'noon' is not a time; use HH:MM,"
        " e.g. 07:00\n"
    )


DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_env_example_documents_every_setting_with_a_meaning() -> None:
    lines = (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines()
    documented: dict[str, str] = {}
    for before, line in itertools.pairwise(lines):
        name = line.lstrip("#").split("=", 1)[0]
        if "=" in line and name.isupper():
            documented[name] = before
    expected = set(ENV_VARS.values()) | {"ICTDIGEST_CONFIG", "TELEGRAM_BOT_TOKEN_FILE"}
    assert set(documented) == expected
    for name, comment in documented.items():
        assert comment.startswith("# ") or comment.lstrip("#").split("=")[0].isupper(), name


def test_env_example_as_is_is_a_valid_configuration(tmp_path: Path) -> None:
    env = {}
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    assert env == {"TELEGRAM_BOT_TOKEN": ""}
    assert load_settings(env | {"XDG_DATA_HOME": str(tmp_path)}).token is None


def test_example_toml_is_valid(tmp_path: Path) -> None:
    s = load_settings({"ICTDIGEST_DB": str(tmp_path / "x.db")}, DEPLOY / "ictdigest.example.toml")
    assert s.sources == (
        "https://example.vn/rss/cong-nghe.rss",
        "https://example.vn/rss/vien-thong.rss",
    )
    assert s.default_time == time(7, 0)

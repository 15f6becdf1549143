"""Settings from the environment: choices checked early, as ConfigError (one line,
exit code 2 at the command line), and a help line for every variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from signals.errors import BrandguardError, ConfigError
from streams.worker.settings import ENV_VARS, HELP, env_reference, load_settings


def test_log_level_and_format_are_read_case_insensitively() -> None:
    settings = load_settings({"BRANDGUARD_LOG_LEVEL": "INFO", "BRANDGUARD_LOG_FORMAT": "Json"})
    assert (settings.log_level, settings.log_format) == ("info", "json")
    defaults = load_settings({})
    assert (defaults.log_level, defaults.log_format) == ("warning", "text")


@pytest.mark.parametrize(("var", "raw", "expected"), [
    ("BRANDGUARD_LOG_LEVEL", "verbose", "must be one of debug, info, warning, error, critical"),
    ("BRANDGUARD_LOG_FORMAT", "xml", "must be one of text, json"),
    ("BRANDGUARD_KAFKA_SECURITY_PROTOCOL", "ssl", "must be one of PLAINTEXT, SSL"),
    ("BRANDGUARD_PARTITIONS", "8.5", "must be an integer, got '8.5'"),
    ("BRANDGUARD_STREAM_BUFFER", "0", "must be at least 1, got '0'"),
    ("BRANDGUARD_MAX_POLL_RECORDS", "0", "must be at least 1, got '0'"),
    ("BRANDGUARD_PARTITION_FETCH_BYTES", "0", "must be at least 1, got '0'"),
    ("BRANDGUARD_BATCH_MAX", "-5", "must be at least 1, got '-5'"),
    ("BRANDGUARD_BATCH_WAIT_SECONDS", "soon", "must be a number, got 'soon'"),
])
def test_bad_values_are_config_errors_naming_the_variable(var: str, raw: str,
                                                          expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_settings({var: raw})
    assert str(error.value).startswith(f"{var} {expected}")
    # one hierarchy, and still a ValueError for callers that catch that
    assert isinstance(error.value, BrandguardError) and isinstance(error.value, ValueError)


def test_values_are_typed() -> None:
    settings = load_settings({"BRANDGUARD_PARTITIONS": "12", "BRANDGUARD_DATA_DIR": "/var/bg",
                              "BRANDGUARD_BATCH_WAIT_SECONDS": "0.5",
                              "BRANDGUARD_MAX_POLL_RECORDS": "1000",
                              "BRANDGUARD_PARTITION_FETCH_BYTES": "1048576",
                              "BRANDGUARD_TOPIC_ALERTS": "risk.alerts"})
    assert settings.partitions == 12 and settings.data_dir == Path("/var/bg")
    assert settings.batch_wait == 0.5 and settings.topics.alerts == "risk.alerts"
    assert settings.max_poll_records == 1000 and settings.partition_fetch_bytes == 1_048_576


def test_the_reference_has_every_variable_with_its_real_default_and_help() -> None:
    rows = env_reference()
    assert [var for var, _, _ in rows] == list(ENV_VARS)
    assert all(text for _, _, text in rows)
    table = {var: default for var, default, _ in rows}
    assert table["BRANDGUARD_PARTITIONS"] == "8"
    assert table["BRANDGUARD_API_TOKEN"] == "unset"
    assert table["BRANDGUARD_TOPIC_BRANDS"] == "marketplace.brands"
    assert set(HELP) == set(ENV_VARS.values())

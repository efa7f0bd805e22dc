"""Configuration from the environment, and errors that name the variable."""

from __future__ import annotations

import pytest

from gateway.settings import Settings, SettingsError


def test_defaults_when_nothing_is_set() -> None:
    settings = Settings.from_env({})
    assert settings.endpoint_url is None
    assert settings.addressing_style == "auto"
    assert settings.page_size == 200
    assert len(settings.secret_key) > 20


def test_variables_are_read() -> None:
    settings = Settings.from_env(
        {
            "S3_ENDPOINT_URL": "http://minio:9000",
            "S3_PUBLIC_ENDPOINT_URL": "https://s3.example.com",
            "AWS_DEFAULT_REGION": "eu-west-1",
            "S3_ADDRESSING_STYLE": "path",
            "S3M_PAGE_SIZE": "500",
            "S3M_URL_EXPIRES": "600",
            "S3M_SECRET_KEY": "k",
            "S3_READ_TIMEOUT": "2.5",
            "S3M_COPY_TAGS_AGAIN": "true",
        }
    )
    assert settings.endpoint_url == "http://minio:9000"
    assert settings.public_endpoint_url == "https://s3.example.com"
    assert settings.region == "eu-west-1"
    assert (settings.addressing_style, settings.page_size, settings.url_expires) == ("path", 500, 600)
    assert (settings.secret_key, settings.read_timeout, settings.copy_tags_again) == ("k", 2.5, True)


def test_aws_region_wins_over_the_default_region() -> None:
    assert Settings.from_env({"AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "eu-west-1"}).region == "us-west-2"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"S3M_PAGE_SIZE": "lots"}, "S3M_PAGE_SIZE"),
        ({"S3M_PAGE_SIZE": "5000"}, "S3M_PAGE_SIZE"),
        ({"S3M_URL_EXPIRES": "700000"}, "S3M_URL_EXPIRES"),
        ({"S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
        ({"S3_ENDPOINT_URL": "minio:9000"}, "S3_ENDPOINT_URL"),
        ({"S3_CONNECT_TIMEOUT": "0"}, "S3_CONNECT_TIMEOUT"),
    ],
)
def test_bad_values_name_their_variable(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(environ)

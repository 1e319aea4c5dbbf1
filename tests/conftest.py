"""Shared fixtures: the project's paths, the default rules, the golden-file switch, and an
isolated Prefect (set up here, before anything imports Prefect)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from pipeline import load_rules
from pipeline.rules import Rules

# Prefect under test (nothing above imports it; the fixture below does, lazily): its own home,
# database and result storage in a temporary folder, quiet, no analytics, and never a user's
# own server.
_PREFECT_HOME = Path(tempfile.mkdtemp(prefix="article-clean-prefect-"))
os.environ["PREFECT_HOME"] = str(_PREFECT_HOME)
os.environ["PREFECT_RESULTS_LOCAL_STORAGE_PATH"] = str(_PREFECT_HOME / "results")
os.environ["PREFECT_LOGGING_LEVEL"] = "WARNING"
os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
os.environ.pop("PREFECT_API_URL", None)


# `pytest --hypothesis-profile=thorough` for a long search before a release.
settings.register_profile(
    "default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", settings.get_profile("default"), max_examples=3000)
settings.load_profile("default")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite tests/golden/ from the current output (review the diff like code)",
    )


@pytest.fixture(scope="session")
def rules() -> Rules:
    return load_rules()


@pytest.fixture(scope="session")
def prefect_server() -> Iterator[None]:
    """One real Prefect server for the whole session (~12 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """An input folder holding a copy of each seed article (a test module may define its own)."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for seed in SEED_FILES:
        shutil.copy(seed, folder / seed.name)
    return folder


@pytest.fixture(scope="session")
def s3() -> Iterator[dict[str, str]]:
    """A moto S3 server on 127.0.0.1 with ``s3://bucket/raw/`` filled; the environment
    variables that point a command at it, with credentials of its own (and no config file
    of the user's)."""
    import gzip
    import json
    import socket

    from moto.server import ThreadedMotoServer

    from tests.warcs import crawl, gzipped

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    env = {
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    }
    import boto3

    client = boto3.client("s3", endpoint_url=env["AWS_ENDPOINT_URL"], region_name="us-east-1",
                          aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip
    client.create_bucket(Bucket="bucket")
    text, page = (
        SEED_FILES[0].read_bytes(),
        (ROOT / "tests" / "fixtures" / "page.html").read_bytes(),
    )
    objects = {
        "raw/story.txt": text,
        "raw/sub/page.php": page,
        "raw/feed.jsonl.gz": gzip.compress(
            json.dumps({"id": "r1", "text": text.decode()}).encode()
        ),
        "raw/crawl.warc.gz": gzipped(crawl(page, text)),
        "raw/scan.pdf": b"%PDF-1.7",
    }
    for key, body in objects.items():
        client.put_object(Bucket="bucket", Key=key, Body=body)
    yield env
    server.stop()

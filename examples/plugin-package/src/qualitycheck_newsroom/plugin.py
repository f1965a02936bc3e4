"""The entry point: qualitycheck calls these hooks once per run and gets the rules as data."""

from qualitycheck import hookimpl

from qualitycheck_newsroom.embeds import EMBED_LEFTOVER
from qualitycheck_newsroom.shared_url import SHARED_URL


@hookimpl
def qualitycheck_register_rules():
    return [EMBED_LEFTOVER, SHARED_URL]

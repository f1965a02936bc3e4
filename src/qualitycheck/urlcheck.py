"""Check over HTTP whether URLs still answer, a few at a time, with results cached on disk.

Only used when a rule's option asks for it; nothing else in qualitycheck
touches the network. A URL is dead when the server answers 404, 410, another
4xx other than 401/403/429 (those mean "not for you", not "gone"), or 5xx,
or when it cannot be reached or does not answer within the timeout.
Results are kept in a JSON file keyed by URL with the day they were checked
(the run's `--as-of` day), and reused until they are `max_age_days` old.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterable, Optional

CACHE_VERSION = 1
_ALIVE_CLIENT_ERRORS = {401, 403, 429}
_USER_AGENT = "qualitycheck-linkcheck/1 (+https://pypi.org/project/qualitycheck/)"


def _absolute(url: str) -> Optional[str]:
    if url.lower().startswith(("http://", "https://")):
        return url
    if url.lower().startswith("www."):
        return "http://" + url
    return None


def probe(url: str, timeout: float) -> Optional[str]:
    """None when `url` answers, else why it is dead ("HTTP 404", "no answer within 5 s", ...)."""
    import urllib.error
    import urllib.request

    target = _absolute(url)
    if target is None:
        return None
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(target, method=method, headers={"User-Agent": _USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - opt-in link check
                response.read(0)
                return None
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (405, 501):
                continue  # HEAD not allowed: ask again with GET
            if exc.code in _ALIVE_CLIENT_ERRORS or exc.code < 400:
                return None
            return f"HTTP {exc.code} {exc.reason}".strip()
        except (socket.timeout, TimeoutError):
            return f"no answer within {timeout:g} s"
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                return f"no answer within {timeout:g} s"
            return f"cannot be reached ({reason})"
        except (OSError, ValueError) as exc:
            return f"cannot be reached ({exc})"
    return None


def _read_cache(path: Path) -> dict[str, dict]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION or not isinstance(data.get("results"), dict):
        return {}
    return data["results"]


def check_urls(urls: Iterable[str], timeout: float, workers: int, cache_path: Optional[Path], today: dt.date,
               max_age_days: int) -> dict[str, Optional[str]]:
    """url -> None (alive) or why it is dead, for every checkable URL of `urls`."""
    wanted = sorted({u for u in urls if _absolute(u)})
    cache = _read_cache(cache_path) if cache_path else {}
    results: dict[str, Optional[str]] = {}
    missing = []
    for url in wanted:
        entry = cache.get(url)
        if isinstance(entry, dict):
            try:
                age = (today - dt.date.fromisoformat(entry.get("checked", ""))).days
            except (TypeError, ValueError):
                age = None
            if age is not None and 0 <= age <= max_age_days:
                results[url] = entry.get("problem")
                continue
        missing.append(url)
    if missing:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            for url, problem in zip(missing, pool.map(lambda u: probe(u, timeout), missing)):
                results[url] = problem
                cache[url] = {"checked": today.isoformat(), "problem": problem}
        if cache_path:
            from qualitycheck.atomicio import write_atomic

            payload = {"version": CACHE_VERSION, "results": dict(sorted(cache.items()))}
            write_atomic(cache_path, json.dumps(payload, indent=1, ensure_ascii=False) + "\n", durable=False)
    return results

"""Pages and API reads kept by log head, on SQLite and PostgreSQL, with two workers on one
database (two Tandem systems, each with its own application and its own kept pages): a kept
page or read is never shown to a reader who may not see it, never outlives a write made by either worker, carries
only its own reader's name, CSRF token and count, and a matching `If-None-Match` is a 304
that renders nothing.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.clock import Clock
from tests.support.world import auth, signed_in
from web.app import create_app
from web.pages import kept
from web.settings import Settings
from web.system import Tandem

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

OPTIONS = [{"key": "a", "title": "A"}, {"key": "b", "title": "B"}]
PAGES = ["/", "/initiatives/portal", "/initiatives/portal/timeline", "/initiatives/portal/goal",
         "/escalations", "/people/kathi", "/units/it/timeline"]


class Workers:
    """Two workers on one database, and the people's tokens."""

    def __init__(self, first: Tandem, second: Tandem, tokens: dict[str, str]):
        self.first, self.second, self.tokens = first, second, tokens
        self.apps = [create_app(first.settings, first), create_app(second.settings, second)]

    def browser(self, worker: int, person: str) -> Any:
        return signed_in(self.apps[worker], self.tokens[person])


@pytest.fixture
def workers(tandem: Tandem, settings: Settings, clock: Clock) -> Iterator[Workers]:
    """'portal' open to its members only (kathi sponsors it, mia is a member, nora is not), and
    'open' readable by all; a second worker on the same database."""
    app = tandem.app
    for person, role in (("kathi", "admin"), ("jonas", "member"), ("miriam", "member"),
                         ("mia", "member"), ("nora", "member")):
        tandem.record(app.register_person, actor="ada", person=person, name=person.title(),
                      unit="ops" if person == "miriam" else "it", role=role)
    for iid, visibility in (("portal", "members"), ("open", "open")):
        tandem.record(app.open_initiative, actor="ada", initiative=iid, title=iid.title(),
                      sponsor="kathi", units=["it", "ops"], escalation_path=["kathi"],
                      visibility=visibility, effective_at="2026-01-05T09:00:00+00:00")
    tandem.record(app.form_tandem, actor="kathi", initiative="portal", people=["jonas", "miriam"])
    tandem.record(app.admit_member, actor="kathi", initiative="portal", person="mia",
                  role="member")
    tandem.record(app.take_decision, actor="kathi", initiative="portal", decision="d0",
                  scope="tech", title="Secret choice", option="a", rationale="r",
                  decided_by=["kathi"], options=OPTIONS)
    tokens = {p: app.issue_token(actor="ada", person=p)[0]
              for p in ("kathi", "mia", "nora", "jonas")}
    tandem.catch_up()
    clock.now = clock()  # the minute is part of a kept page's key: it does not turn mid-test
    second = Tandem(settings, clock=clock)
    yield Workers(tandem, second, tokens)
    second.close()


def test_a_kept_page_is_never_shown_to_a_reader_who_may_not_see_it(workers: Workers) -> None:
    mia, nora = workers.browser(0, "mia"), workers.browser(0, "nora")
    for _ in range(2):  # the second round is served from what the first one kept
        page = mia.get("/initiatives/portal")
        assert page.status_code == 200 and "Secret choice" in page.text
        assert nora.get("/initiatives/portal").status_code == 403
        assert "Portal" in mia.get("/").text and "Portal" not in nora.get("/").text
        assert "Secret choice" in mia.get("/people/kathi").text
        assert "Secret choice" not in nora.get("/people/kathi").text
        assert "Secret choice" in mia.get("/units/it/timeline").text
        assert "Secret choice" not in nora.get("/units/it/timeline").text
    # the same tag is never valid for another reader
    tag = mia.get("/").headers["etag"]
    assert nora.get("/", headers={"If-None-Match": tag}).status_code == 200


def test_admission_changes_what_a_kept_page_shows_on_both_workers(workers: Workers) -> None:
    nora = [workers.browser(0, "nora"), workers.browser(1, "nora")]
    for browser in nora:
        assert browser.get("/initiatives/portal").status_code == 403
        assert "Portal" not in browser.get("/").text
    workers.second.record(workers.second.app.admit_member, actor="kathi", initiative="portal",
                          person="nora", role="observer")
    for browser in nora:
        assert browser.get("/initiatives/portal").status_code == 200
        assert "Portal" in browser.get("/").text


def test_a_write_on_either_worker_is_shown_at_once_by_both(workers: Workers) -> None:
    kathi = [workers.browser(0, "kathi"), workers.browser(1, "kathi")]
    for n, writer in enumerate([workers.first, workers.second, workers.first]):
        before = [b.get(url) for b in kathi for url in PAGES]
        title = f"Choice number {n}"
        writer.record(writer.app.take_decision, actor="kathi", initiative="open",
                      decision=f"d{n}", scope=f"scope{n}", title=title, option="a",
                      rationale="r", decided_by=["kathi"], options=OPTIONS)
        for browser in kathi:
            page = browser.get("/initiatives/open")
            assert title in page.text, f"worker {kathi.index(browser)} served a stale page"
            assert title in browser.get("/people/kathi").text
            assert title in browser.get("/units/it/timeline").text
        after = [b.get(url) for b in kathi for url in PAGES]
        assert all(a.headers["etag"] != b.headers["etag"] for a, b in zip(before, after, strict=True))


def test_a_write_through_the_api_of_the_other_worker_is_not_hidden_by_a_304(
        workers: Workers) -> None:
    browser = workers.browser(0, "kathi")
    first = browser.get("/initiatives/open")
    tag = first.headers["etag"]
    assert browser.get("/initiatives/open", headers={"If-None-Match": tag}).status_code == 304
    with TestClient(workers.apps[1]) as api:
        answer = api.post("/api/initiatives/open/decisions", headers=auth(workers.tokens["kathi"]),
                          json={"id": "d9", "scope": "x", "title": "After the tag",
                                "option": "a", "rationale": "r", "decided_by": ["kathi"],
                                "options": OPTIONS})
        assert answer.status_code == 201, answer.text
    page = browser.get("/initiatives/open", headers={"If-None-Match": tag})
    assert page.status_code == 200 and "After the tag" in page.text


def test_if_none_match_is_answered_304_without_building_or_rendering(
        workers: Workers, monkeypatch: pytest.MonkeyPatch) -> None:
    browser = workers.browser(0, "kathi")
    for url in PAGES:
        page = browser.get(url)
        assert page.status_code == 200
        assert page.headers["cache-control"] == "private, no-cache"
        tag = page.headers["etag"]

        def never(*args: Any, **kwargs: Any) -> Any:
            raise AssertionError("rendered for a 304")

        with monkeypatch.context() as patched:
            patched.setattr(kept, "assemble", never)
            patched.setattr(kept, "render_blocks", never)
            for header in (tag, f"W/{tag}", f'"other", {tag}', "*"):
                again = browser.get(url, headers={"If-None-Match": header})
                assert again.status_code == 304, (url, header)
                assert again.content == b"" and again.headers["etag"] == tag
        assert browser.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_a_kept_page_carries_only_its_own_readers_name_token_and_count(
        workers: Workers) -> None:
    kathi, jonas = workers.browser(0, "kathi"), workers.browser(0, "jonas")
    # jonas is named in a claim that waits for his confirmation; kathi has nothing waiting
    workers.first.record(workers.first.app.set_goal, actor="kathi", initiative="portal",
                         statement="Ship it", reason="r", agreed_by=["jonas", "miriam"])
    pages = {}
    for name, browser in (("kathi", kathi), ("jonas", jonas), ("kathi", kathi)):
        page = browser.get("/escalations")
        csrf = browser.get("/confirmations").context["csrf"]
        pages[name] = page.text
        assert f'value="{csrf}"' in page.text
        assert page.context["user"].person == name
        assert f"{name.title()} <small>" in page.text
    waiting = len(workers.first.read.waiting_for("jonas"))
    assert waiting and re.search(rf'class="count">\({waiting}\)', pages["jonas"])
    assert 'class="count"' not in pages["kathi"]
    assert "Jonas <small>" not in pages["kathi"] and "Kathi <small>" not in pages["jonas"]


# -- the API's reads ---------------------------------------------------------------------------

def api_get(workers: Workers, worker: int, person: str, path: str,
            headers: dict[str, str] | None = None) -> Any:
    with TestClient(workers.apps[worker]) as client:
        return client.get(path, headers={**auth(workers.tokens[person]), **(headers or {})})


def test_a_kept_api_read_is_never_given_to_a_reader_who_may_not_see_it(workers: Workers) -> None:
    for _ in range(2):
        assert api_get(workers, 0, "mia", "/api/initiatives/portal").status_code == 200
        answer = api_get(workers, 0, "nora", "/api/initiatives/portal")
        assert answer.status_code == 403 and answer.json()["rule"] == "initiative-visibility"
        listed = [i["initiative"] for i in
                  api_get(workers, 0, "nora", "/api/initiatives").json()["initiatives"]]
        assert "portal" not in listed
        assert "Secret choice" not in api_get(workers, 0, "nora", "/api/events").text
        assert "Secret choice" in api_get(workers, 0, "mia", "/api/events").text
    tag = api_get(workers, 0, "mia", "/api/events").headers["etag"]
    assert api_get(workers, 0, "mia", "/api/events", {"If-None-Match": tag}).status_code == 304
    assert api_get(workers, 0, "nora", "/api/events", {"If-None-Match": tag}).status_code == 200


def test_a_kept_api_read_follows_a_write_on_the_other_worker(workers: Workers) -> None:
    path = "/api/initiatives/open/timeline"
    first = api_get(workers, 0, "kathi", path)
    tag = first.headers["etag"]
    assert api_get(workers, 0, "kathi", path, {"If-None-Match": tag}).status_code == 304
    assert api_get(workers, 0, "kathi", path).text == first.text
    workers.second.record(workers.second.app.take_decision, actor="kathi", initiative="open",
                          decision="late", scope="late", title="Written elsewhere",
                          option="a", rationale="r", decided_by=["kathi"], options=OPTIONS)
    again = api_get(workers, 0, "kathi", path, {"If-None-Match": tag})
    assert again.status_code == 200 and "Written elsewhere" in again.text
    assert again.headers["etag"] != tag


def test_a_kept_page_is_the_page_rendered_whole(workers: Workers,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    browser = workers.browser(0, "kathi")
    urls = [*PAGES, "/initiatives/open", "/initiatives/portal/decisions/d0", "/people/mia"]
    kept_pages = [browser.get(url) for url in urls]
    again = [browser.get(url) for url in urls]
    monkeypatch.setattr(kept, "SHARED_PAGES", frozenset())
    whole = [browser.get(url) for url in urls]
    for url, first, second, plain in zip(urls, kept_pages, again, whole, strict=True):
        assert first.status_code == plain.status_code == 200, url
        assert first.text == second.text == plain.text, url
        assert "etag" in first.headers and "etag" not in plain.headers


def test_readers_missing_one_page_together_wait_for_one_rendering(
        workers: Workers, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    browsers = [workers.browser(0, "kathi") for _ in range(8)]
    renders: list[str] = []
    real = kept.render_blocks

    def counted(template: Any, context: Any) -> dict[str, str]:
        renders.append(template.name)
        return real(template, context)

    monkeypatch.setattr(kept, "render_blocks", counted)
    start = threading.Barrier(len(browsers))
    answers: list[Any] = []

    def read(browser: Any) -> None:
        start.wait()
        answers.append(browser.get("/initiatives/open"))

    threads = [threading.Thread(target=read, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [200] * len(browsers)
    assert len({a.text.split("<main", 1)[1] for a in answers}) == 1
    assert renders == ["initiative.html"]

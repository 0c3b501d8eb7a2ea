"""The engine's lists at scale: keyset pages, filters, counts and search, on both databases."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from conftest import BPMN_DIR, START

import engine as engine_package
from engine.api import Engine, read_files
from engine.clock import ManualClock
from engine.errors import InvalidInput
from engine.instance_lists import InstanceFilter
from engine.paging import Page, PageRequest
from engine.task_lists import TaskFilter
from engine.views import TaskView


@pytest.fixture
def lists(engine: Engine) -> Engine:
    engine.deploy(read_files([BPMN_DIR / "unit_lists.bpmn"]), actor="tester")
    return engine


def report(engine: Engine, unit: str, due: datetime, key: str | None = None, **more) -> int:
    variables = {"unit": unit, "due_at": due.isoformat(), **more}
    return engine.start("unit_report", variables, actor="t", business_key=key).id


def task_ids(engine: Engine, which: TaskFilter) -> list[str]:
    return [task.id for task in walk(engine, which, limit=100)]


def walk(engine: Engine, which: TaskFilter, limit: int) -> list[TaskView]:
    """Every task of the filter, following the next cursors."""
    page: Page[TaskView] = engine.task_page(which, PageRequest(limit))
    found = list(page.items)
    while page.next_cursor:
        page = engine.task_page(which, PageRequest.parse(page.next_cursor, limit))
        found += page.items
    return found


def test_pages_stay_whole_and_in_order_when_tasks_arrive_between_them(lists: Engine) -> None:
    for day in range(7):
        report(lists, "ITC", START + timedelta(days=day))
    lists.start("unit_review", {"unit": "ITC"}, actor="t")  # no due date: last
    before = {task.id for task in lists.tasks()}

    page = lists.task_page(TaskFilter(), PageRequest(3))
    seen = list(page.items)
    for arrival in range(4):  # one due before the cursor, one after, each time
        report(lists, "ITC", START - timedelta(days=arrival + 1))
        report(lists, "ITC", START + timedelta(days=30 + arrival))
        assert page.next_cursor is not None
        page = lists.task_page(TaskFilter(), PageRequest.parse(page.next_cursor, 3))
        seen += page.items
        if page.next_cursor is None:
            break

    ids = [task.id for task in seen]
    assert len(ids) == len(set(ids))  # no duplicates
    assert before <= set(ids)  # no gaps
    dated = [task.due_at for task in seen if task.due_at is not None]
    assert dated == sorted(dated)
    assert seen[-1].due_at is None  # the task with no due date comes last


def test_previous_pages_are_the_same_pages_walked_back(lists: Engine) -> None:
    for day in range(5):
        report(lists, "ITC", START + timedelta(days=day))
    lists.start("unit_review", {"unit": "ITC"}, actor="t")
    lists.start("unit_review", {"unit": "ITC"}, actor="t")
    forward = [lists.task_page(TaskFilter(), PageRequest(2))]
    while forward[-1].next_cursor:
        cursor = forward[-1].next_cursor
        forward.append(lists.task_page(TaskFilter(), PageRequest.parse(cursor, 2)))
    assert [len(p.items) for p in forward] == [2, 2, 2, 1]
    assert forward[0].previous_cursor is None

    back = [forward[-1]]
    while back[-1].previous_cursor:
        cursor = back[-1].previous_cursor
        back.append(lists.task_page(TaskFilter(), PageRequest.parse(cursor, 2)))
    walked_back = [[t.id for t in p.items] for p in reversed(back)]
    assert walked_back == [[t.id for t in p.items] for p in forward]


def test_a_cursor_or_limit_this_list_did_not_give_is_refused(lists: Engine) -> None:
    report(lists, "ITC", START)
    before_year_one = base64.urlsafe_b64encode(b'["a",0,[{"t":"0001-01-01T00:00:00+07:00"},"x"]]')
    crafted = ("garbage!", "WyJ4Il0", "WyJhIiwwLFsxLDJdXQ", before_year_one.decode())
    for cursor in crafted:  # ["x"], ["a",0,[1,2]], a moment before year 1 in UTC
        with pytest.raises(InvalidInput) as refused:
            lists.task_page(TaskFilter(), PageRequest.parse(cursor, None))
        assert refused.value.details["field"] == "cursor"
    for limit in ("0", "201", "ten"):
        with pytest.raises(InvalidInput) as refused:
            PageRequest.parse(None, limit)
        assert refused.value.details["field"] == "limit"


def test_each_task_filter(lists: Engine, clock: ManualClock) -> None:
    early = report(lists, "ITC", START + timedelta(days=1), "BK-1")
    late = report(lists, "PFD", START + timedelta(days=9), "BK-2")
    other = lists.start("unit_review", {"unit": "ITC"}, actor="t").id
    clock.set(START + timedelta(days=200))  # the second half of 2021
    next_half = report(lists, "ITC", START + timedelta(days=300), "BK-3")
    mine = lists.tasks(instance_id=early)[0]
    lists.claim(mine.id, actor="itc.staff")
    done = lists.tasks(instance_id=late)[0]
    lists.complete(done.id, {}, actor="pfd.staff")

    def instances(**which) -> set[int]:
        return {task.instance_id for task in walk(lists, TaskFilter(**which), limit=2)}

    assert instances() == {early, other, next_half}
    assert instances(unit="ITC") == {early, other, next_half}
    assert instances(assignee="itc.staff") == {early}
    assert instances(unassigned=True) == {other, next_half}
    assert instances(process_key="unit_review") == {other}
    assert instances(plan_task="I.3", status=None) == {early, late, next_half}
    assert instances(cycle="2021-H1", status=None) == {early, late, other}
    assert instances(cycle="2021-H2") == {next_half}
    assert instances(cycle="2022") == set()
    assert instances(status="completed") == {late}
    assert instances(overdue=True) == {early}
    assert instances(due_before=START + timedelta(days=5)) == {early}
    assert instances(due_after=START + timedelta(days=5), status=None) == {late, next_half}
    assert instances(business_key="BK-3") == {next_half}
    assert instances(visible_units=("PFD",), visible_user="itc.staff") == {early}
    assert instances(visible_units=("ITC",), status=None) == {early, other, next_half}

    counts = lists.task_counts(TaskFilter(), user="itc.staff")
    assert (counts.all, counts.overdue, counts.unassigned, counts.mine) == (3, 1, 2, 1)
    counts = lists.task_counts(TaskFilter(unit="ITC", overdue=True), user="nobody")
    assert (counts.all, counts.overdue, counts.mine) == (3, 1, 0)  # its own overdue aside


def test_each_instance_filter(lists: Engine, clock: ManualClock) -> None:
    first = report(lists, "ITC", START + timedelta(days=1), "BK-1")
    broken = lists.start("unit_broken", {}, actor="t").id
    clock.set(START + timedelta(days=200))
    review = lists.start("unit_review", {"unit": "ITC"}, actor="t").id
    lists.cancel(review, actor="itc.head")
    titled = report(lists, "ITC", START, "BK-2", title="Quyết định phê duyệt", task_code="II.5")

    def ids(**which) -> list[int]:
        page = lists.instance_page(InstanceFilter(**which), PageRequest(2))
        found = [i.id for i in page.items]
        while page.next_cursor:
            following = PageRequest.parse(page.next_cursor, 2)
            page = lists.instance_page(InstanceFilter(**which), following)
            found += [i.id for i in page.items]
        return found

    assert ids() == [titled, review, broken, first]  # newest first
    assert ids(process_key="unit_report") == [titled, first]
    assert ids(plan_task="I.3") == [first]
    assert ids(plan_task="II.5") == [titled]
    assert ids(cycle="2021-H1") == [broken, first]
    assert ids(status="cancelled") == [review]
    assert ids(has_incident=True) == [broken]
    assert ids(started_after=START + timedelta(days=100)) == [titled, review]
    assert ids(started_before=START + timedelta(days=100)) == [broken, first]
    assert ids(business_key="BK-2") == [titled]
    (listed,) = lists.instance_page(InstanceFilter(business_key="BK-1")).items
    assert [t.unit for t in listed.open_tasks] == ["ITC"]
    assert listed.plan_tasks == ["I.3"]  # what the list shows beside what it filters by
    (shown,) = lists.instance_page(InstanceFilter(business_key="BK-2")).items
    assert (shown.title, shown.plan_tasks) == ("Quyết định phê duyệt", ["II.5"])
    assert lists.instance_counts(InstanceFilter(status="running")) == {
        "all": 4,
        "running": 2,
        "incident": 1,
        "cancelled": 1,
    }
    with pytest.raises(InvalidInput):
        lists.instance_page(InstanceFilter(plan_task="I.3%"))
    with pytest.raises(InvalidInput):
        lists.instance_page(InstanceFilter(cycle="2021-H3"))


@pytest.mark.parametrize(
    ("words", "tasks", "instances"),
    [
        ("bao cao", {"report"}, set()),  # the task's name; its instance has its own title
        ("Báo cáo", {"report"}, set()),
        ("BAO CÁO đánh", {"report"}, set()),
        ("danh gia", {"report"}, set()),
        ("ra soat", {"review"}, {"review"}),  # an untitled instance has its process's name
        ("rà soát danh", {"review"}, {"review"}),
        ("danh", {"report", "review"}, {"review"}),
        ("FB-7", {"report"}, {"report"}),
        ("quyet dinh", {"report"}, {"report"}),
        ("cao ra", set(), set()),
        ("bao%", {"report"}, set()),  # punctuation is not searched for
        ("fb 7", {"report"}, {"report"}),
    ],
)
def test_search_finds_words_with_or_without_their_accents(
    lists: Engine, words: str, tasks: set[str], instances: set[str]
) -> None:
    report(lists, "ITC", START, "FB-7", title="Quyết định công bố")
    lists.start("unit_review", {"unit": "ITC"}, actor="t")
    lists.start("unit_broken", {}, actor="t")

    found = lists.task_page(TaskFilter(text=words)).items
    assert {task.element_id for task in found} == tasks
    listed = lists.instance_page(InstanceFilter(text=words)).items
    assert {i.process_key.removeprefix("unit_") for i in listed} == instances


def test_other_lists_page_too(lists: Engine, clock: ManualClock) -> None:
    instance = report(lists, "ITC", START)
    (task,) = lists.tasks(instance_id=instance)
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        lists.attach(task.id, name, b"%PDF", actor="itc.staff")
        clock.advance(timedelta(minutes=1))
    history = lists.history_page(instance, PageRequest(1))
    assert [e.kind for e in history.items] == ["instance_started"] and history.next_cursor
    documents = lists.attachment_page(instance, PageRequest(2))
    assert [d.filename for d in documents.items] == ["a.pdf", "b.pdf"]
    rest = lists.attachment_page(instance, PageRequest.parse(documents.next_cursor, 2))
    assert [d.filename for d in rest.items] == ["c.pdf"] and rest.next_cursor is None
    assert lists.attachment_page(instance, units=("PFD",), user="pfd.staff").items == []
    definitions = lists.definition_page(PageRequest(2))
    assert [d.process_key for d in definitions.items] == ["unit_broken", "unit_report"]
    assert definitions.items[0].file_name.endswith("unit_lists.bpmn")


def test_migration_0009_labels_and_indexes_the_instances_there_were(
    lists: Engine, db_url: str
) -> None:
    report(lists, "ITC", START, "FB-7", title="Quyết định công bố")
    lists.start("unit_review", {"unit": "ITC"}, actor="t")
    config = Config()
    migrations = Path(engine_package.__file__).parent / "migrations"
    config.set_main_option("script_location", str(migrations))
    config.set_main_option("sqlalchemy.url", db_url.replace("%", "%%"))
    command.downgrade(config, "0008")
    command.upgrade(config, "head")

    assert [t.element_id for t in lists.task_page(TaskFilter(text="bao cao")).items] == ["report"]
    assert len(lists.instance_page(InstanceFilter(text="quyet dinh fb")).items) == 1
    assert len(lists.instance_page(InstanceFilter(plan_task="I.3", cycle="2021")).items) == 1
    (review,) = lists.instance_page(InstanceFilter(text="ra soat")).items
    assert review.process_key == "unit_review"

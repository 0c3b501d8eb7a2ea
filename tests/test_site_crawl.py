"""The crawl renders one page per template: its shape leaves out ids, processes, users
and filters, and keeps what names another template."""

from __future__ import annotations

import pytest
from site_crawl import shape


@pytest.mark.parametrize(
    ("url", "template"),
    [
        ("/instances/7/incident?status=running", "/instances/{id}/incident"),
        ("/processes/yearly_inspection_plan/3", "/processes/{key}/{id}"),
        ("/admin/users/itc.staff", "/admin/users/{username}"),
        ("/admin/users/lead.vice?saved=1", "/admin/users/{username}"),
        ("/admin/users/new", "/admin/users/new"),
        ("/admin/users", "/admin/users"),
    ],
)
def test_a_urls_shape_is_its_template(url: str, template: str) -> None:
    assert shape(url) == template

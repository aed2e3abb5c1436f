"""The reference article yields every finding issue 9 lists."""

import pytest

from dateline.editorial_checks.runner import run_checks

from .reference import EXPECTED, reference_article


@pytest.fixture
def report(photo, style):
    return run_checks(reference_article(photo), style=style)


@pytest.mark.parametrize(("code", "span"), EXPECTED)
def test_each_listed_defect_is_found(report, code, span):
    spans = [item.span for item in report.items if item.code == code]
    assert any(span in found for found in spans), (code, spans)


def test_every_finding_names_field_span_rule_and_severity(report):
    for item in report.items:
        print(item.code, item.location.path, repr(item.span), item.rule, item.suggestion)
    assert report.failed_checks == []
    for item in report.items:
        assert item.location.path and item.location.label
        assert item.rule
        assert item.severity.label in {"info", "warning", "error"}

"""The request log and its sliding-window count."""

import pytest

from edgar_mirror.requestlog import RequestLog, RequestRecord, max_in_any_window


@pytest.mark.parametrize(
    ("arrivals", "expected"),
    [
        ([], 0),
        ([5.0], 1),
        # [0.5, 1.5) holds 0.5, 0.99, 1.2 but not 1.5: windows are closed-open.
        ([0.0, 0.5, 0.99, 1.2, 1.5], 3),
        ([1.5, 0.0, 1.2, 0.99, 0.5], 3),
        ([0.0, 1.0, 2.0, 3.0], 1),
        ([0.0, 0.999, 1.998], 2),
        ([0.0] * 4 + [10.0] * 6, 6),
        ([i / 10 for i in range(10)], 10),
        ([i / 10 for i in range(11)], 10),
    ],
)
def test_max_in_any_window(arrivals, expected):
    assert max_in_any_window(arrivals) == expected


def test_max_in_any_window_other_width():
    assert max_in_any_window([0.0, 0.5, 0.99, 1.2, 1.5], window=2.0) == 5


def record(arrival: float, status: int = 200) -> RequestRecord:
    return RequestRecord(arrival, 1_700_000_000.0 + arrival, "GET", "/x", status, "ua", 1)


def test_log_orders_by_arrival_and_counts_statuses():
    log = RequestLog()
    for arrival, status in [(0.3, 200), (0.1, 404), (0.2, 200), (2.0, 403)]:
        log.add(record(arrival, status))
    assert [entry.arrival for entry in log.records()] == [0.1, 0.2, 0.3, 2.0]
    assert log.stats() == {
        "requests": 4,
        "by_status": {"200": 2, "403": 1, "404": 1},
        "max_in_any_window": 3,
    }
    log.clear()
    assert log.stats() == {"requests": 0, "by_status": {}, "max_in_any_window": 0}

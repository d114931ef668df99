"""FormatError: one line naming the source and the problem."""

import pickle

from filings_crawler.sec.errors import FormatError


def test_message_names_source_and_problem_on_one_line():
    error = FormatError("otherlisted.txt", "line 3: bad\nthing")
    assert isinstance(error, ValueError)
    assert str(error) == "otherlisted.txt: line 3: bad\\nthing"
    assert (error.source, error.problem) == ("otherlisted.txt", "line 3: bad\nthing")


def test_survives_pickling():
    error = pickle.loads(pickle.dumps(FormatError("company_tickers.json", "not valid JSON")))
    assert str(error) == "company_tickers.json: not valid JSON"
    assert error.source == "company_tickers.json"

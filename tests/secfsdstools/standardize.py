"""Run inside secfsdstools' own venv (tests/test_fsds_secfsdstools.py): load FSDS zips as
secfsdstools loads SEC's quarterly files, standardize the balance sheet, income statement and
cash flow, and print them as JSON lines: {"statement", "adsh", "ddate", "qtrs", "values"}.

Usage: python standardize.py WORK_DIR ZIP...
"""

import json
import math
import sys
from pathlib import Path

from secfsdstools.c_transform.toparquettransforming_process import ToParquetTransformTask
from secfsdstools.e_collector.basecollector import BaseCollector
from secfsdstools.f_standardize.bs_standardize import BalanceSheetStandardizer
from secfsdstools.f_standardize.cf_standardize import CashFlowStandardizer
from secfsdstools.f_standardize.is_standardize import IncomeStatementStandardizer


class QuarterCollector(BaseCollector):
    """Every filing of one transformed quarter."""

    def collect(self):
        return self.basecollect(None)


def main(work: Path, zips: list[str]) -> None:
    for zip_path in zips:
        task = ToParquetTransformTask(
            zip_file_path=zip_path,
            parquet_dir=str(work / "parquet"),
            file_type="quarter",
            keep_zip_files=True,
        )
        task.prepare()
        task.execute()
        joined = QuarterCollector(str(task.file_path)).collect().join()
        for name, standardizer in (
            ("BS", BalanceSheetStandardizer()),
            ("IS", IncomeStatementStandardizer()),
            ("CF", CashFlowStandardizer()),
        ):
            frame = joined.present(standardizer)
            for row in frame.to_dict(orient="records"):
                values = {
                    key: value
                    for key, value in row.items()
                    if isinstance(value, float) and not math.isnan(value)
                }
                print(
                    json.dumps(
                        {
                            "statement": name,
                            "adsh": row["adsh"],
                            "ddate": int(row["ddate"]),
                            "qtrs": int(row["qtrs"]),
                            "values": values,
                        }
                    )
                )


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])

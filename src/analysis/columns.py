"""The tidy table's columns and code lists, without importing pandas or pandera.

Why a module of its own: the sheet walker runs in worker processes that must start fast, while the pandera
schema (schema.py) costs ~0.3 s to import; both read the column list from here, so there is one list.
"""

from __future__ import annotations

STAGES = ("plan", "actual", "unspecified")  # unspecified: the sheet says neither (kept, flagged, never merged)
PHASES = ("proposed", "approved", "adjusted", "estimated", "executed", "disbursed", "settled")  # or ''
# The phase a stage is measured at when the same money is stated at several phases: the final plan (an approved
# adjustment, else the approved plan) and the most final result (settled before executed, an estimate last) —
# an analyst compares the approved plan with settled results, not with an estimate.
PHASE_PREFERENCE: dict[str, tuple[str, ...]] = {
    "plan": ("adjusted", "approved", "", "proposed"),
    "actual": ("settled", "executed", "disbursed", "", "estimated"),
}
# flags set on a record when its sheet left a field undetermined, or its figures are not confirmed by the sheet
CONTEXT_FLAGS = {"stage": "stage_unspecified", "year": "year_unspecified", "province": "province_unspecified"}
UNCONFIRMED = "unconfirmed"
RECORD_TYPES = ("project", "allocation")
FUNDING_SOURCES = ("national", "local", "counterpart", "other", "unspecified")
KEY = ["source_file", "source_sheet", "source_row", "year", "stage", "funding_source"]

STRING_COLUMNS = [
    "province", "stage", "phase", "record_type", "program", "program_label", "funding_source", "title", "beneficiary",
    "district", "value_as_printed", "unit_as_printed", "flags", "source_file", "source_sheet",
]
INT_COLUMNS = ["amount_vnd", "source_row"]  # int64, never null
NULLABLE_INT_COLUMNS = ["year", "n_projects"]  # Int64: a year the sheet does not state is <NA>, not a guess
COLUMNS = [
    "year", "province", "stage", "phase", "record_type", "program", "program_label", "funding_source", "amount_vnd",
    "n_projects", "title", "beneficiary", "district", "value_as_printed", "unit_as_printed", "flags",
    "source_file", "source_sheet", "source_row",
]

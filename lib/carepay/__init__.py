"""carepay: policy analysis workbook for Swedish municipal care payment models.

Import what you need from the modules (``carepay.sources``, ``carepay.checks``,
``carepay.params``, ...); this package imports nothing heavy on its own.
"""

__version__ = "0.1.0"

#: Output type the batch reads key results from (carepay.report.key_results writes it).
KEY_RESULTS_MIME = "application/vnd.carepay.key-results+json"

#: Output type the batch reads the answer section from (carepay.report.answer writes it).
ANSWER_MIME = "application/vnd.carepay.answer+json"

#: Output type of the data behind a shown table or chart (carepay.export; the batch writes it to files).
TABLE_MIME = "application/vnd.carepay.table+json"

#: Output type of the texts a report asked for in its language that the catalogue lacks (carepay.report.provenance;
#: the batch records them in the status file, tests/test_i18n.py requires none).
UNTRANSLATED_MIME = "application/vnd.carepay.untranslated+json"

#: Environment variable naming the folder where the batch's kernels keep the charts they drew (carepay.charts._svg).
CHART_CACHE_ENV = "CAREPAY_CHART_CACHE"

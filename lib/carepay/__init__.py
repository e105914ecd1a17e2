"""carepay: policy analysis workbook for Swedish municipal care payment models.

Import what you need from the modules (``carepay.sources``, ``carepay.checks``,
``carepay.params``, ...); this package imports nothing heavy on its own.
"""

__version__ = "0.1.0"

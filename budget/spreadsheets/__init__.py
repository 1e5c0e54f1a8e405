"""The one spreadsheet layer: every CSV/XLSX the application reads or writes goes through it.

`reader` turns an uploaded CSV or XLSX into rows with row/column errors; `writer` writes styled
XLSX (euro formats, frozen headers) and CSV, and neutralises formula injection in any text
people typed. It sits in budget/, the lowest layer, so that simulator/ and votes/ can use it.
"""

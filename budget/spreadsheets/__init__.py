"""The one spreadsheet layer: every CSV/XLSX/ODS the application reads or writes goes through it.

`reader` turns an uploaded CSV, XLSX or ODS (`ods_reader`) into rows with row/column errors;
`sheets` describes a workbook once and lays it out (formats, widths, print layout); `writer`
renders it as XLSX and CSV, `ods` as OpenDocument, and neutralises formula injection in any
text people typed. It sits in budget/, the lowest layer, so that simulator/ and votes/ can
use it.
"""

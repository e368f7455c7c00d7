#!/usr/bin/env python3
"""Regenerates the `expected` column of functions.tsv with LibreOffice Calc.

How to rerun (from the repository root):

    apt-get update
    apt-get install -y --no-install-recommends libreoffice-calc-nogui python3-uno
    /usr/bin/python3 tests/data/gen_functions_expected.py

(`/usr/bin/python3` because python3-uno installs the `uno` module for the
system Python.) LibreOffice 24.8 or newer is needed for XLOOKUP; on Debian 12
it comes from bookworm-backports (`apt-get install -t bookworm-backports …`).
The expected values in the checked-in file were made with LibreOffice 25.2.

What it does:

1. Starts a headless soffice with a private profile and connects over UNO.
2. Creates a spreadsheet, sets Excel-like options (case-insensitive
   comparisons, wildcards on, whole-cell matching) and fills the fixture grid
   from functions_fixture.tsv (cell<TAB>input; 'text forces text, TRUE/FALSE
   are booleans, #N/A etc. are errors made with formulas).
3. Puts every case formula of functions.tsv into column Z from row 101 on,
   parsed with LibreOffice's Excel (XL_ENGLISH) formula grammar, so the
   formulas are written exactly as in Excel (commas, Excel function names).
   CEILING/FLOOR are mapped to LibreOffice's CEILING.XCL/FLOOR.XCL, which have
   Excel's semantics (LibreOffice's own CEILING/FLOOR differ).
4. Recalculates and writes LibreOffice's result into the expected column:
   numbers in shortest round-trip form, TRUE/FALSE, errors as #DIV/0! etc.,
   text as is (an empty text result leaves the column empty).

Where Excel and LibreOffice differ, the case is preceded by a comment line

    # excel: <Excel's result> | LibreOffice: <its result> | <why>

and the Excel result is written instead; the `LibreOffice:` part is refreshed
on every run, and a warning is printed if LibreOffice now agrees with Excel.

Cases are added by appending `formula<TAB>` lines (expected may be left
empty) and rerunning the script. `--from-line N` rewrites only the cases on
line N of the file and after (for new cases, when the LibreOffice at hand is
older than the one the checked-in values were made with).
"""

import os
import re
import subprocess
import sys
import time

import uno  # noqa: E402  (system python3-uno)
from com.sun.star.beans import PropertyValue
from com.sun.star.sheet.AddressConvention import XL_A1
from com.sun.star.sheet.FormulaLanguage import XL_ENGLISH
from com.sun.star.sheet.FormulaMapGroup import ALL_EXCEPT_SPECIAL
from com.sun.star.table import CellAddress

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "functions.tsv")
FIXTURE = os.path.join(HERE, "functions_fixture.tsv")
FIRST_ROW = 100  # zero-based row of the first case (cell Z101)
COLUMN = 25  # column Z
PIPE = "lever_functions_%d" % os.getpid()

ERROR_LITERALS = {
    "#DIV/0!": "=1/0",
    "#N/A": "=NA()",
    "#VALUE!": '=1+"x"',
    "#NUM!": "=SQRT(-1)",
    "#REF!": "=INDIRECT(\"#\")",
    "#NAME?": "=NOSUCHFUNCTION()",
}


def cell_position(name):
    """'B12' -> (column 1, row 11)."""
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", name)
    if not m:
        raise ValueError("bad cell " + name)
    col = 0
    for ch in m.group(1):
        col = col * 26 + (ord(ch) - 64)
    return col - 1, int(m.group(2)) - 1


def read_fixture():
    cells = []
    with open(FIXTURE, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, _, value = line.partition("\t")
            cells.append((name, value))
    return cells


def connect():
    profile = "file:///tmp/lever_lo_profile_%d" % os.getpid()
    proc = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore",
         "-env:UserInstallation=" + profile,
         "--accept=pipe,name=%s;urp;" % PIPE],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve(
                "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % PIPE)
            return proc, ctx
        except Exception:
            time.sleep(0.5)
    proc.kill()
    sys.exit("could not connect to soffice")


def excel_parser(doc):
    parser = doc.createInstance("com.sun.star.sheet.FormulaParser")
    mapper = doc.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
    entries = mapper.getAvailableMappings(XL_ENGLISH, ALL_EXCEPT_SPECIAL)
    uno.invoke(parser, "setPropertyValue", (
        "OpCodeMap", uno.Any("[]com.sun.star.sheet.FormulaOpCodeMapEntry", entries)))
    parser.setPropertyValue("FormulaConvention", XL_A1)
    parser.setPropertyValue("CompileEnglish", True)
    return parser


def to_libreoffice_names(formula):
    """Excel's CEILING/FLOOR are CEILING.XCL/FLOOR.XCL in LibreOffice."""
    return re.sub(r"\b(CEILING|FLOOR)\(", r"\1.XCL(", formula)


def set_formula(sheet, parser, col, row, formula):
    addr = CellAddress()
    addr.Sheet, addr.Column, addr.Row = 0, col, row
    tokens = parser.parseFormula(to_libreoffice_names(formula), addr)
    sheet.getCellByPosition(col, row).setTokens(tokens)


def fill_fixture(sheet, parser, cells):
    for name, value in cells:
        col, row = cell_position(name)
        cell = sheet.getCellByPosition(col, row)
        if value.startswith("'"):
            cell.setString(value[1:])
        elif value.upper() in ("TRUE", "FALSE"):
            set_formula(sheet, parser, col, row, "=%s()" % value.upper())
        elif value in ERROR_LITERALS:
            set_formula(sheet, parser, col, row, ERROR_LITERALS[value])
        else:
            try:
                cell.setValue(float(value))
            except ValueError:
                cell.setString(value)


def format_number(x):
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return repr(x)


def result_text(cell):
    if cell.getError() != 0:
        return cell.getString()
    kind = cell.FormulaResultType2
    if kind == 2:  # text
        return cell.getString()
    shown = cell.getString()
    if shown in ("TRUE", "FALSE"):
        return shown
    return format_number(cell.getValue())


def main():
    from_line = 1
    if len(sys.argv) == 3 and sys.argv[1] == "--from-line":
        from_line = int(sys.argv[2])
    with open(CASES, encoding="utf-8") as f:
        lines = [l.rstrip("\n") for l in f]
    cases = [i for i, l in enumerate(lines)
             if l and not l.startswith("#") and i + 1 >= from_line]
    proc, ctx = connect()
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        doc = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (hidden,))
        for prop, value in (("IgnoreCase", True), ("Wildcards", True),
                            ("RegularExpressions", False), ("MatchWholeCell", True)):
            doc.setPropertyValue(prop, value)
        sheet = doc.Sheets.getByIndex(0)
        parser = excel_parser(doc)
        fill_fixture(sheet, parser, read_fixture())
        for k, i in enumerate(cases):
            formula = lines[i].split("\t", 1)[0]
            set_formula(sheet, parser, COLUMN, FIRST_ROW + k, formula)
        doc.calculateAll()
        results = [result_text(sheet.getCellByPosition(COLUMN, FIRST_ROW + k))
                   for k in range(len(cases))]
        doc.close(True)
    finally:
        try:
            desktop.terminate()
        except Exception:
            pass
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()

    overridden = 0
    for k, i in enumerate(cases):
        formula = lines[i].split("\t", 1)[0]
        lo = results[k]
        expected = lo
        prev = lines[i - 1] if i > 0 else ""
        if prev.startswith("# excel:"):
            parts = [p.strip() for p in prev[len("# excel:"):].split(" | ")]
            excel = parts[0]
            reason = [p for p in parts[1:] if not p.startswith("LibreOffice:")]
            lines[i - 1] = " | ".join(
                ["# excel: " + excel, "LibreOffice: " + (lo if lo else '""')] + reason)
            if excel == lo:
                print("note: LibreOffice now agrees with Excel on", formula)
            expected = "" if excel == '""' else excel
            overridden += 1
        lines[i] = formula + "\t" + expected
    with open(CASES, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("%d cases, %d with Excel overrides" % (len(cases), overridden))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Builds the Excel-compatibility corpus in tests/data/xlsx-corpus/.

How to rerun (from the repository root):

    apt-get install -y --no-install-recommends libreoffice-calc-nogui python3-uno python3-openpyxl
    /usr/bin/python3 tools/gen_xlsx_corpus.py

(`/usr/bin/python3` because python3-uno and python3-openpyxl are Debian's
packages for the system Python.) The checked-in expected values were made with
LibreOffice 25.2 (24.8 or newer is needed for XLOOKUP).

What it writes:

- `<book>.xlsx`: one workbook per function family (math, statistics,
  criteria, logical, information, lookup, text, date, financial), one sheet per
  group of functions, plus a `Data` sheet with the fixture grid of
  tests/data/functions_fixture.tsv; and `semantics.xlsx` (coercions, empty
  cells, errors, precedence, comparisons, ranges, cross-sheet references,
  defined names, number formatting). The workbooks are written by openpyxl
  with formulas only and no cached values, so a reader has to compute every
  value itself; function names new since Excel 2010 carry the `_xlfn.` prefix
  as in files Excel saves.
- `<book>.<sheet>.expected.csv`: for every sheet, the values Excel shows, in
  the grid shape `lever eval BOOK.xlsx --sheet SHEET --format csv` prints:
  line N is row N, field M is column M, from A1 to the last used row and
  column; numbers in shortest round-trip form (`0.1`, `1e-7`, integers without
  `.0`), TRUE/FALSE, errors as Excel writes them, text as is, empty cells as
  empty fields.

Case sheets: row 1 is a header; from row 2 on, column A names the case,
column B holds its input (if any) and column C the formula under test. Every
case of tests/data/functions.tsv is one row, its references to the fixture
grid rewritten to the `Data` sheet (`A1:A10` -> `Data!A1:A10`).

Where the values come from: LibreOffice headless loads each workbook over UNO
(through its own .xlsx import), with Excel-like options (case-insensitive,
wildcards, whole-cell matching), recalculates everything (calculateAll) and the
raw cell values are read (numbers as doubles, not as shown). Every value is
then checked against the value Excel gives:

- for functions.tsv cases, the expected column of functions.tsv;
- for semantics cases, the `excel` value written next to each case below.

Where LibreOffice differs, the Excel value is written, and the difference must
be explained: by the `# excel:` comment before the case in functions.tsv, or
by an entry of LIBREOFFICE_DIFFERS below (semantics cases). Any other
difference, and any LibreOffice-only error code (Err:5xx) left over, stops the
script. The overrides are printed when it runs.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

import openpyxl
from openpyxl.workbook.defined_name import DefinedName

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "tests", "data")
OUT = os.path.join(DATA, "xlsx-corpus")
CASES = os.path.join(DATA, "functions.tsv")
FIXTURE = os.path.join(DATA, "functions_fixture.tsv")
PIPE = "lever_corpus_%d" % os.getpid()
PROFILE = "/tmp/lever_corpus_profile_%d" % os.getpid()  # throwaway soffice profile

# functions.tsv section (the `# --- ` line) -> (workbook, sheet).
SECTIONS = {
    "SUM": ("math", "SUM"),
    "SUMPRODUCT": ("math", "SUMPRODUCT"),
    "PRODUCT": ("math", "PRODUCT"),
    "ROUND family": ("math", "ROUND"),
    "INT / TRUNC / MOD / QUOTIENT": ("math", "INT-TRUNC-MOD"),
    "ABS / SIGN / SQRT / POWER / EXP / LN / LOG": ("math", "ABS-SQRT-LOG"),
    "CEILING / FLOOR": ("math", "CEILING-FLOOR"),
    "COUNT": ("statistics", "COUNT"),
    "COUNTA": ("statistics", "COUNTA"),
    "COUNTBLANK": ("statistics", "COUNTBLANK"),
    "AVERAGE": ("statistics", "AVERAGE"),
    "MIN / MAX": ("statistics", "MIN-MAX"),
    "MEDIAN": ("statistics", "MEDIAN"),
    "LARGE / SMALL": ("statistics", "LARGE-SMALL"),
    "STDEV / VAR": ("statistics", "STDEV-VAR"),
    "SUMIF": ("criteria", "SUMIF"),
    "SUMIFS": ("criteria", "SUMIFS"),
    "COUNTIF": ("criteria", "COUNTIF"),
    "COUNTIFS": ("criteria", "COUNTIFS"),
    "AVERAGEIF": ("criteria", "AVERAGEIF"),
    "AVERAGEIFS": ("criteria", "AVERAGEIFS"),
    "MAXIFS / MINIFS": ("criteria", "MAXIFS-MINIFS"),
    "IF": ("logical", "IF"),
    "IFS": ("logical", "IFS"),
    "IFERROR": ("logical", "IFERROR"),
    "IFNA": ("logical", "IFNA"),
    "AND / OR / XOR / NOT": ("logical", "AND-OR-XOR-NOT"),
    "TRUE / FALSE": ("logical", "TRUE-FALSE"),
    "IS functions, NA": ("information", "IS"),
    "INDEX / MATCH / VLOOKUP / HLOOKUP / XLOOKUP / CHOOSE": ("lookup", "Lookup"),
    "LEN / LEFT / RIGHT / MID": ("text", "LEN-LEFT-MID"),
    "CONCAT / CONCATENATE / TEXTJOIN / number-to-text": ("text", "CONCAT"),
    "TEXT": ("text", "TEXT"),
    "VALUE / UPPER / LOWER / TRIM / SUBSTITUTE / EXACT / FIND / SEARCH / REPT": ("text", "VALUE-SEARCH"),
    "DATE / YEAR / MONTH / DAY / EOMONTH / EDATE / DAYS / WEEKDAY / DATEVALUE": ("date", "Dates"),
    "NPV / IRR / XNPV / XIRR": ("financial", "NPV-IRR"),
    "PMT / PV / FV / NPER / RATE": ("financial", "PMT-RATE"),
    "ROWS / COLUMNS / LOOKUP / XMATCH": ("lookup", "LOOKUP-XMATCH"),
    "IPMT / PPMT / CUMIPMT / CUMPRINC": ("financial", "IPMT-CUMPRINC"),
    "SLN / DB / DDB / EFFECT / NOMINAL / MIRR": ("financial", "Depreciation"),
    "CORREL / SLOPE / INTERCEPT / FORECAST": ("statistics", "Regression"),
    "RANK / PERCENTILE / QUARTILE / MODE": ("statistics", "RANK-PERCENTILE"),
    "WEEKNUM / WORKDAY / NETWORKDAYS / YEARFRAC / DATEDIF": ("date", "WEEKNUM-DATEDIF"),
    "FIXED / DOLLAR / NUMBERVALUE": ("text", "FIXED-NUMBERVALUE"),
    "SUBTOTAL / AGGREGATE": ("math", "SUBTOTAL-AGGREGATE"),
    "TEXTBEFORE / TEXTAFTER": ("text", "TEXTBEFORE-TEXTAFTER"),
}

# Functions Excel stores with the `_xlfn.` prefix in .xlsx files (added after
# Excel 2007).
XLFN = ["CEILING.MATH", "FLOOR.MATH", "STDEV.S", "STDEV.P", "VAR.S", "VAR.P",
        "CONCAT", "TEXTJOIN", "IFS", "IFNA", "XOR", "MAXIFS", "MINIFS",
        "XLOOKUP", "DAYS", "XMATCH", "FORECAST.LINEAR", "PERCENTILE.INC",
        "PERCENTILE.EXC", "QUARTILE.INC", "QUARTILE.EXC", "RANK.EQ", "MODE.SNGL",
        "AGGREGATE", "NUMBERVALUE", "TEXTBEFORE", "TEXTAFTER"]

# ---------------------------------------------------------------------------
# Semantics cases: (case, input in column B, formula in column C, Excel's
# value). `#B` in a formula is the case's own input cell. Inputs: None is a
# blank cell, "'text" is text, "=..." a formula, "#N/A"-style strings are error
# values, True/False booleans, numbers numbers. Excel's value is written as in
# the expected CSV ("" for an empty text).

SEMANTICS = {
    "Precedence": [
        ("unary minus binds tighter than ^", None, "=-2^2", "4"),
        ("subtraction is looser than ^", None, "=0-2^2", "-4"),
        ("negative exponent", None, "=2^-1", "0.5"),
        ("negated reference squared", 3, "=-#B^2", "9"),
        ("negative input squared", -3, "=#B^2", "9"),
        ("^ is left-associative", None, "=2^3^2", "64"),
        ("negative base, fractional power", None, "=-2^0.5", "#NUM!"),
        ("percent literal", None, "=50%", "0.5"),
        ("percent of a reference", 8, "=#B%", "0.08"),
        ("percent binds tighter than ^", None, "=4^50%", "2"),
        ("negated percent", None, "=-50%", "-0.5"),
        ("* before +", None, "=1+2*3", "7"),
        ("parentheses", None, "=(1+2)*3", "9"),
        ("^ before *", None, "=2*3^2", "18"),
        ("- is left-associative", None, "=10-4-3", "3"),
        ("/ is left-associative", None, "=64/4/2", "8"),
        ("times a negative", None, "=2*-3", "-6"),
        ("double negation", None, "=--2", "2"),
        ("& with numbers", None, "=1&2", "12"),
        ("+ before &", None, "=1&2+3", "15"),
        ("& after +", None, "=1+2&3", "33"),
        ("& before =", None, '="a"&1="a1"', "TRUE"),
        ("comparisons chain left to right", None, "=1<2=TRUE", "TRUE"),
        ("a boolean is greater than any number", None, "=3>2>1", "TRUE"),
        ("negated numeric text", "'5", "=-#B", "-5"),
    ],
    "Coercion": [
        ("numeric text cell in arithmetic", "'5", "=#B+1", "6"),
        ("other text cell in arithmetic", "'abc", "=#B+1", "#VALUE!"),
        ("TRUE cell in arithmetic", True, "=#B+1", "2"),
        ("FALSE cell in arithmetic", False, "=#B*5", "0"),
        ("blank cell in arithmetic", None, "=#B+1", "1"),
        ("numeric text literal", None, '="3"+1', "4"),
        ("two numeric texts", None, '="3"*"4"', "12"),
        ("double negation of text", None, '=--"3"', "3"),
        ("double negation of TRUE", None, "=--TRUE", "1"),
        ("negated non-numeric text", None, '=-"abc"', "#VALUE!"),
        ("date text in arithmetic", None, '="2026-01-15"+0', "46037"),
        ("difference of date texts", None, '="2026-01-15"-"2026-01-01"', "14"),
        ("percent text", None, '="50%"+0', "0.5"),
        ("exponent text", None, '="1e3"+0', "1000"),
        ("TRUE+TRUE", None, "=TRUE+TRUE", "2"),
        ("SUM of direct numeric text", None, '=SUM("5",1)', "6"),
        ("SUM of a numeric text cell", "'5", "=SUM(#B)", "0"),
        ("SUM of a TRUE cell", True, "=SUM(#B)", "0"),
        ("SUM of direct TRUE", None, "=SUM(TRUE,1)", "2"),
        ("AVERAGE of direct TRUE and text", None, '=AVERAGE(TRUE,"2",3)', "2"),
        ("COUNT of a numeric text cell", "'5", "=COUNT(#B)", "0"),
        ("COUNTA of an empty-text formula", '=""', "=COUNTA(#B)", "1"),
        ("IF on non-numeric text", None, '=IF("abc",1,2)', "#VALUE!"),
        ("IF on a number", None, '=IF(2,"yes","no")', "yes"),
        ("IF on zero", None, '=IF(0,"yes","no")', "no"),
        ("IF on a blank cell", None, '=IF(#B,"yes","no")', "no"),
        ("AND skips text cells", "'abc", "=AND(#B,TRUE)", "TRUE"),
        ("AND of direct text", None, '=AND("abc")', "#VALUE!"),
        ("LEN of a number", None, "=LEN(1234.5)", "6"),
        ("LEN of TRUE", None, "=LEN(TRUE)", "4"),
        ("number to text: 15 digits", None, '=1/3&""', "0.333333333333333"),
        ("number to text: rounding noise", None, '=0.1+0.2&""', "0.3"),
        ("number to text: large", None, '=1E20&""', "1E+20"),
        ("boolean to text", None, '=TRUE&""', "TRUE"),
        ("blank cell to text", None, '=#B&""', ""),
        ("date to text", None, '=DATE(2026,1,15)&""', "46037"),
    ],
    "Empty": [
        ("blank cell", None, "=#B", "0"),
        ("blank = 0", None, "=#B=0", "TRUE"),
        ('blank = ""', None, '=#B=""', "TRUE"),
        ("blank = FALSE", None, "=#B=FALSE", "TRUE"),
        ("blank < 1", None, "=#B<1", "TRUE"),
        ('blank < "a"', None, '=#B<"a"', "TRUE"),
        ("blank <> 0", None, "=#B<>0", "FALSE"),
        ("ISBLANK of blank", None, "=ISBLANK(#B)", "TRUE"),
        ("ISNUMBER of blank", None, "=ISNUMBER(#B)", "FALSE"),
        ("ISTEXT of blank", None, "=ISTEXT(#B)", "FALSE"),
        ("LEN of blank", None, "=LEN(#B)", "0"),
        ("empty text", '=""', "=#B", ""),
        ("ISBLANK of empty text", '=""', "=ISBLANK(#B)", "FALSE"),
        ("ISTEXT of empty text", '=""', "=ISTEXT(#B)", "TRUE"),
        ("empty text = 0", '=""', "=#B=0", "FALSE"),
        ('empty text = ""', '=""', '=#B=""', "TRUE"),
        ("empty text in arithmetic", '=""', "=#B+1", "#VALUE!"),
        ("LEN of empty text", '=""', "=LEN(#B)", "0"),
        ("zero is not blank", 0, "=ISBLANK(#B)", "FALSE"),
        ("COUNTBLANK counts empty text", None, "=COUNTBLANK(Inputs!B5:B8)", "2"),
        ("COUNTA counts empty text", None, "=COUNTA(Inputs!B5:B8)", "3"),
        ("cross-sheet blank", None, "=Inputs!B5", "0"),
        ("IF with omitted else", None, "=IF(FALSE,1)", "FALSE"),
        ("IF with empty else", None, "=IF(FALSE,1,)", "0"),
        ("SUM with an empty argument", None, "=SUM(1,,2)", "3"),
    ],
    "Errors": [
        ("division by zero", None, "=1/0", "#DIV/0!"),
        ("zero by zero", None, "=0/0", "#DIV/0!"),
        ("NA", None, "=NA()", "#N/A"),
        ("error in arithmetic", None, "=NA()+1", "#N/A"),
        ("first error wins (left)", None, "=1/0+NA()", "#DIV/0!"),
        ("first error wins (right)", None, "=NA()+1/0", "#N/A"),
        ("error value in a cell", "#N/A", "=#B*2", "#N/A"),
        ("IFERROR catches #DIV/0!", None, '=IFERROR(1/0,"fallback")', "fallback"),
        ("IFERROR catches #N/A", None, '=IFERROR(NA(),"fallback")', "fallback"),
        ("IFERROR on an error cell", "#DIV/0!", "=IFERROR(#B,0)", "0"),
        ("IFNA passes other errors", None, '=IFNA(1/0,"x")', "#DIV/0!"),
        ("IFNA catches #N/A", None, '=IFNA(NA(),"x")', "x"),
        ("ISERROR", None, "=ISERROR(1/0)", "TRUE"),
        ("ISERR of #N/A", None, "=ISERR(NA())", "FALSE"),
        ("ISNA", None, "=ISNA(NA())", "TRUE"),
        ("ISNUMBER of an error", None, "=ISNUMBER(1/0)", "FALSE"),
        ("IF is lazy (then)", None, "=IF(TRUE,1,1/0)", "1"),
        ("IF is lazy (else)", None, "=IF(FALSE,1/0,2)", "2"),
        ("error condition", None, "=IF(1/0,1,2)", "#DIV/0!"),
        ("AND propagates errors", None, "=AND(TRUE,1/0)", "#DIV/0!"),
        ("OR propagates errors", None, "=OR(TRUE,NA())", "#N/A"),
        ("SUM of a range with an error", None, "=SUM(Inputs!B2:B12)", "#DIV/0!"),
        ("COUNT skips errors in ranges", None, "=COUNT(Inputs!B2:B12)", "4"),
        ("COUNTA counts errors", None, "=COUNTA(Inputs!B10:B12)", "3"),
        ("IFERROR around a range SUM", None, "=IFERROR(SUM(Inputs!B2:B12),-1)", "-1"),
        ("SUM of IFERROR", None, "=SUM(IFERROR(1/0,0),1)", "1"),
        ("overflow", None, "=1E308*10", "#NUM!"),
        ("square root of a negative", None, "=SQRT(-1)", "#NUM!"),
        ("unknown function", None, "=NOSUCHFUNCTION(1)", "#NAME?"),
        ("MATCH without a match", None, "=MATCH(99,Inputs!B3:B4,0)", "#N/A"),
        ("IFERROR around VLOOKUP", None,
         '=IFERROR(VLOOKUP("zzz",Inputs!A2:B12,2,FALSE),"missing")', "missing"),
        ("error literal", None, "=#DIV/0!", "#DIV/0!"),
        ("IFERROR of an error literal", None, '=IFERROR(#N/A,"lit")', "lit"),
    ],
    "Compare": [
        ("text is case-insensitive", None, '="a"="A"', "TRUE"),
        ("text order", None, '="abc"<"abd"', "TRUE"),
        ("text order ignores case", None, '="B">"a"', "TRUE"),
        ("numeric texts compare as text", None, '="10"<"9"', "TRUE"),
        ("numbers compare as numbers", None, "=10<9", "FALSE"),
        ("numbers before text", None, '=1<"a"', "TRUE"),
        ("text before booleans", None, '="a"<TRUE', "TRUE"),
        ("FALSE before TRUE", None, "=FALSE<TRUE", "TRUE"),
        ("TRUE is not 1", None, "=TRUE=1", "FALSE"),
        ("booleans above numbers", None, "=2>TRUE", "FALSE"),
        ("number is not its text", None, '=1="1"', "FALSE"),
        ("numeric text cell = text", "'5", '=#B="5"', "TRUE"),
        ("numeric text cell = number", "'5", "=#B=5", "FALSE"),
        ("prefix sorts first", None, '="apple"<"Apple pie"', "TRUE"),
        ("trailing space matters", None, '="a "="a"', "FALSE"),
        ("EXACT is case-sensitive", None, '=EXACT("a","A")', "FALSE"),
        ("0.1+0.2 = 0.3", None, "=0.1+0.2=0.3", "TRUE"),
        ("IF on a text comparison", None, '=IF("a"="A","same","different")', "same"),
    ],
    "Ranges": [
        ("SUM skips text and blanks", None, "=SUM(Sales)", "300"),
        ("COUNT", None, "=COUNT(Sales)", "2"),
        ("COUNTA", None, "=COUNTA(Sales)", "3"),
        ("COUNTBLANK", None, "=COUNTBLANK(Sales)", "1"),
        ("AVERAGE skips text and blanks", None, "=AVERAGE(Sales)", "150"),
        ("MIN", None, "=MIN(Sales)", "100"),
        ("MAX", None, "=MAX(Inputs!B3:B6)", "200"),
        ("SUM skips booleans in ranges", None, "=SUM(Inputs!B3:B7)", "300"),
        ("MAX without numbers", None, "=MAX(Inputs!B5:B6)", "0"),
        ("PRODUCT without numbers", None, "=PRODUCT(Inputs!B5:B6)", "0"),
        ("SUMPRODUCT with a blank", None, "=SUMPRODUCT(Inputs!B3:B5,Inputs!B3:B5)", "50000"),
        ("INDEX into a named range", None, "=INDEX(Sales,2)", "200"),
        ("defined names", None, "=SUM(Inputs!B3:B4)*TaxRate", "75"),
        ("named cell", None, "=TaxRate*100", "25"),
        ("SUM over COUNT of a name", None, "=SUM(Sales)/COUNT(Sales)", "150"),
    ],
    "References": [
        ("cross-sheet cell", None, "=Inputs!B3", "100"),
        ("absolute and mixed", None, "=Inputs!$B$3+Inputs!B$4", "300"),
        ("quoted sheet name", None, "='Other Sheet'!B2", "1.5"),
        ("quoted sheet range", None, "=SUM('Other Sheet'!B2:B4)", "8"),
        ("cross-sheet text", None, '=Inputs!B12&"s"', "Apples"),
        ("named cell alone", None, "=TaxRate", "0.25"),
        ("same-sheet formula", None, "=C2*2", "200"),
        ("forward reference", None, "=C13+1", "3"),
        ("absolute same-sheet", None, "=$C$2+C$3", "400"),
        ("VLOOKUP across sheets", None, '=VLOOKUP("Sales Q2",Inputs!A2:B12,2,FALSE)', "200"),
        ("MATCH is case-insensitive", None, '=MATCH("apple",Inputs!B2:B12,0)', "11"),
        ("input cell", 2, "=#B", "2"),
        ("chained", None, "=C9*10", "30"),
    ],
    "Numbers": [
        ("a third", None, "=1/3", "0.3333333333333333"),
        ("2^53", None, "=2^53", "9007199254740992"),
        ("small", None, "=1E-7", "1e-7"),
        ("large", None, "=1E20", "1e20"),
        ("decimal", None, "=1234.5", "1234.5"),
        ("negative decimal", None, "=-0.1", "-0.1"),
        ("rounding noise is kept", None, "=0.1+0.2", "0.30000000000000004"),
        ("integer result of division", None, "=10/4*2", "5"),
        ("number input", 1234.5, "=#B", "1234.5"),
        ("text with a comma", None, '="a,b"', "a,b"),
        ("text with quotes", None, '="say ""hi"""', 'say "hi"'),
        ("text that looks like a number", None, '="007"', "007"),
    ],
}

# Semantics cases where LibreOffice's value differs from Excel's: case -> why.
# (The functions.tsv cases record theirs in `# excel:` lines of that file.)
LIBREOFFICE_DIFFERS = {
    "a boolean is greater than any number":
        "LibreOffice booleans are the numbers 1 and 0, so TRUE>1 is FALSE",
    "double negation of TRUE":
        "LibreOffice's result is 1 but keeps the boolean format (TRUE)",
    "SUM of direct numeric text":
        "Excel converts numeric text given directly to SUM; LibreOffice rejects it",
    "SUM of a TRUE cell":
        "Excel skips booleans in references; LibreOffice booleans are numbers",
    "AVERAGE of direct TRUE and text":
        "Excel converts booleans and numeric text given directly; LibreOffice rejects the text",
    "LEN of TRUE": 'Excel: TRUE as text is "TRUE"',
    "number to text: large": "Excel writes two-digit exponents",
    "boolean to text": 'Excel: TRUE as text is "TRUE"',
    "COUNT skips errors in ranges":
        "Excel does not count booleans in ranges; LibreOffice counts the TRUE",
    "square root of a negative": "LibreOffice Err:502 is Excel #NUM!",
    "text before booleans":
        "Excel orders numbers < text < booleans; LibreOffice booleans are numbers",
    "TRUE is not 1":
        "Excel never equates a boolean and a number; LibreOffice booleans are numbers",
    "booleans above numbers":
        "Excel orders booleans above every number; LibreOffice compares 2>1",
    "SUM skips booleans in ranges":
        "Excel skips booleans in ranges; LibreOffice sums the TRUE",
}

# functions.tsv cases whose value LibreOffice computes differently when it
# reads the formula from an .xlsx file than when functions.tsv's generator
# parses it over UNO (the `LibreOffice:` part of the `# excel:` line):
# formula -> (LibreOffice's value here, why). Excel's value is still written.
XLSX_IMPORT_DIFFERS = {
    "=EFFECT(0,4)": ("0", "the .xlsx import maps EFFECT to LibreOffice's EFFECT_ADD, "
                     "which gives 0 for a zero rate; Excel's #NUM!"),
    "=EFFECT(0.05,0.5)": ("Err:502", "the .xlsx import maps EFFECT to LibreOffice's "
                          "EFFECT_ADD, which rejects npery < 1 with its own code"),
}

# The Inputs and Other Sheet sheets of semantics.xlsx: (cell, value).
INPUTS = [
    ("A1", "name"), ("B1", "value"),
    ("A2", "TaxRate"), ("B2", 0.25),
    ("A3", "Sales Q1"), ("B3", 100),
    ("A4", "Sales Q2"), ("B4", 200),
    ("A5", "Sales Q3"),
    ("A6", "Sales Q4"), ("B6", "'300"),
    ("A7", "flag"), ("B7", True),
    ("A8", "empty text"), ("B8", '=""'),
    ("A10", "zero"), ("B10", 0),
    ("A11", "error"), ("B11", "=1/0"),
    ("A12", "word"), ("B12", "'Apple"),
]
OTHER_SHEET = [
    ("A1", "item"), ("B1", "amount"),
    ("A2", "x"), ("B2", 1.5),
    ("A3", "y"), ("B3", 2.5),
    ("A4", "x+y"), ("B4", "=B2+B3"),
]
NAMES = [("TaxRate", "Inputs!$B$2"), ("Sales", "Inputs!$B$3:$B$6")]

ERROR_VALUES = {"#DIV/0!", "#N/A", "#VALUE!", "#NUM!", "#REF!", "#NAME?", "#NULL!"}


# ---------------------------------------------------------------------------
# Reading the sources


def read_fixture():
    cells = []
    with open(FIXTURE, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, _, value = line.partition("\t")
            cells.append((name, fixture_value(value)))
    return cells


def fixture_value(text):
    """A fixture input as an input value (see SEMANTICS for the encoding)."""
    if text.startswith("'") or text in ERROR_VALUES:
        return text
    if text in ("TRUE", "FALSE"):
        return text == "TRUE"
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return "'" + text


def read_function_cases():
    """[(section, formula, excel, libreoffice_note)] from functions.tsv."""
    cases = []
    section = None
    note = None
    with open(CASES, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# --- "):
                section = line[len("# --- "):]
            elif line.startswith("# excel:"):
                note = line
            elif line and not line.startswith("#"):
                formula, _, expected = line.partition("\t")
                cases.append((section, formula, expected, note))
                note = None
    return cases


def parse_note(note):
    """'# excel: X | LibreOffice: Y | why' -> (X, Y, why)."""
    parts = [p.strip() for p in note[len("# excel:"):].split(" | ")]
    excel = parts[0]
    lo = next((p[len("LibreOffice:"):].strip() for p in parts[1:]
               if p.startswith("LibreOffice:")), "")
    why = "; ".join(p for p in parts[1:] if not p.startswith("LibreOffice:"))
    return ("" if excel == '""' else excel), ("" if lo == '""' else lo), why


# ---------------------------------------------------------------------------
# Formulas

REF = re.compile(r"(?<![A-Za-z0-9_.!$:'])(\$?[A-Z]{1,3}\$?[0-9]+(?::\$?[A-Z]{1,3}\$?[0-9]+)?)(?![A-Za-z0-9_(!])")


def outside_strings(formula, fn):
    """Applies fn to the parts of formula outside string literals."""
    parts = re.split(r'("(?:[^"]|"")*")', formula)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def to_data_sheet(formula):
    """References to the fixture grid point at the Data sheet."""
    return outside_strings(formula, lambda s: REF.sub(r"Data!\1", s))


def stored_formula(formula):
    """The formula as an .xlsx file stores it: `_xlfn.` on newer functions."""
    def prefix(s):
        for name in XLFN:
            s = re.sub(r"(?<![A-Za-z0-9_.])" + re.escape(name) + r"\(",
                       "_xlfn." + name + "(", s)
        return s
    return outside_strings(formula, prefix)


def cell_position(name):
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", name)
    col = 0
    for ch in m.group(1):
        col = col * 26 + (ord(ch) - 64)
    return col, int(m.group(2))


def put(ws, name, value):
    """Writes an input value (see SEMANTICS for the encoding) to a cell."""
    if value is None:
        return
    col, row = cell_position(name)
    cell = ws.cell(row=row, column=col)
    if isinstance(value, str) and value.startswith("="):
        cell.value = "=" + stored_formula(value[1:])
    elif isinstance(value, str) and value.startswith("'"):
        cell.value = value[1:]
        cell.data_type = "s"
    elif isinstance(value, str) and value in ERROR_VALUES:
        cell.value = value
        cell.data_type = "e"
    else:
        cell.value = value


# ---------------------------------------------------------------------------
# The workbooks


class Case:
    def __init__(self, book, sheet, row, label, formula, excel, why_differs):
        self.book, self.sheet, self.row = book, sheet, row
        self.label, self.formula, self.excel = label, formula, excel
        # For functions.tsv cases: (excel, libreoffice, why) from the file.
        self.why_differs = why_differs


def build_books():
    """{book: [(sheet, [(cell, input)])]}, [Case], {book: [(name, ref)]}."""
    books = {}
    cases = []
    fixture = read_fixture()

    def sheet_cells(book, sheet):
        sheets = books.setdefault(book, [])
        for name, cells in sheets:
            if name == sheet:
                return cells
        cells = [("A1", "'case"), ("B1", "'input"), ("C1", "'formula")]
        sheets.append((sheet, cells))
        return cells

    counts = {}
    for section, formula, excel, note in read_function_cases():
        book, sheet = SECTIONS[section]
        cells = sheet_cells(book, sheet)
        k = counts[(book, sheet)] = counts.get((book, sheet), 0) + 1
        row = k + 1
        label = "%s %d" % (sheet, k)
        cells.append(("A%d" % row, "'" + label))
        cells.append(("C%d" % row, to_data_sheet(formula)))
        cases.append(Case(book, sheet, row, label, to_data_sheet(formula), excel,
                          parse_note(note) if note else None))
    for book in books:
        books[book].append(("Data", fixture))

    labels = [label for rows in SEMANTICS.values() for label, *_ in rows]
    assert len(labels) == len(set(labels)), "semantics case names must be unique"
    sem = books.setdefault("semantics", [])
    for sheet, rows in SEMANTICS.items():
        cells = [("A1", "'case"), ("B1", "'input"), ("C1", "'formula")]
        for i, (label, value, formula, excel) in enumerate(rows):
            row = i + 2
            cells.append(("A%d" % row, "'" + label))
            cells.append(("B%d" % row, value))
            f = formula.replace("#B", "B%d" % row)
            cells.append(("C%d" % row, f))
            cases.append(Case("semantics", sheet, row, label, f, excel, None))
        sem.append((sheet, cells))
    sem.append(("Inputs", INPUTS))
    sem.append(("Other Sheet", OTHER_SHEET))
    return books, cases, {"semantics": NAMES}


def write_xlsx(path, sheets, names):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, cells in sheets:
        ws = wb.create_sheet(sheet)
        for name, value in cells:
            put(ws, name, value)
    for name, ref in names:
        wb.defined_names.append(DefinedName(name, attr_text=ref))
    wb.save(path)
    # Fixed timestamps, so that regenerating an unchanged corpus changes no file.
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                              b"2026-01-01T00:00:00Z", data)
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# ---------------------------------------------------------------------------
# LibreOffice


def connect():
    import uno  # system python3-uno
    profile = "file://" + PROFILE
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


def format_number(x):
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    text = repr(x)
    if "e" in text:
        mantissa, exp = text.split("e")
        text = mantissa + "e" + str(int(exp))
    return text


def cell_text(doc, cell):
    """The raw value of a cell as the expected CSV writes it."""
    from com.sun.star.table.CellContentType import EMPTY, TEXT, FORMULA
    kind = cell.getType()
    if kind == EMPTY:
        return ""
    if kind == TEXT:
        return cell.getString()
    if kind == FORMULA:
        if cell.getError() != 0:
            return cell.getString()
        if cell.FormulaResultType2 == 2:  # text
            return cell.getString()
    fmt = doc.NumberFormats.getByKey(cell.NumberFormat)
    if fmt.Type & 1024:  # com.sun.star.util.NumberFormat.LOGICAL
        return "TRUE" if cell.getValue() != 0 else "FALSE"
    return format_number(cell.getValue())


def libreoffice_values(paths):
    """{path: {sheet: [[text]]}} computed by LibreOffice."""
    import uno
    from com.sun.star.beans import PropertyValue
    proc, ctx = connect()
    out = {}
    try:
        desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx)
        hidden = PropertyValue()
        hidden.Name, hidden.Value = "Hidden", True
        for path in paths:
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(path), "_blank", 0, (hidden,))
            for prop, value in (("IgnoreCase", True), ("Wildcards", True),
                                ("RegularExpressions", False), ("MatchWholeCell", True)):
                doc.setPropertyValue(prop, value)
            doc.calculateAll()
            sheets = {}
            for i in range(doc.Sheets.getCount()):
                sheet = doc.Sheets.getByIndex(i)
                cursor = sheet.createCursor()
                cursor.gotoEndOfUsedArea(False)
                end = cursor.getRangeAddress()
                sheets[sheet.getName()] = [
                    [cell_text(doc, sheet.getCellByPosition(c, r))
                     for c in range(end.EndColumn + 1)]
                    for r in range(end.EndRow + 1)]
            out[path] = sheets
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
        shutil.rmtree(PROFILE, ignore_errors=True)
    return out


# ---------------------------------------------------------------------------


def main():
    os.makedirs(OUT, exist_ok=True)
    for name in os.listdir(OUT):
        if name.endswith(".xlsx") or name.endswith(".expected.csv"):
            os.remove(os.path.join(OUT, name))
    books, cases, names = build_books()
    paths = {}
    for book, sheets in books.items():
        paths[book] = os.path.join(OUT, book + ".xlsx")
        write_xlsx(paths[book], sheets, names.get(book, []))
    values = libreoffice_values(list(paths.values()))

    problems = []
    overrides = []
    for case in cases:
        grid = values[paths[case.book]][case.sheet]
        lo = grid[case.row - 1][2]
        where = "%s.xlsx %s!C%d" % (case.book, case.sheet, case.row)
        if case.why_differs:
            excel, lo_recorded, why = case.why_differs
            if lo == case.excel:
                print("note: LibreOffice now agrees with Excel on %s %s" % (where, case.formula))
            elif lo != lo_recorded and XLSX_IMPORT_DIFFERS.get(case.formula, ("",))[0] == lo:
                why = why + "; " + XLSX_IMPORT_DIFFERS[case.formula][1]
            elif lo != lo_recorded:
                problems.append("%s %s: LibreOffice gives %r here, functions.tsv records %r"
                                % (where, case.formula, lo, lo_recorded))
        elif lo != case.excel:
            why = LIBREOFFICE_DIFFERS.get(case.label) if case.book == "semantics" else None
            if why is None:
                problems.append("%s %s: LibreOffice gives %r, Excel %r (no recorded reason)"
                                % (where, case.formula, lo, case.excel))
                continue
        else:
            continue
        if lo != case.excel:
            overrides.append((where, case.formula, lo, case.excel, why))
            grid[case.row - 1][2] = case.excel
    for path, sheets in values.items():
        for sheet, grid in sheets.items():
            for r, row in enumerate(grid):
                for c, text in enumerate(row):
                    if text.startswith("Err:"):
                        problems.append("%s %s row %d col %d: LibreOffice error %s left"
                                        % (os.path.basename(path), sheet, r + 1, c + 1, text))

    print("LibreOffice differs from Excel in %d cells; the expected CSVs have Excel's value:"
          % len(overrides))
    width = max((len(o[0]) for o in overrides), default=0)
    for where, formula, lo, excel, why in overrides:
        print("  %-*s %s  LibreOffice %s, Excel %s  (%s)"
              % (width, where, formula, lo or '""', excel or '""', why))
    for unused in sorted(set(LIBREOFFICE_DIFFERS) - {c.label for c in cases}):
        problems.append("LIBREOFFICE_DIFFERS names no case: " + unused)
    for unused in sorted(set(XLSX_IMPORT_DIFFERS) - {c.formula for c in cases}):
        problems.append("XLSX_IMPORT_DIFFERS names no case: " + unused)
    if problems:
        print("\n%d problems:" % len(problems))
        for p in problems:
            print("  " + p)
        sys.exit(1)

    files = 0
    for book, sheets in books.items():
        for sheet, _ in sheets:
            grid = values[paths[book]][sheet]
            with open(os.path.join(OUT, "%s.%s.expected.csv" % (book, sheet)), "w",
                      encoding="utf-8", newline="") as f:
                writer = csv.writer(f, lineterminator="\n")
                writer.writerows(grid)
            files += 1
    print("%d workbooks, %d sheets, %d cases" % (len(books), files, len(cases)))


if __name__ == "__main__":
    main()

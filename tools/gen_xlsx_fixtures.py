#!/usr/bin/env python3
"""Writes the Excel fixtures of tests/xlsx_import.rs into tests/data/xlsx/.

The workbooks are built part by part with zipfile, exactly as Excel lays
them out (shared formulas with `t="shared"`, an array formula, defined names,
number formats, a macro project, a chart, an external link), so that every
feature the importer handles is in the file for certain.

    python3 tools/gen_xlsx_fixtures.py          # the fixtures
    soffice --headless --convert-to xlsx --outdir /tmp tests/data/xlsx/basic.xlsx
    mv /tmp/basic.xlsx tests/data/xlsx/libreoffice.xlsx
                                                # the same workbook as LibreOffice saves it
    python3 tools/gen_xlsx_fixtures.py --large OUT.xlsx [ROWS]
                                                # a large workbook for timing
"""

import os
import sys
import zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "data", "xlsx")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
{overrides}
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""

# Styles: 0 General, 1 0.0%, 2 #,##0.00 (built-in 4), 3 yyyy-mm-dd, 4 "$"#,##0.00
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="3"><numFmt numFmtId="164" formatCode="0.0%"/><numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="166" formatCode="&quot;$&quot;#,##0.00"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="5">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
</cellXfs>
</styleSheet>"""


ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


def col_name(col):
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return name


class Book:
    """A workbook being assembled: sheets of cells, names, extra parts."""

    def __init__(self):
        self.sheets = []  # (name, {(row, col): cell xml}, extra xml)
        self.strings = []
        self.string_index = {}
        self.names = []  # (name, target)
        self.extra_parts = {}  # part name -> bytes
        self.external_links = 0

    def string(self, text):
        if text not in self.string_index:
            self.string_index[text] = len(self.strings)
            self.strings.append(text)
        return self.string_index[text]

    def sheet(self, name, extra=""):
        cells = {}
        self.sheets.append((name, cells, extra))
        return cells

    def cell(self, cells, ref, value=None, formula=None, style=0, shared=None, array=None):
        """One cell. value: number, str, bool or None; formula: text without '='.
        shared=(si, ref or None) makes it a shared-formula anchor (with ref)
        or a derived cell (without formula text)."""
        col = 0
        letters = "".join(c for c in ref if c.isalpha())
        for c in letters:
            col = col * 26 + ord(c) - 64
        row = int(ref[len(letters):]) - 1
        attrs = f' r="{ref}"'
        if style:
            attrs += f' s="{style}"'
        inner = ""
        if shared is not None:
            si, shared_ref = shared
            if shared_ref:
                inner += f'<f t="shared" ref="{shared_ref}" si="{si}">{escape(formula)}</f>'
            else:
                inner += f'<f t="shared" si="{si}"/>'
        elif array is not None:
            inner += f'<f t="array" ref="{array}">{escape(formula)}</f>'
        elif formula is not None:
            inner += f"<f>{escape(formula)}</f>"
        if isinstance(value, bool):
            attrs += ' t="b"'
            inner += f"<v>{int(value)}</v>"
        elif isinstance(value, str) and value in ERRORS and (formula or shared or array):
            # Excel saves an error result as an error value (t="e").
            attrs += ' t="e"'
            inner += f"<v>{value}</v>"
        elif isinstance(value, str) and formula is None and shared is None and array is None:
            attrs += ' t="s"'
            inner += f"<v>{self.string(value)}</v>"
        elif isinstance(value, str):
            attrs += ' t="str"'
            inner += f"<v>{escape(value)}</v>"
        elif value is not None:
            inner += f"<v>{value!r}</v>"
        cells[(row, col - 1)] = f"<c{attrs}>{inner}</c>"

    def save(self, path):
        overrides = "\n".join(
            f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(len(self.sheets))
        )
        sheets_xml = "".join(
            f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
            for i, (name, _, _) in enumerate(self.sheets)
        )
        names_xml = ""
        if self.names:
            # (name, target) or (name, target, localSheetId) for a sheet-scoped name.
            names_xml = "<definedNames>" + "".join(
                f'<definedName name="{n[0]}"'
                + (f' localSheetId="{n[2]}"' if len(n) > 2 else "")
                + f">{escape(n[1])}</definedName>"
                for n in self.names
            ) + "</definedNames>"
        workbook = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f"<sheets>{sheets_xml}</sheets>{names_xml}</workbook>"
        )
        rels = [
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
            for i in range(len(self.sheets))
        ]
        n = len(self.sheets)
        rels.append(f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>')
        rels.append(f'<Relationship Id="rId{n + 2}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>')
        workbook_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            + "".join(rels)
            + "</Relationships>"
        )
        sheet_parts = []
        for name, cells, extra in self.sheets:
            rows = {}
            for (r, c), xml in cells.items():
                rows.setdefault(r, []).append((c, xml))
            data = "".join(
                f'<row r="{r + 1}">' + "".join(x for _, x in sorted(rows[r])) + "</row>"
                for r in sorted(rows)
            )
            sheet_parts.append(
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<sheetData>{data}</sheetData>{extra}</worksheet>"
            )
        shared = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(self.strings)}" uniqueCount="{len(self.strings)}">'
            + "".join(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>" for s in self.strings)
            + "</sst>"
        )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", CONTENT_TYPES.format(overrides=overrides))
            z.writestr("_rels/.rels", ROOT_RELS)
            z.writestr("xl/workbook.xml", workbook)
            z.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
            z.writestr("xl/styles.xml", STYLES)
            z.writestr("xl/sharedStrings.xml", shared)
            for i, part in enumerate(sheet_parts):
                z.writestr(f"xl/worksheets/sheet{i + 1}.xml", part)
            for name, data in sorted(self.extra_parts.items()):
                z.writestr(name, data)


def basic():
    """Two related sheets with everything the importer maps, and some it reports."""
    book = Book()
    inputs = book.sheet("Inputs")
    book.cell(inputs, "A1", "Name")
    book.cell(inputs, "B1", "Value")
    book.cell(inputs, "A2", "Tax rate")
    book.cell(inputs, "B2", 0.2, style=1)
    book.cell(inputs, "A3", "Price")
    book.cell(inputs, "B3", 100, style=2)
    book.cell(inputs, "A4", "Start")
    book.cell(inputs, "B4", 45292, style=3)
    book.cell(inputs, "A5", "Flag")
    book.cell(inputs, "B5", True)
    book.cell(inputs, "A6", "Note")
    book.cell(inputs, "B6", 'hello, "world"')
    book.cell(inputs, "A7", "Fee")
    book.cell(inputs, "B7", 2.5, style=4)

    model = book.sheet(
        "Model",
        '<conditionalFormatting sqref="B2:D2"><cfRule type="cellIs" dxfId="0" priority="1" operator="greaterThan"><formula>15</formula></cfRule></conditionalFormatting>',
    )
    for ref, text in zip(["A1", "B1", "C1", "D1"], ["Metric", "Jan", "Feb", "Mar"]):
        book.cell(model, ref, text)
    book.cell(model, "A2", "Units")
    for ref, n in zip(["B2", "C2", "D2"], [10, 20, 30]):
        book.cell(model, ref, n)
    # Revenue: a shared formula over B3:D3 (anchor B3), as Excel writes it.
    book.cell(model, "A3", "Revenue")
    book.cell(model, "B3", 1000, "B2*Inputs!$B$3", shared=(0, "B3:D3"), style=2)
    book.cell(model, "C3", 2000, shared=(0, None), style=2)
    book.cell(model, "D3", 3000, shared=(0, None), style=2)
    # Tax: a shared formula using a defined name.
    book.cell(model, "A4", "Tax")
    book.cell(model, "B4", 200, "B3*TaxRate", shared=(1, "B4:D4"))
    book.cell(model, "C4", 400, shared=(1, None))
    book.cell(model, "D4", 600, shared=(1, None))
    book.cell(model, "A5", "Total")
    book.cell(model, "B5", 6000, "SUM(B3:D3)")
    book.cell(model, "C5", "a20", '_xlfn.CONCAT("a",C2)')
    book.cell(model, "D5", "#NAME?", "MYUDF(1)")
    book.cell(model, "A6", "Ratio")
    book.cell(model, "B6", "#DIV/0!", "B2/0")
    book.cell(model, "C6", 0.1, "1/10")
    book.cell(model, "D6", 1e-7, "0.0000001*1")
    book.cell(model, "A7", "Units")
    book.cell(model, "B7", 1234.5)
    book.cell(model, "A8", "Cross")
    book.cell(model, "B8", 100.2, "Inputs!B3+Inputs!B2")
    book.cell(model, "C8", 5, "'My Sheet'!A1")
    book.cell(model, "D8", 1, "SUM(revenue)/total")

    other = book.sheet(
        "My Sheet",
        '<dataValidations count="1"><dataValidation type="whole" sqref="A1"><formula1>0</formula1></dataValidation></dataValidations>',
    )
    book.cell(other, "A1", 5)
    book.cell(other, "B1", 10, "SUM(A1:A1*2)", array="B1")
    book.cell(other, "C1", 7, "[1]Rates!A1")

    book.names = [
        ("TaxRate", "Inputs!$B$2"),
        ("revenue", "Model!$B$3:$D$3"),
        ("total", "Model!$B$5"),
        ("_xlnm.Print_Area", "Model!$A$1:$D$8"),
        ("Broken", "Model!#REF!"),
    ]
    book.extra_parts = {
        "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 not a real macro project",
        "xl/charts/chart1.xml": b'<?xml version="1.0"?><c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart"/>',
        "xl/externalLinks/externalLink1.xml": b'<?xml version="1.0"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
    }
    book.save(os.path.join(OUT, "basic.xlsx"))


def excel_saved():
    """Written the way Excel writes what the importer once got silently
    wrong: shared formulas whose anchor (the cell holding the text) is in
    the middle or at the end of their range, across a row and down a
    column, with mixed `$` references; a sheet-scoped name beside a
    workbook-level name of the same text; and Excel's saved values with
    every formula, including volatile cells and a user-defined function
    Lever cannot compute."""
    book = Book()
    plan = book.sheet("Plan")
    for ref, text in zip(["A1", "B1", "C1", "D1", "E1", "F1"], ["Metric", "Jan", "Feb", "Mar", "Apr", "May"]):
        book.cell(plan, ref, text)
    book.cell(plan, "H1", 1000)
    book.cell(plan, "A2", "Units")
    book.cell(plan, "A3", "Price")
    for i, col in enumerate("BCDEF"):
        book.cell(plan, f"{col}2", 10 * (i + 1))
        book.cell(plan, f"{col}3", 5 + i)
    # Revenue over B4:F4, the text held by D4 (the middle): B4 and C4 come
    # before their anchor in the file.
    book.cell(plan, "A4", "Revenue")
    for i, col in enumerate("BCDEF"):
        value = 10 * (i + 1) * (5 + i)
        if col == "D":
            book.cell(plan, "D4", value, "D2*D3", shared=(0, "B4:F4"))
        else:
            book.cell(plan, f"{col}4", value, shared=(0, None))
    # Cumulative revenue over B5:F5, the text held by F5 (the end).
    book.cell(plan, "A5", "Cumulative")
    total = 0
    for i, col in enumerate("BCDEF"):
        total += 10 * (i + 1) * (5 + i)
        if col == "F":
            book.cell(plan, "F5", total, "SUM($B4:F4)", shared=(1, "B5:F5"))
        else:
            book.cell(plan, f"{col}5", total, shared=(1, None))
    # Down a column: H2:H6, the text held by H4, mixed references.
    column_b = {2: 10, 3: 5, 4: 50, 5: 50, 6: 0}
    for row in range(2, 7):
        value = column_b[row] * 5 + 1000
        if row == 4:
            book.cell(plan, "H4", value, "B4*$B$3+H$1", shared=(2, "H2:H6"))
        else:
            book.cell(plan, f"H{row}", value, shared=(2, None))
    # Names: `Rate` is Plan!B3 for the workbook, Other!A1 on Other;
    # `Discount` exists on Other only.
    book.cell(plan, "J1", 10, "Rate*2")
    book.cell(plan, "J2", 5, "Other!Rate*10")
    book.cell(plan, "J3", "#NAME?", "Discount")
    # Volatile: Excel's saved value is from the day it was saved.
    book.cell(plan, "K1", 45000, "TODAY()")
    book.cell(plan, "K2", 45001, "K1+1")
    # A user-defined (VBA) function: Excel computed 42, Lever cannot.
    book.cell(plan, "K3", 42, "MYUDF(1)")
    # Whole columns and rows.
    book.cell(plan, "L1", 0.6, "SUM(Other!A:A)")
    book.cell(plan, "L2", 6, 'VLOOKUP("Price",$A:$F,3,FALSE)')
    book.cell(plan, "L3", 20, 'SUMIF(A:A,"Units",C:C)')
    book.cell(plan, "L5", 6, "MATCH(450,$4:$4,0)")
    other = book.sheet("Other")
    book.cell(other, "A1", 0.5)
    book.cell(other, "A2", 0.1)
    book.cell(other, "B1", 1, "Rate*2")
    book.cell(other, "B2", 0.4, "Rate-Discount")
    macros = book.sheet("Macros")
    for row in range(1, 56):
        book.cell(macros, f"A{row}", row, f"MYUDF({row})")
    book.names = [
        ("Rate", "Plan!$B$3"),
        ("Rate", "Other!$A$1", 1),
        ("Discount", "Other!$A$2", 1),
    ]
    book.save(os.path.join(OUT, "excel_saved.xlsx"))


def zip_bomb():
    """A valid-looking workbook with a part that inflates to 1.1 GiB of zeros."""
    path = os.path.join(OUT, "zip_bomb.xlsx")
    chunk = b"\0" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES.format(overrides=""))
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(1100):
                f.write(chunk)


def others():
    with open(os.path.join(OUT, "not_a_zip.xlsx"), "w") as f:
        f.write("name,value\nprice,4990\n")
    # The start of an encrypted OOXML file: a compound file with an
    # EncryptionInfo stream (names are UTF-16 in the directory).
    header = bytes([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) + bytes(504)
    directory = "EncryptionInfo".encode("utf-16-le") + bytes(100)
    with open(os.path.join(OUT, "password.xlsx"), "wb") as f:
        f.write(header + directory + bytes(512))
    # A zip that is not a workbook (a document, say).
    with zipfile.ZipFile(os.path.join(OUT, "not_a_workbook.xlsx"), "w") as z:
        z.writestr("word/document.xml", "<document/>")
    # A truncated workbook.
    with open(os.path.join(OUT, "basic.xlsx"), "rb") as f:
        data = f.read()
    with open(os.path.join(OUT, "truncated.xlsx"), "wb") as f:
        f.write(data[: len(data) // 2])


def large(path, rows):
    """ROWS rows × (1 label + 10 numbers + 10 formulas): 10 formulas per row."""
    book = Book()
    sheet = book.sheet("Data")
    for r in range(1, rows + 1):
        book.cell(sheet, f"A{r}", f"Row {r}")
        values = {}
        for c in range(1, 11):
            values[c] = r * c
            book.cell(sheet, f"{col_name(c)}{r}", r * c)
        for c in range(11, 21):
            ref = f"{col_name(c)}{r}"
            # The value Excel would save with the formula.
            values[c] = values[c - 10] * 2 + values[c - 1]
            if r == 1:
                book.cell(sheet, ref, values[c], f"{col_name(c - 10)}{r}*2+{col_name(c - 1)}{r}",
                          shared=(c, f"{ref}:{col_name(c)}{rows}"))
            else:
                book.cell(sheet, ref, values[c], shared=(c, None))
    book.save(path)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--large":
        large(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 20000)
    else:
        os.makedirs(OUT, exist_ok=True)
        basic()
        excel_saved()
        zip_bomb()
        others()

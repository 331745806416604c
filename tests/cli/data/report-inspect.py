#!/usr/bin/env python3
# Reads an .xlsx with zipfile + ElementTree (no lmi code) and prints facts the
# golden tests compare against hand-written expectations:
#   sheets NAME,...            sheet names in workbook order
#   charts TYPE,...            chart kinds (lineChart -> line, barChart -> bar)
#   SHEET frozen N autofilter REF   frozen header rows and the autofilter range
#   SHEET!CELL KIND VALUE FORMAT FILL   for each cell named on the command line;
#     KIND is s (text: shared or inline string), n (number), blank or missing;
#     FORMAT is the number format code (General when none); FILL is fill or -.
import re
import sys
import zipfile
import xml.etree.ElementTree as ET

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
BUILTIN = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 14: "m/d/yyyy"}


def main():
    z = zipfile.ZipFile(sys.argv[1])
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    sheets = []
    for s in wb.find("m:sheets", NS):
        rid = s.get("{%s}id" % NS["r"])
        sheets.append((s.get("name"), "xl/" + target[rid]))
    print("sheets " + ",".join(n for n, _ in sheets))
    kinds = []
    for name in sorted(n for n in z.namelist() if re.match(r"xl/charts/chart\d+\.xml$", n)):
        x = z.read(name).decode()
        kinds.append("line" if "<c:lineChart>" in x else "bar" if "<c:barChart>" in x else "?")
    print("charts " + ",".join(kinds))

    st = ET.fromstring(z.read("xl/styles.xml"))
    fmts = dict(BUILTIN)
    nf = st.find("m:numFmts", NS)
    if nf is not None:
        for f in nf:
            fmts[int(f.get("numFmtId"))] = f.get("formatCode")
    fills = list(st.find("m:fills", NS))
    xfs = []
    for xf in st.find("m:cellXfs", NS):
        fid = int(xf.get("fillId", "0"))
        pat = fills[fid].find("m:patternFill", NS)
        solid = pat is not None and pat.get("patternType") == "solid"
        xfs.append((fmts.get(int(xf.get("numFmtId", "0")), "?"), "fill" if solid else "-"))

    parsed = {}
    for name, path in sheets:
        ws = ET.fromstring(z.read(path))
        pane = ws.find(".//m:pane", NS)
        af = ws.find("m:autoFilter", NS)
        if name not in ("README", "Charts"):
            print("%s frozen %s autofilter %s" % (
                name, pane.get("ySplit") if pane is not None else "0",
                af.get("ref") if af is not None else "-"))
        cells = {}
        for c in ws.iter("{%s}c" % NS["m"]):
            cells[c.get("r")] = c
        parsed[name] = cells
    for ref in sys.argv[2:]:
        sheet, cell = ref.split("!")
        c = parsed[sheet].get(cell)
        if c is None:
            print(ref + " missing")
            continue
        fmt, fill = xfs[int(c.get("s", "0"))]
        t = c.get("t")
        if t == "inlineStr":
            kind, val = "s", "".join(c.find("m:is", NS).itertext())
        elif t == "s":
            kind, val = "s", "(shared)"
        elif c.find("m:v", NS) is not None:
            kind, val = "n", c.find("m:v", NS).text
        else:
            kind, val = "blank", ""
        print("%s %s %s %s %s" % (ref, kind, val, fmt, fill))


main()

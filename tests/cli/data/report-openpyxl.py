#!/usr/bin/python3
# Opens an .xlsx with openpyxl (Debian python3-openpyxl), an independent reader, and
# prints: the sheet names; for each CELL argument (SHEET!REF) the Python type, value and
# number format openpyxl sees; and per data sheet the frozen pane, the autofilter and the
# number of charts on the Charts sheet.
import sys
import openpyxl

wb = openpyxl.load_workbook(sys.argv[1])
print(",".join(wb.sheetnames))
for ref in sys.argv[2:]:
    sheet, cell = ref.split("!")
    c = wb[sheet][cell]
    print(ref, type(c.value).__name__, c.value, c.number_format)
for name in wb.sheetnames:
    ws = wb[name]
    if name == "Charts":
        print("Charts charts=%d" % len(ws._charts))
    elif name != "README":
        print(name, "freeze=%s" % ws.freeze_panes, "filter=%s" % ws.auto_filter.ref)

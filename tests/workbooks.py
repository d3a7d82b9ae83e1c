"""An .xlsx file's bytes from rows, as a user's Excel sheet would be uploaded (import tests)."""

import io

from openpyxl import Workbook


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

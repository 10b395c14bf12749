"""What planners read: tables, folders, the workbook, the HTML report, the brief, hand-outs."""

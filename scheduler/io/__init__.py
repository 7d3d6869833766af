"""Reading and writing workbooks, CSV folders and other formats."""

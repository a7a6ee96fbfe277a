"""Load: xlsx, csv (UTF-8, UTF-8-BOM, GBK/GB18030, UTF-16) and json files into raw tables whose
rows keep the numbers the spreadsheet shows and whose headers map to canonical fields."""

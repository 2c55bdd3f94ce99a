"""Files in and out: survey files read, checked and handed to the write gateway (importer.py), the
inventory written as GeoJSON, GeoPackage, Shapefile, CSV and XLSX (exporter.py), and the rules
both share: columns, values, spreadsheet cells, CRS inference, archive and size limits.
"""

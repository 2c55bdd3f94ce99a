"""The write gateway: every change to a parcel, factory, area or project passes here, whatever its
source (API routes, web forms, imports, the CLI), and obeys one rule book (rules.py): who may do
it, where the record is and where it goes, whether it exists, the version the writer read, the
values it sets and the workflow step; it is checked inside the writing transaction on the record
read locked, and recorded in the history. The callers only translate their input into a change.
"""

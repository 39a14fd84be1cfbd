"""Requirements and their confirmation records, traceability to the WBS, change requests."""

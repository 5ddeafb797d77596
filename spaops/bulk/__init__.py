"""Bulk writes that bypass the ORM: rows in by column (`write`), their foreign keys checked
set-wise, each referenced id once (`keys`)."""

"""Benchmarks: what Tandem costs against the raw storage it stands on (`python -m bench`)."""

"""Narrative tagging: sentences with provenance, and (next) trained span/relation taggers."""

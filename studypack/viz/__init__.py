"""Drawings for the lessons: fast matplotlib frames, graphs and landscapes (no widgets here)."""

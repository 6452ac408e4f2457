"""Dataset builders: queries, splits, digits, glyphs, rendering and streaming."""

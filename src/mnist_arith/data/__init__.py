"""Dataset builders: vocabulary, queries, splits, digits, glyphs, rendering, streaming."""

"""The layout editor: a mixed recording's picture designed on a canvas, previewed exactly, applied
live."""

"""graphic-novel: compile a story kept as plain files into a paged graphic-novel site."""

__version__ = "0.1.0"

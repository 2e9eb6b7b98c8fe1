"""Take-away editions of a story: files a reader downloads and keeps (the EPUB).

Plain functions over the Story model and the panel renditions the image step
has made; nothing here imports MkDocs. plugin.py calls them at the end of a
build.
"""

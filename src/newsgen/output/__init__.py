"""Writing the built site: the staging and spare trees, the atomic swap, the quick
write of a few files, the Pagefind search index, and file-system steps that never
follow a symbolic link.
"""

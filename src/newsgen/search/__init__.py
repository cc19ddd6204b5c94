"""The search index: what a rendered page holds for searching (extract), the words and
their stems (words), the files of a shard (shard), and writing one from a built tree
(write). output/pagefind.py decides which shards are written and which are kept."""

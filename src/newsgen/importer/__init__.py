"""``newsgen import``: the command, the plan of each imported article, and the
recognisers for articles pasted as plain text.
"""

"""Development tools kept out of the wheel: the generators of documentation pages (``gen_docs``)."""

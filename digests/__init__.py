"""ictdigest's corpus side: ingest, clean, analyse, store, select, render.

An article flows through the modules in this order:

    sources  -> clean -> analyse (sentences, companies, targets) -> store
             -> answers / select (themes, summarize) -> render

``digests`` never imports ``bot``.
"""

__version__ = "0.1.0"

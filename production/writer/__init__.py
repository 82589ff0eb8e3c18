"""The writer: composes each planned asset from the brief's typed facts, its pillar and its channel's craft.

One module per channel family (`social`, `email`, `blog`, `search_ads`) over a small composition
core (`core`), with grammar (`grammar`), the brief's facts in writable shapes (`facts`), the
brand's voice (`voice`) and phrase banks kept as reviewed data files (`banks/*.yaml`).
"""

"""AICMO's benchmark suite: `python -m bench` measures runs, the saga engine, workers, the API and memory."""

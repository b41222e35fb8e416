"""The procedures demo: catalogue files, pages.yaml and the loader that builds them (load_demo)."""

"""Imported once by the render pool's forkserver: prepare every template in the templates
folder there, so each worker forked from it (and each replacement worker) starts with the
compiled templates instead of preparing them again. An edited template is still picked up:
the cache is keyed by modification time and size."""

from __future__ import annotations

from pipeline.render.engine import prepare_all

prepare_all()

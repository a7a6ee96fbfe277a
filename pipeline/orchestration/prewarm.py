"""Imported once by the render pool's forkserver: prepare every template in the templates
folder there, so each worker forked from it (and each replacement worker) starts with the
compiled templates instead of preparing them again. An edited template is still picked up:
the cache is keyed by modification time and size."""

from __future__ import annotations

from pipeline.render.engine import prepare_all
from pipeline.settings import Settings

prepare_all(Settings.from_env().templates)  # a worker process's edge: the settings it was started with

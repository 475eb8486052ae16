"""Output formats: a registry of small formatter classes, each turning FileResults into text."""

from __future__ import annotations

import importlib

# name -> module:class
REGISTRY = {
    "text": "text:TextFormatter",
    "full": "text:FullFormatter",
    "json": "json:JsonFormatter",
    "sarif": "sarif:SarifFormatter",
    "github": "github:GithubFormatter",
}


def get(name: str):
    mod, cls = REGISTRY[name].split(":")
    return getattr(importlib.import_module(f"{__name__}.{mod}"), cls)

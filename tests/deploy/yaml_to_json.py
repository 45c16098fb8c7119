#!/usr/bin/env python3
"""Prints each YAML file given as one JSON line: a list of its documents.

Exits 1 with the file and the reason on the first file that is not YAML or
that repeats a key in a mapping: PyYAML keeps the last of duplicate keys
without a word, and in a compose or Kubernetes file that silently drops
settings.
"""
import json
import sys

import yaml


class StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys."""


def construct_mapping(loader, node, deep=False):
    # Only keys written here count: a key that overrides one merged in
    # with "<<" is what merges are for.
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, "duplicate key %r" % (key,), key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)

for path in sys.argv[1:]:
    try:
        with open(path, encoding="utf-8") as stream:
            documents = list(yaml.load_all(stream, Loader=StrictLoader))
    except (OSError, yaml.YAMLError) as error:
        print("%s: %s" % (path, error), file=sys.stderr)
        sys.exit(1)
    print(json.dumps(documents))

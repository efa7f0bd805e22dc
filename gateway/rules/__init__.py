"""Pure rules: no I/O, no web framework. Keys and prefixes, caller limits, previews, metadata, bucket rules."""

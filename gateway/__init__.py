"""s3-manager: a stateless explorer and presigning gateway in front of any S3-compatible store."""

__version__ = "0.1.0"

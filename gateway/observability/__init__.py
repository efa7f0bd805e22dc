"""What the gateway did, for operators: log lines, the audit trail, metrics, and the observer around every request."""

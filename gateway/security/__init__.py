"""Who may do what, and the proof of it: grants, sessions, CSRF, signed tokens, share links, confining headers."""

"""Who may do what: principals (users, API tokens, proxy users) and their grants, read from S3M_ACCESS_FILE.

A grant names a store (the default one unless it says; "*" for all), a bucket (or "*"), a key prefix and actions.
A request is for one store (gateway/stores.py) and is judged by that store's grants alone. Every action is checked
where the gateway acts or signs, so no presigned URL leaves the gateway for a key outside its caller's grants.

    read_only = false
    buckets = ["reports", "uploads"]        # shown on the bucket list, for credentials without ListAllMyBuckets

    [users.alice]
    password = "scrypt:..."                 # from `s3-manager hash-password`
    grants = [{bucket = "*", actions = ["list", "read", "write", "delete", "share"]},
              {store = "archive", bucket = "cold", actions = ["list", "read"]}]

    [tokens.ci]
    sha256 = "..."                          # of the token: `s3-manager hash-token`
    grants = [{bucket = "uploads", prefix = "ci/", actions = ["write"]}]
    max_expires = 900                       # caps on what it may sign
    max_upload_size = 1073741824

    [proxy]                                 # users named by a trusted reverse proxy (oauth2-proxy, Authelia)
    trusted = ["127.0.0.1/32", "10.0.0.0/8"]
    user_header = "X-Forwarded-User"        # users are looked up in [users]; [users."*"] is anyone else
    groups_header = "X-Forwarded-Groups"    # optional: their groups, as the proxy says
    groups_separator = ","

    [groups.auditors]                       # grants of everyone in the group (OpenID Connect or the proxy)
    grants = [{bucket = "logs", actions = ["list", "read"]}]

    [login]
    passwords = true                        # false: sign in with an [oidc.NAME] provider only (security/oidc.py)
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gateway.errors import AccessDenied
from gateway.models import Listing
from gateway.security.oidc import OidcProvider, load_providers
from gateway.settings import SettingsError
from gateway.stores import store_names

ACTIONS = frozenset({"list", "read", "write", "delete", "share", "admin", "bypass_governance"})
"""`admin`: a bucket's own settings (versioning, ...) and objects' retention, which `write` does not imply;
`bypass_governance`: shortening or lifting a GOVERNANCE retention, which `admin` does not imply."""
CHANGES = frozenset({"write", "delete", "admin", "bypass_governance"})
SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class AccessConfigError(SettingsError):
    """The access file cannot be used; the message says where."""


@dataclass(frozen=True, slots=True)
class Grant:
    store: str
    bucket: str
    prefix: str
    actions: frozenset[str]

    def covers(self, action: str, bucket: str, key: str) -> bool:
        return action in self.actions and self.bucket in ("*", bucket) and key.startswith(self.prefix)


@dataclass(frozen=True, slots=True)
class Principal:
    """Someone the gateway acts for, with what they may do and the caps on what they may sign."""

    name: str
    kind: str  # "user", "token", "proxy", "oidc" or "anonymous"
    grants: tuple[Grant, ...]
    max_expires: int | None = None
    max_upload_size: int | None = None
    password: str | None = field(default=None, repr=False)
    groups: tuple[str, ...] = ()
    """The groups a provider or proxy said they are in, whose grants are among theirs."""

    def in_store(self, store: str) -> Principal:
        """The same principal with only the grants that reach `store`: what it may do in a request for it."""
        return replace(self, grants=tuple(g for g in self.grants if g.store in ("*", store)))

    def sees_store(self, store: str) -> bool:
        return any(g.store in ("*", store) for g in self.grants)

    def may(self, action: str, bucket: str, key: str = "") -> bool:
        return any(grant.covers(action, bucket, key) for grant in self.grants)

    def sees_bucket(self, bucket: str) -> bool:
        return any(grant.bucket in ("*", bucket) for grant in self.grants)

    def may_list(self, bucket: str, prefix: str) -> bool:
        """Within a listable prefix, or above one (to walk down to it: only the way there is shown)."""
        return any(
            "list" in g.actions
            and g.bucket in ("*", bucket)
            and (prefix.startswith(g.prefix) or g.prefix.startswith(prefix))
            for g in self.grants
        )

    def visible(self, listing: Listing) -> Listing:
        """The rows of `listing` this principal may see: its grants' keys, and the folders that lead to them."""
        grants = [g for g in self.grants if "list" in g.actions and g.bucket in ("*", listing.bucket)]
        if any(listing.prefix.startswith(g.prefix) for g in grants):
            return listing
        return replace(
            listing,
            folders=[
                f
                for f in listing.folders
                if any(g.prefix.startswith(f.prefix) or f.prefix.startswith(g.prefix) for g in grants)
            ],
            objects=[o for o in listing.objects if any(o.key.startswith(g.prefix) for g in grants)],
        )


ANONYMOUS = Principal("anonymous", "anonymous", (Grant("*", "*", "", ACTIONS),))


@dataclass(frozen=True, slots=True)
class AccessConfig:
    users: dict[str, Principal]
    tokens: dict[str, Principal]  # by the SHA-256 of the token
    trusted_proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    proxy_user_header: str = "x-forwarded-user"
    proxy_groups_header: str | None = None
    proxy_groups_separator: str = ","
    read_only: bool = False
    groups: dict[str, tuple[Grant, ...]] = field(default_factory=dict)
    providers: dict[str, OidcProvider] = field(default_factory=dict)
    passwords: bool = True
    """Whether [users] may sign in with a password (false: through a provider only)."""

    def member(self, name: str, kind: str, groups: tuple[str, ...]) -> Principal | None:
        """Someone a provider or proxy vouches for: their own grants in [users] (or [users."*"]'s) and those of
        their groups. None when the file gives them nothing at all."""
        own = self.users.get(name) or self.users.get("*")
        groups = tuple(group for group in groups if group in self.groups)  # only these matter (and fit a cookie)
        shared = tuple(grant for group in groups for grant in self.groups[group])
        if own is None and not shared:
            return None
        base = own or Principal(name, kind, ())
        return replace(base, name=name, kind=kind, grants=base.grants + shared, password=None, groups=groups)

    def proxy_user(self, name: str, groups: tuple[str, ...] = ()) -> Principal | None:
        return self.member(name, "proxy", groups)

    def principal_named(self, kind: str, name: str, groups: tuple[str, ...] = ()) -> Principal | None:
        """The principal of that kind and name as the file says today (None if it is gone): what a share link made
        by it may still do. `groups`: those it was in when it made the link (the gateway cannot ask again)."""
        if kind == "user":
            return self.users.get(name)
        if kind == "token":
            return next((p for p in self.tokens.values() if p.name == name), None)
        if kind in ("proxy", "oidc"):
            return self.member(name, kind, groups)
        return None

    def trusts(self, address: str | None) -> bool:
        if not address or not self.trusted_proxies:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.trusted_proxies)


def check(principal: Principal, read_only: bool, action: str, bucket: str, key: str = "") -> None:
    """Raise AccessDenied (403, in words) unless `principal` may do `action` on `key` in `bucket`."""
    if read_only and action in CHANGES:
        raise AccessDenied("The gateway is read-only: nothing can be changed through it.")
    if not principal.may(action, bucket, key):
        where = f"{bucket}/{key}" if key else bucket
        raise AccessDenied(f"{principal.name} may not {action} {where}.")


def load_access(path: Path) -> AccessConfig:
    try:
        raw = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AccessConfigError(f"S3M_ACCESS_FILE {path}: {exc}") from None
    stores = store_names(raw)
    users = {name: _principal(name, "user", entry, path, stores) for name, entry in raw.get("users", {}).items()}
    tokens = {}
    for name, entry in raw.get("tokens", {}).items():
        digest = str(entry.get("sha256", "")).lower()
        if len(digest) != 64:
            raise AccessConfigError(f"{path}: token {name!r} needs sha256 = the token's SHA-256 in hex")
        tokens[digest] = _principal(name, "token", entry, path, stores)
    groups = {
        name: _principal(name, "group", entry, path, stores).grants for name, entry in raw.get("groups", {}).items()
    }
    proxy = raw.get("proxy", {})
    try:
        trusted = tuple(ipaddress.ip_network(cidr) for cidr in proxy.get("trusted", []))
    except ValueError as exc:
        raise AccessConfigError(f"{path}: [proxy] trusted: {exc}") from None
    try:
        providers = load_providers(raw, path)
    except SettingsError as exc:
        raise AccessConfigError(str(exc)) from None
    passwords = raw.get("login", {}).get("passwords", True)
    if not isinstance(passwords, bool):
        raise AccessConfigError(f"{path}: [login] passwords must be true or false")
    if not passwords and not providers:
        raise AccessConfigError(f"{path}: [login] passwords = false needs an [oidc.NAME] provider to sign in with")
    groups_header = proxy.get("groups_header")
    return AccessConfig(
        users=users,
        tokens=tokens,
        trusted_proxies=trusted,
        proxy_user_header=str(proxy.get("user_header", "X-Forwarded-User")).lower(),
        proxy_groups_header=str(groups_header).lower() if groups_header else None,
        proxy_groups_separator=str(proxy.get("groups_separator", ",")),
        read_only=bool(raw.get("read_only", False)),
        groups=groups,
        providers=providers,
        passwords=passwords,
    )


def _principal(name: str, kind: str, entry: dict[str, Any], path: Path, stores: tuple[str, ...]) -> Principal:
    """`stores`: the configured stores' names, the default first (a grant that names none is for it)."""
    grants = []
    for spec in entry.get("grants", []):
        actions = frozenset(spec.get("actions", []))
        if not actions <= ACTIONS or "bucket" not in spec:
            raise AccessConfigError(
                f"{path}: {kind} {name!r}: each grant needs a bucket and actions among {', '.join(sorted(ACTIONS))}"
            )
        store = str(spec.get("store", stores[0]))
        if store != "*" and store not in stores:
            raise AccessConfigError(f"{path}: {kind} {name!r}: a grant names the store {store!r}, not in [stores]")
        grants.append(Grant(store, str(spec["bucket"]), str(spec.get("prefix", "")), actions))
    return Principal(
        name, kind, tuple(grants), entry.get("max_expires"), entry.get("max_upload_size"), entry.get("password")
    )


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, **SCRYPT)
    return "scrypt:" + base64.b64encode(salt).decode() + ":" + base64.b64encode(digest).decode()


def password_matches(password: str, stored: str | None) -> bool:
    """Constant-time; an unknown user is checked against a dummy hash so timing does not tell who exists."""
    kind, _, rest = (stored or "scrypt:AAAAAAAAAAAAAAAAAAAAAA==:").partition(":")
    salt, _, expected = rest.partition(":")
    if kind != "scrypt":
        return False
    digest = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), **SCRYPT)
    return stored is not None and hmac.compare_digest(base64.b64encode(digest).decode(), expected)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

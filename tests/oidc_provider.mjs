// A real OpenID provider for the tests (tests/oidc_provider.py): node-oidc-provider with its development login page,
// which takes any name (the password is not checked). Arguments: the port, then a JSON object {client_id,
// client_secret, redirect_uri, post_logout_redirect_uri, groups: {user name: [group, ...]}, groups_from_userinfo}.
import Provider from "oidc-provider";

const [port, json] = process.argv.slice(2);
const setup = JSON.parse(json);
const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [{
    client_id: setup.client_id,
    client_secret: setup.client_secret,
    redirect_uris: [setup.redirect_uri],
    post_logout_redirect_uris: [setup.post_logout_redirect_uri],
    grant_types: ["authorization_code"],
    response_types: ["code"],
  }],
  claims: { openid: ["sub"], profile: ["preferred_username", "name"], groups: ["groups"] },
  scopes: ["openid", "profile", "groups"],
  // The groups in the ID token, as Keycloak and Entra ID put them; or, conforming, only from userinfo.
  conformIdTokenClaims: setup.groups_from_userinfo === true,
  findAccount: (ctx, id) => ({
    accountId: id,
    claims: () => ({ sub: id, preferred_username: id, name: id, groups: setup.groups[id] ?? [] }),
  }),
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ["tests-only-cookie-key"] },
});
provider.listen(Number(port), "127.0.0.1", () => console.log(`listening on ${port}`));

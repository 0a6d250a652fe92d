#!/usr/bin/env python3
"""Write the conformance-suite plan configurations for identity-server: static clients (plan-config.json) and
dynamic registration (plan-config-dynamic.json), with the HtmlUnit browser steps for our login, error and
logout pages. Usage: make-config.py OUTPUT_DIR"""
import copy, json, os, sys
OP = "https://localhost:18844"
AUTHZ = OP + "/oauth2/authorize*"
LOGOUT = OP + "/oauth2/logout*"
USER, PASSWORD = "oidfuser", "oidf-user-password-1"

def login_cmds(placeholder=None, text="Sign in"):
    cmds = []
    if placeholder:
        # screenshot of the login page fills the test's image placeholder
        cmds.append(["wait", "xpath", "//*", 10, text, placeholder])
    cmds += [["text", "name", "username", USER, "optional"],
             ["text", "name", "password", PASSWORD, "optional"],
             ["click", "xpath", "//button[@value='login']", "optional"]]
    return cmds

def login_flow(placeholder=None, text="Sign in"):
    return {"match": AUTHZ, "tasks": [
        {"task": "Login", "optional": True, "match": AUTHZ, "commands": login_cmds(placeholder, text)},
        {"task": "Verify Complete", "match": "*/test/*/callback*",
         "commands": [["wait", "id", "submission_complete", 10]]}]}

def error_page(text):
    """The page the authorization request shows (an error page, or the login page) is only screenshotted."""
    return {"match": AUTHZ, "tasks": [
        {"task": "Expect page", "match": AUTHZ,
         "commands": [["wait", "xpath", "//*", 10, text, "update-image-placeholder"]]}]}

# RP-Initiated Logout: with an id_token_hint of the signed-in user the browser is sent straight on to the
# suite's post_logout_redirect; otherwise our page ("Sign out?" confirmation, "Signed out", or the error page)
# stays, and its screenshot fills the test's placeholder when the test has one.
logout_flow = {"match": LOGOUT, "tasks": [
    {"task": "Logout page", "optional": True, "match": LOGOUT,
     "commands": [["wait", "xpath", "//*", 10, "Sign out|Sign-out|Signed out|signed out|refused|error",
                   "update-image-placeholder-optional"]]},
    {"task": "Verify Complete", "optional": True, "match": "*/test/*/post_logout_redirect*"}]}

def confirmed_logout():
    """No id_token_hint: our page asks first (RP-Initiated Logout §2); the user confirms, and the "Signed out"
    page that follows is the screenshot the test asks for."""
    return {"match": LOGOUT, "tasks": [
        {"task": "Confirm logout", "match": LOGOUT,
         "commands": [["wait", "xpath", "//*", 10, "Sign out\\?"],
                      ["click", "xpath", "//button[@value='yes']"],
                      ["wait", "xpath", "//*", 10, "Signed out", "update-image-placeholder"]]}]}

static = {
    "alias": "idsrv",
    "description": "identity-server (Java) under the OIDF conformance suite",
    "server": {"discoveryUrl": OP + "/.well-known/openid-configuration"},
    "client": {"client_id": "oidf-client-1", "client_secret": "oidf-client-1-secret-0123456789abcdef"},
    "client2": {"client_id": "oidf-client-2", "client_secret": "oidf-client-2-secret-0123456789abcdef"},
    # oidcc-server-client-secret-post reads its client from "client_secret_post" (client 1 accepts both methods)
    "client_secret_post": {"client_id": "oidf-client-1", "client_secret": "oidf-client-1-secret-0123456789abcdef"},
    "browser": [login_flow(), logout_flow],
    "override": {
        "oidcc-prompt-login": {"browser": [login_flow("update-image-placeholder-optional")]},
        "oidcc-max-age-1": {"browser": [login_flow("update-image-placeholder-optional")]},
        "oidcc-ensure-registered-redirect-uri": {"browser": [error_page("redirect_uri is not registered")]},
        "oidcc-rp-initiated-logout-no-params": {"browser": [login_flow(), confirmed_logout()]},
        "oidcc-rp-initiated-logout-only-state": {"browser": [login_flow(), confirmed_logout()]},
    },
}

# Dynamic registration (open mode on the tenant): the suite registers its own clients, with names only.
dynamic = copy.deepcopy(static)
dynamic["client"] = {"client_name": "oidf-dynamic-client-1"}
dynamic["client2"] = {"client_name": "oidf-dynamic-client-2"}
del dynamic["client_secret_post"]
dynamic["override"].update({
    "oidcc-ensure-redirect-uri-in-authorization-request": {"browser": [error_page("redirect_uri")]},
    "oidcc-redirect-uri-query-added": {"browser": [error_page("redirect_uri is not registered")]},
    "oidcc-redirect-uri-query-mismatch": {"browser": [error_page("redirect_uri is not registered")]},
    # the login page of a client that registered logo_uri / policy_uri / tos_uri: its screenshot is reviewed, and
    # the test ends there (signing in would call the suite back after it finished)
    "oidcc-registration-logo-uri": {"browser": [error_page("Sign in")]},
    "oidcc-registration-policy-uri": {"browser": [error_page("Sign in")]},
    "oidcc-registration-tos-uri": {"browser": [error_page("Sign in")]},
})

out = sys.argv[1] if len(sys.argv) > 1 else "."
json.dump(static, open(os.path.join(out, "plan-config.json"), "w"), indent=2)
json.dump(dynamic, open(os.path.join(out, "plan-config-dynamic.json"), "w"), indent=2)

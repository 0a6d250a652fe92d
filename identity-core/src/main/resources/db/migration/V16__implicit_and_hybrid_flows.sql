-- OIDC Core §3.2, §3.3: whether a tenant lets its clients have tokens issued by the authorization endpoint
-- (the implicit and hybrid flows). Off by default (RFC 9700 §2.1.2 discourages the implicit grant).
ALTER TABLE tenants ADD COLUMN implicit_and_hybrid_flows BOOLEAN DEFAULT FALSE NOT NULL;
-- RFC 7591 §2 response_types of a client, comma-separated (each is space-separated itself); empty for the
-- default: code for a client with the authorization_code grant, none otherwise.
ALTER TABLE clients ADD COLUMN response_types VARCHAR(256) DEFAULT '' NOT NULL;

-- OIDC Registration §2 request_uris: the URLs the server may fetch the client's request objects from
-- (RFC 9101 §5.2), space-separated like redirect_uris; empty for none.
ALTER TABLE clients ADD COLUMN request_uris VARCHAR(8192) DEFAULT '' NOT NULL;

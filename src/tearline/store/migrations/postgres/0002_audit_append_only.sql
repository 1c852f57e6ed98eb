-- The audit log is append-only: the database itself refuses to change or delete an entry.
-- (A superuser can still disable the trigger; `tearline audit verify` catches that.)
CREATE FUNCTION tearline_audit_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END;
$$;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
FOR EACH ROW EXECUTE FUNCTION tearline_audit_append_only();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
FOR EACH STATEMENT EXECUTE FUNCTION tearline_audit_append_only();

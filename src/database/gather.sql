-- apex database-posture facts: one JSON line. Run by src/database/collect.ts as the
-- superuser (peer, on the socket) with -v roles=<the services' roles, comma-separated>.
-- Read-only, but for the escalation attempts, which run as each role inside a subtransaction
-- that is always rolled back.
SET search_path = pg_catalog, pg_temp;
SET client_min_messages = warning;
CREATE TEMP TABLE apex_attempts (role text, statement text, result text, sqlstate text);
SELECT set_config('apex.roles', :'roles', false);
DO $attempts$
DECLARE
  r text;
  stmt text;
  stmts text[];
BEGIN
  FOREACH r IN ARRAY string_to_array(current_setting('apex.roles'), ',') LOOP
    CONTINUE WHEN NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r);
    stmts := ARRAY[
      'CREATE SCHEMA apex_probe_escalation',
      format('ALTER DATABASE %I SET search_path = public', current_database()),
      'CREATE TEMP TABLE apex_probe_escalation (x int)',
      'CREATE OPERATOR public.|| (leftarg = text, rightarg = text, function = pg_catalog.textcat)'
    ] || ARRAY(
      SELECT format('CREATE FUNCTION %I.apex_probe_escalation() RETURNS int LANGUAGE sql AS ''SELECT 1''', nspname)
        FROM pg_namespace
       WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND nspname !~ '^pg_(temp|toast_temp)_'
       ORDER BY nspname);
    FOREACH stmt IN ARRAY stmts LOOP
      BEGIN
        EXECUTE format('SET LOCAL ROLE %I', r);
        EXECUTE stmt;
        RAISE EXCEPTION 'apex-probe-rollback';
      EXCEPTION WHEN OTHERS THEN
        INSERT INTO apex_attempts VALUES (r, stmt,
          CASE WHEN SQLERRM = 'apex-probe-rollback' THEN 'succeeded'
               WHEN SQLSTATE = '42501' THEN 'refused'
               ELSE SQLERRM END,
          CASE WHEN SQLERRM = 'apex-probe-rollback' THEN NULL ELSE SQLSTATE END);
      END;
    END LOOP;
  END LOOP;
END
$attempts$;
SELECT 'apex-db-facts ' || json_build_object(
  'database', current_database(),
  'databases', (SELECT coalesce(json_agg(json_build_object(
      'name', d.datname, 'owner', pg_get_userbyid(d.datdba),
      'publicPrivileges', coalesce((SELECT json_agg(a.privilege_type ORDER BY a.privilege_type) FROM aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a WHERE a.grantee = 0), '[]'::json))
      ORDER BY d.datname), '[]'::json) FROM pg_database d WHERE d.datallowconn),
  'schemas', (SELECT coalesce(json_agg(json_build_object(
      'name', n.nspname, 'owner', pg_get_userbyid(n.nspowner),
      'publicCreate', EXISTS (SELECT 1 FROM aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a WHERE a.grantee = 0 AND a.privilege_type = 'CREATE'))
      ORDER BY n.nspname), '[]'::json)
      FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND n.nspname !~ '^pg_(temp|toast_temp)_'),
  'roles', (SELECT coalesce(json_agg(json_build_object(
      'name', rolname, 'superuser', rolsuper, 'createrole', rolcreaterole, 'createdb', rolcreatedb,
      'replication', rolreplication, 'bypassrls', rolbypassrls, 'login', rolcanlogin, 'connlimit', rolconnlimit,
      'config', coalesce(to_json(rolconfig), '[]'::json)) ORDER BY rolname), '[]'::json)
      FROM pg_roles WHERE rolname !~ '^pg_'),
  'securityDefiner', (SELECT coalesce(json_agg(json_build_object(
      'fn', p.oid::regprocedure::text, 'owner', pg_get_userbyid(p.proowner), 'config', coalesce(to_json(p.proconfig), '[]'::json))
      ORDER BY p.oid::regprocedure::text), '[]'::json)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema')),
  'hba', (SELECT coalesce(json_agg(json_build_object(
      'line', line_number, 'type', type, 'database', to_json(database), 'users', to_json(user_name), 'method', auth_method)
      ORDER BY line_number), '[]'::json) FROM pg_hba_file_rules WHERE error IS NULL),
  'attempts', (SELECT coalesce(json_agg(json_build_object('role', role, 'statement', statement, 'result', result, 'sqlstate', sqlstate)), '[]'::json) FROM apex_attempts)
);

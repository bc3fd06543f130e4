import GlavitoCore
import Testing

@Suite("SQL script splitting")
struct SQLScriptTests {
    @Test("semicolons inside strings, identifiers, comments and dollar quotes do not split")
    func quoting() {
        let script = """
        -- a comment; with a semicolon
        CREATE TABLE "odd;name" (v text DEFAULT 'a;b''c');
        /* block; /* nested; */ still comment; */
        CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
        CREATE FUNCTION g() RETURNS int LANGUAGE plpgsql AS $body$ BEGIN RETURN 2; END; $body$;
        SELECT $1::int;
        """
        let statements = SQLScript.statements(script)
        #expect(statements.count == 4)
        #expect(statements[0].hasSuffix(#"CREATE TABLE "odd;name" (v text DEFAULT 'a;b''c')"#))
        #expect(statements[1].contains("$$ SELECT 1; $$"))
        #expect(statements[2].contains("BEGIN RETURN 2; END;"))
        #expect(statements[3] == "SELECT $1::int")
    }

    @Test("a script of only comments has no statements")
    func onlyComments() {
        #expect(SQLScript.statements("-- nothing here;\n-- at all\n").isEmpty)
    }

    @Test("the bundled migrations split into statements")
    func bundled() throws {
        let migrations = try MigrationCatalog.bundled()
        #expect(migrations.first?.version == 1)
        for migration in migrations {
            #expect(!SQLScript.statements(migration.sql).isEmpty, "migration \(migration.version) has no statements")
        }
    }
}
